import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readGoFixture } from '../fixtures/index.js'
import { createStateManager } from '../../src/index.js'
import { hashLine } from '../../src/store/log-line.js'
import { deploy, freshManager } from '../support/manager.js'

const story = async () => {
  const context = freshManager()
  await deploy(context.manager, 'prod', 'v1', ['build', 'push'])
  await deploy(context.manager, 'staging', 'v1', ['build'])
  await deploy(context.manager, 'prod', 'v2')
  return context
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1)

describe('verify', () => {
  it('finds a sound store sound, with what it counted and the head of its chain', async () => {
    const { manager, eventLog } = await story()
    expect(await manager.verify()).toEqual({
      sound: true,
      problems: [],
      events: 9,
      releases: 3,
      head: { position: 9, sha256: hashLine(lines(eventLog).at(-1) as string) },
    })
  })

  it('reports the head of the chain, which a log cut back by whole lines no longer reaches', async () => {
    const { manager, eventLog, stateFile } = await story()
    const { head } = await manager.verify()
    // Truncated by its last command, with releases.json edited to match and the files that
    // describe the log (the record of the last snapshot, the checkpoint) deleted: the chain cannot tell.
    const all = lines(eventLog)
    writeFileSync(eventLog, `${all.slice(0, -1).join('\n')}\n`)
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: unknown[] }
    writeFileSync(stateFile, JSON.stringify({ releases: file.releases.slice(0, -1) }, null, 2))
    rmSync(`${stateFile}.sha256`, { force: true })
    rmSync(stateFile.replace(/\.json$/, '.checkpoint'), { force: true })
    const after = await createStateManager({ stateFile }).verify()
    expect(after.sound).toBe(true)
    // The recorded head can: line 9 is gone, so nothing names the recorded hash as its prev.
    expect(after.head).toEqual({ position: 8, sha256: hashLine(all[7] as string) })
    expect(after.head).not.toEqual(head)
    expect(lines(eventLog).some((line) => (JSON.parse(line) as { prev: string }).prev === head?.sha256)).toBe(false)
  })

  it('a store without events has no head', async () => {
    expect((await freshManager().manager.verify()).head).toBeUndefined()
  })

  it('catches an edited log line at the line after it, naming file and line', async () => {
    const { manager, eventLog } = await story()
    writeFileSync(
      eventLog,
      `${lines(eventLog)
        .map((line, i) => (i === 0 ? line.replace('"v1"', '"v0"') : line))
        .join('\n')}\n`,
    )
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toContainEqual({
      severity: 'error',
      location: `${eventLog}:2`,
      message: expect.stringMatching(/line 1 was edited/),
    })
  })

  it('catches a deleted log line', async () => {
    const { manager, eventLog } = await story()
    writeFileSync(
      eventLog,
      `${lines(eventLog)
        .filter((_, i) => i !== 3)
        .join('\n')}\n`,
    )
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems.map((p) => p.location)).toContain(`${eventLog}:4`)
  })

  it('catches an event that could not have happened, even with a hash chain rebuilt around it', async () => {
    const { manager, eventLog } = await story()
    const { hashLine } = await import('../../src/store/log-line.js')
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
    expect(report.problems).toContainEqual({
      severity: 'error',
      location: `${eventLog}:3`,
      message: expect.stringMatching(/phase build of release .* is running, not completed/),
    })
  })

  it('reports an incomplete last line as an error until the next write sets it aside', async () => {
    const { manager, eventLog } = await story()
    appendFileSync(eventLog, '{"v":1')
    expect((await manager.verify()).problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        location: `${eventLog}:10`,
        message: expect.stringMatching(/incomplete last line of 6 bytes/),
      }),
    ])
    await manager.createRelease('qa', 'v1')
    const after = await manager.verify()
    expect(after.sound).toBe(true)
    expect(after.problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/set aside/) }),
    ])
  })

  it('catches a releases.json that differs from the projection of the log', async () => {
    const { manager, stateFile } = await story()
    writeFileSync(stateFile, readFileSync(stateFile, 'utf8').replace('"staging"', '"stage"'))
    expect((await manager.verify()).problems).toEqual([
      {
        severity: 'error',
        location: stateFile,
        message: expect.stringMatching(
          /^differs from the projection of the event log at rel-\S+ \(different\): the two files disagree, and either may have been changed outside stagecraft-state \(this file, or the last line of the log, which the hash chain cannot show\)/,
        ),
      },
    ])
  })

  it('given a log that lost its last line, names the release only releases.json still holds and warns that restoring from the log would drop it', async () => {
    const { manager, eventLog, stateFile } = await story()
    // The last command created prod v2 and walked its phases: cut back to before its creation.
    const all = lines(eventLog)
    const created = all.findLastIndex((line) => line.includes('"type":"ReleaseCreated"'))
    writeFileSync(eventLog, `${all.slice(0, created).join('\n')}\n`)
    // Without the record of the last snapshot, which would show the log lost its end (checkpoint.test.ts).
    rmSync(`${stateFile}.sha256`)
    const [problem, ...others] = (await createStateManager({ stateFile }).verify()).problems
    expect(others).toEqual([])
    expect(problem).toMatchObject({ severity: 'error', location: stateFile })
    expect(problem?.message).toMatch(/at rel-\S+ \(only in the snapshot\)/)
    expect(problem?.message).toContain(
      'One release is in this file and in no event of the log: if the log lost its end, "reconcile --restore" would drop it',
    )
    void manager
  })

  it('given a damaged log, reports the log and does not compare releases.json with its fold (nor advise a reconcile)', async () => {
    const { eventLog, stateFile } = await story()
    const all = lines(eventLog)
    writeFileSync(
      eventLog,
      `${[...all.slice(0, 3), (all[3] as string).replace('"actor":"', '"actor":"x'), ...all.slice(4)].join('\n')}\n`,
    )
    const report = await createStateManager({ stateFile }).verify()
    expect(report.sound).toBe(false)
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.location)).toEqual([`${eventLog}:5`])
    expect(report.problems).toContainEqual({
      severity: 'warning',
      location: stateFile,
      message: expect.stringMatching(/^not compared with the event log, which has the errors above/),
    })
    expect(report.problems.map((p) => p.message).join('\n')).not.toMatch(/reconcile/)
  })

  it('places a releases.json that is not JSON at its file and line, as every other problem', async () => {
    const { stateFile } = await story()
    writeFileSync(stateFile, readFileSync(stateFile, 'utf8').replace('"releases": [', '"releases": [,'))
    expect((await createStateManager({ stateFile }).verify()).problems).toEqual([
      { severity: 'error', location: `${stateFile}:2`, message: expect.stringMatching(/^not valid JSON/) },
    ])
  })

  it('an edit of the last log line shows only as a difference with releases.json, which is not blamed for it', async () => {
    const { manager, eventLog } = await story()
    const all = lines(eventLog)
    writeFileSync(eventLog, `${[...all.slice(0, -1), (all.at(-1) as string).replace('"v2"', '"v3"')].join('\n')}\n`)
    const report = await createStateManager({ stateFile: manager.stateFile as string }).verify()
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/the two files disagree.*the last line of the log/),
    ])
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

  describe('ids the Go tool wrote from a local clock', () => {
    const goRecord = (id: string, timestamp: string, previous?: string) => ({
      id,
      environment: 'prod',
      version: 'v1',
      commit_sha: '',
      timestamp,
      phases: {},
      ...(previous === undefined ? {} : { previous_id: previous }),
    })
    const goFile = (records: ReadonlyArray<object>) => JSON.stringify({ releases: records }, null, 2)

    // A release Go wrote in Tokyo at 19:11:09.546Z, imported, then one created here 54 ms later.
    const tokyoThenCreate = async () => {
      const { manager, stateFile, clock } = freshManager()
      mkdirSync(dirname(stateFile), { recursive: true })
      writeFileSync(stateFile, goFile([goRecord('rel-20261203-041109546', '2026-12-03T04:11:09.546+09:00')]))
      await manager.importSnapshot()
      clock.set(Date.parse('2026-12-02T19:11:09.600Z'))
      const { release } = await manager.createRelease('prod', 'v2', 'abc123')
      return { manager, stateFile, release }
    }

    it('one: a warning that says what its id reads, what its timestamp says, and why; creating follows the clock', async () => {
      const { manager, stateFile, release } = await tokyoThenCreate()
      expect(release.timestamp).toBe('2026-12-02T19:11:09.6Z')
      const report = await manager.verify()
      expect(report.sound).toBe(true)
      expect(report.problems).toEqual([
        {
          severity: 'warning',
          location: stateFile,
          message:
            'id rel-20261203-041109546 reads 04:11:09.546 but its timestamp is 19:11:09.546Z: written by the Go ' +
            'tool from a local clock (TZ +09:00); harmless, order follows timestamps',
        },
      ])
    })

    it('a file in id order, as written before time ordered it, is current: neither verify nor a write calls it drift', async () => {
      const { manager, stateFile, release } = await tokyoThenCreate()
      const file = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: Array<{ id: string }> }
      expect(file.releases.map((r) => r.id)).toEqual(['rel-20261203-041109546', release.id])
      writeFileSync(stateFile, JSON.stringify({ releases: [...file.releases].reverse() }, null, 2))
      rmSync(`${stateFile}.sha256`, { force: true })
      const report = await manager.verify()
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([])
      await manager.updatePhase(release.id, 'build', 'running')
      const after = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: Array<{ id: string }> }
      expect(after.releases.map((r) => r.id)).toEqual(['rel-20261203-041109546', release.id])
    })

    it('many: one warning counting them, naming the first three; legacy ids that read their time, none', async () => {
      const { manager, stateFile } = freshManager()
      mkdirSync(dirname(stateFile), { recursive: true })
      const records = [
        goRecord('rel-20250101-120000', '2025-01-01T12:00:00.5Z'),
        goRecord('zzz', '2025-01-01T12:30:00Z'),
        ...['13', '14', '15', '16'].map((hour) =>
          goRecord(
            `rel-20250101-${String(Number(hour) - 7).padStart(2, '0')}0000000`,
            `2025-01-01T${String(Number(hour) - 7).padStart(2, '0')}:00:00-07:00`,
          ),
        ),
      ]
      writeFileSync(stateFile, goFile(records))
      await manager.importSnapshot()
      const warnings = (await manager.verify()).problems.filter((p) => /read their timestamps/.test(p.message))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]?.message).toMatch(
        /^4 release ids do not read their timestamps: id rel-20250101-060000000 reads 06:00:00.000 but its timestamp is 13:00:00.000Z: written by the Go tool from a local clock \(TZ -07:00\); id .*; and 1 more; harmless, order follows timestamps$/,
      )
    })
  })
})
