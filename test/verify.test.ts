import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readGoFixture } from './fixtures/index.js'
import { deploy, freshManager } from './support/manager.js'

const story = async () => {
  const context = freshManager()
  await deploy(context.manager, 'prod', 'v1', ['build', 'push'])
  await deploy(context.manager, 'staging', 'v1', ['build'])
  await deploy(context.manager, 'prod', 'v2')
  return context
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1)

describe('verify', () => {
  it('finds a sound store sound, with what it counted', async () => {
    const { manager } = await story()
    expect(await manager.verify()).toEqual({ sound: true, problems: [], events: 9, releases: 3 })
  })

  it('catches an edited log line at the line after it, naming file and line', async () => {
    const { manager, eventLog } = await story()
    writeFileSync(eventLog, `${lines(eventLog).map((line, i) => (i === 0 ? line.replace('"v1"', '"v0"') : line)).join('\n')}\n`)
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toContainEqual({ severity: 'error', location: `${eventLog}:2`, message: expect.stringMatching(/line 1 was edited/) })
  })

  it('catches a deleted log line', async () => {
    const { manager, eventLog } = await story()
    writeFileSync(eventLog, `${lines(eventLog).filter((_, i) => i !== 3).join('\n')}\n`)
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems.map((p) => p.location)).toContain(`${eventLog}:4`)
  })

  it('catches an event that could not have happened, even with a hash chain rebuilt around it', async () => {
    const { manager, eventLog } = await story()
    const { hashLine } = await import('../src/store/log-line.js')
    const all = lines(eventLog)
    const forged = all.map((line) => JSON.parse(line) as Record<string, unknown>)
    ;(forged[2] as { data: { from: string } }).data.from = 'completed' // build was running, not completed
    let prev = '0'.repeat(64)
    const rebuilt = forged.map((event) => {
      const line = JSON.stringify({ ...event, prev })
      prev = hashLine(line)
      return line
    })
    writeFileSync(eventLog, `${rebuilt.join('\n')}\n`)
    const report = await manager.verify()
    expect(report.problems).toContainEqual({ severity: 'error', location: `${eventLog}:3`, message: expect.stringMatching(/phase build of release .* is running, not completed/) })
  })

  it('reports an incomplete last line as an error until the next write sets it aside', async () => {
    const { manager, eventLog } = await story()
    appendFileSync(eventLog, '{"v":1')
    expect((await manager.verify()).problems).toEqual([expect.objectContaining({ severity: 'error', location: `${eventLog}:10`, message: expect.stringMatching(/incomplete last line of 6 bytes/) })])
    await manager.createRelease('qa', 'v1')
    const after = await manager.verify()
    expect(after.sound).toBe(true)
    expect(after.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/set aside/) })])
  })

  it('catches a releases.json that differs from the projection of the log', async () => {
    const { manager, stateFile } = await story()
    writeFileSync(stateFile, readFileSync(stateFile, 'utf8').replace('"staging"', '"stage"'))
    expect((await manager.verify()).problems).toEqual([{ severity: 'error', location: stateFile, message: expect.stringMatching(/changed outside stagecraft-state/) }])
  })

  it('keeps what an imported Go file brought in (duplicate ids, a self-referencing previous_id) as warnings', async () => {
    const { manager, stateFile } = freshManager()
    mkdirSync(dirname(stateFile))
    writeFileSync(stateFile, readGoFixture('same-ms-diff-ns.json'))
    await manager.importSnapshot()
    const report = await manager.verify()
    expect(report.sound).toBe(true)
    expect(report.problems.length).toBeGreaterThan(0)
    expect(report.problems.every((p) => p.severity === 'warning')).toBe(true)
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/held by 2 releases/)
  })
})
