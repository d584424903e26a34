/**
 * `report --html FILE`: given a store, the page is written whole and a line says what it holds; a file that cannot be
 * written is one error naming it, with nothing written and no temporary file left; `--html -` prints the page.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStateManager } from '../../src/index.js'
import { HOSTILE_ACTOR, recordStory, writeGoFile } from '../app/report-story.js'
import { cli, defaultStore, fails, ok, steppingClock, tempDir } from './support.js'

/** A directory whose default store holds the story (a Go file imported first). */
const storyDirectory = async (): Promise<string> => {
  const directory = tempDir()
  const { stateFile } = defaultStore(directory)
  writeGoFile(stateFile)
  const now = steppingClock(new Date(Date.now() - 3_600_000), 1000)
  const manager = createStateManager({ stateFile, now, actor: 'seeder', onWarning: () => undefined })
  const hostile = createStateManager({ stateFile, now, actor: HOSTILE_ACTOR, onWarning: () => undefined })
  await recordStory(manager, hostile)
  await Promise.all([manager.close(), hostile.close()])
  return directory
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at /m)

describe('report --html FILE', () => {
  it('writes the page and says what it holds', async () => {
    const directory = await storyDirectory()
    const out = await ok(directory, ['report', '--html', 'deploys.html'])
    expect(out).toMatch(/^report written to deploys\.html: 8 releases in 3 environments, \d+ events; verify: sound\n$/)
    const page = readFileSync(join(directory, 'deploys.html'), 'utf8')
    expect(page).toMatch(/^<!DOCTYPE html>/)
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(readdirSync(directory).filter((name) => name.includes('stagecraft-tmp'))).toEqual([])
  })

  it('narrows to an environment and a window, and --json says the same as fields', async () => {
    const directory = await storyDirectory()
    const json = JSON.parse(await ok(directory, ['report', '--html', 'prod.html', '--env', 'prod', '--json']))
    expect(json).toEqual({ file: 'prod.html', releases: 4, environments: 1, events: expect.any(Number), sound: true })
    const none = JSON.parse(
      await ok(directory, ['report', '--html', 'x.html', '--since', '2000-01-01', '--until', '2000-01-02', '--json']),
    )
    expect(none).toMatchObject({ releases: 0, environments: 0, events: 0 })
    expect(readFileSync(join(directory, 'x.html'), 'utf8')).toContain('There are no releases in this window.')
  })

  it('with --html - prints the page to stdout and writes no file', async () => {
    const directory = await storyDirectory()
    const page = await ok(directory, ['report', '--html', '-'])
    expect(page).toMatch(/^<!DOCTYPE html>/)
    expect(readdirSync(directory)).toEqual(['.stagecraft'])
  })

  it('of a damaged store: the page still, with verify NOT sound and the damaged line named', async () => {
    const directory = await storyDirectory()
    const { eventLog } = defaultStore(directory)
    const lines = readFileSync(eventLog, 'utf8').split('\n')
    lines[4] = (lines[4] ?? '').replace('"running"', '"runnink"')
    writeFileSync(eventLog, lines.join('\n'))
    const out = await ok(directory, ['report', '--html', 'deploys.html'])
    expect(out).toMatch(/; verify: NOT sound\n$/)
    const page = readFileSync(join(directory, 'deploys.html'), 'utf8').replace(/\s+/g, ' ')
    expect(page).toContain('<strong>NOT sound</strong>')
    expect(page).toContain(`${eventLog}:5`)
    expect(page).toContain('the figures of this report come from what could be read')
  })

  it('replaces an existing file whole', async () => {
    const directory = await storyDirectory()
    writeFileSync(join(directory, 'deploys.html'), 'an older report')
    await ok(directory, ['report', '--html', 'deploys.html'])
    expect(readFileSync(join(directory, 'deploys.html'), 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\s*$/)
  })
})

describe('report refuses', () => {
  it.each([
    [
      'a file in a directory that does not exist',
      'missing/deploys.html',
      /missing\/deploys\.html: could not write the report: its directory .*missing does not exist/,
    ],
    ['a directory', 'reports', /reports: could not write the report: it is a directory; name a file/],
    [
      'a file under a file',
      'taken.txt/deploys.html',
      /taken\.txt\/deploys\.html: could not write the report: .*taken\.txt is not a directory/,
    ],
  ])('%s: one IO_ERROR naming the file, nothing written', async (_what, file, message) => {
    const directory = await storyDirectory()
    mkdirSync(join(directory, 'reports'))
    writeFileSync(join(directory, 'taken.txt'), 'kept')
    const before = readdirSync(directory).sort()
    const error = await fails(directory, ['report', '--html', file], 1)
    expect(error).toMatch(/^stagecraft-state: IO_ERROR: /)
    expect(error).toMatch(message)
    noStackTrace(error)
    expect(readdirSync(directory).sort()).toEqual(before)
    expect(readdirSync(join(directory, 'reports'))).toEqual([])
    expect(readFileSync(join(directory, 'taken.txt'), 'utf8')).toBe('kept')
  })

  it('without --html, or with --since after --until: a usage error (exit 2)', async () => {
    const directory = await storyDirectory()
    expect(await fails(directory, ['report'], 2)).toContain('missing --html FILE')
    expect(await fails(directory, ['report', '--html', 'x.html', '--since', '1h', '--until', '2h'], 2)).toContain(
      'is later than --until',
    )
    expect(readdirSync(directory)).toEqual(['.stagecraft'])
  })

  it('a store named on purpose that does not exist: STORE_NOT_FOUND, no file', async () => {
    const directory = tempDir()
    const run = await cli(directory, ['--state-file', 'nowhere/releases.json', 'report', '--html', 'x.html'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('STORE_NOT_FOUND')
    expect(readdirSync(directory)).toEqual([])
  })
})
