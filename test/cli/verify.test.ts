/**
 * `verify`: exit 0 only when the store is sound; every problem printed as "file:line: severity:
 * message". Damage is done to real files: an edited log line, a deleted one, a stale snapshot.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixturePath, readGoFixture } from '../fixtures/index.js'
import { cli, defaultStore, ok, seed, tempDir } from './support.js'

/** A store of two releases and a few phases (four events); returns its files. */
const storeWithHistory = async () => {
  const directory = tempDir()
  const store = defaultStore(directory)
  const { snapshotBefore, recordBefore } = await seed(store.stateFile, async (manager) => {
    const { release: a } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(a.id, 'build', 'running')
    await manager.updatePhase(a.id, 'build', 'completed')
    const before = { snapshotBefore: store.snapshot(), recordBefore: readFileSync(`${store.stateFile}.sha256`) }
    await manager.createRelease('prod', 'v2')
    return before
  })
  return { directory, store, snapshotBefore, recordBefore }
}

const writeLines = (path: string, lines: ReadonlyArray<string>): void => writeFileSync(path, `${lines.join('\n')}\n`)

describe('verify', () => {
  it('a sound store: one summary line, exit 0; --json gives the report', async () => {
    const { directory, store } = await storeWithHistory()
    const head = {
      position: 4,
      sha256: createHash('sha256')
        .update(store.logLines().at(-1) as string)
        .digest('hex'),
    }
    expect(await ok(directory, ['verify'])).toBe(
      `sound: 4 events, 2 releases in file store ${store.stateFile}, no problems\nchain head: event 4, sha256 ${head.sha256}\n`,
    )
    expect(JSON.parse(await ok(directory, ['verify', '--json']))).toEqual({
      sound: true,
      store: `file store ${store.stateFile}`,
      events: 4,
      releases: 2,
      head,
      problems: [],
    })
  })

  it('an empty store is sound', async () => {
    expect(await ok(tempDir(), ['verify'])).toMatch(/^sound: 0 events, 0 releases in file store .*, no problems\n$/)
  })

  it('catches an edited log line, naming the file and line', async () => {
    const { directory, store } = await storeWithHistory()
    const lines = store.logLines()
    lines[1] = (lines[1] ?? '').replace('"running"', '"completed"')
    writeLines(store.eventLog, lines)
    const run = await cli(directory, ['verify'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain(
      `${store.eventLog}:3: error: the hash chain is broken: this line does not follow line 2 as written`,
    )
    expect(run.stdout.trimEnd().split('\n').at(-2)).toMatch(
      /^NOT sound: \d+ errors? .*in 4 events, 2 releases in file store /,
    )
  })

  it('catches a deleted log line', async () => {
    const { directory, store } = await storeWithHistory()
    const lines = store.logLines()
    writeLines(store.eventLog, [lines[0] ?? '', ...lines.slice(2)])
    const run = await cli(directory, ['verify', '--json'])
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout) as {
      sound: boolean
      problems: Array<{ severity: string; location: string; message: string }>
    }
    expect(report.sound).toBe(false)
    expect(report.problems).toContainEqual({
      severity: 'error',
      location: `${store.eventLog}:2`,
      message: expect.stringMatching(/hash chain is broken/),
    })
  })

  it('catches a deleted first line', async () => {
    const { directory, store } = await storeWithHistory()
    writeLines(store.eventLog, store.logLines().slice(1))
    const run = await cli(directory, ['verify'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `${store.eventLog}:1: error: the hash chain is broken: the first line does not start the chain`,
    )
  })

  it('catches a stale snapshot (one write behind, or older still) and tells it from a hand edit', async () => {
    const { directory, store, snapshotBefore, recordBefore } = await storeWithHistory()
    const record = `${store.stateFile}.sha256`
    const recordNow = readFileSync(record)
    // As a crash between a write's append and its snapshot leaves it: the bytes of the write
    // before, and the record of their SHA-256 (written after them) as it was then.
    writeFileSync(store.stateFile, snapshotBefore)
    writeFileSync(record, recordBefore)
    let run = await cli(directory, ['verify'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `${store.stateFile}: error: is behind the event log (it holds what an earlier write left, byte for byte`,
    )
    // A store written before records: any point of the history, its very start included.
    rmSync(record)
    writeFileSync(store.stateFile, '{\n  "releases": []\n}')
    run = await cli(directory, ['verify'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `${store.stateFile}: error: is behind the event log (it holds what an earlier write left, byte for byte`,
    )
    writeFileSync(record, recordNow)
    writeFileSync(store.stateFile, snapshotBefore) // the same bytes, after the last write was recorded: a hand edit
    run = await cli(directory, ['verify'])
    expect(run.stdout).toContain(`${store.stateFile}: error: differs from the projection of the event log`)
    writeFileSync(store.stateFile, snapshotBefore.replace('"prod"', '"production"'))
    run = await cli(directory, ['verify'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      new RegExp(
        `${store.stateFile.replaceAll('.', '\\.')}: error: differs from the projection of the event log at rel-\\S+ \\(different\\)(, rel-\\S+ \\(\\w[\\w ]*\\))*: the two files disagree, and either may have been changed outside stagecraft-state`,
      ),
    )
  })

  it('catches a line that is not JSON and an incomplete last line', async () => {
    const { directory, store } = await storeWithHistory()
    writeFileSync(store.eventLog, `${readFileSync(store.eventLog, 'utf8')}{"v":1,"id":"01J`)
    let run = await cli(directory, ['verify'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`${store.eventLog}:5: error: an incomplete last line of`)
    writeLines(store.eventLog, [...store.logLines().slice(0, 2), 'not json', ...store.logLines().slice(3)])
    run = await cli(directory, ['verify'])
    expect(run.stdout).toContain(`${store.eventLog}:3: error: not valid JSON`)
  })

  it('warnings alone leave the store sound: a releases.json not imported yet', async () => {
    const directory = tempDir()
    const store = defaultStore(directory)
    await ok(directory, ['create', '--env', 'prod', '--version', 'v1'])
    const text = store.snapshot()
    const fresh = tempDir()
    const copy = defaultStore(fresh)
    mkdirSync(`${fresh}/.stagecraft`)
    writeFileSync(copy.stateFile, text)
    const out = await ok(fresh, ['verify'])
    expect(out).toContain(`${copy.stateFile}: warning: has no event log yet`)
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      `sound: 0 events in file store ${copy.stateFile}; its releases.json is not imported yet and holds 1 release ("stagecraft-state import" makes it the start of the history), 1 warning`,
    )
  })

  it('a Go-written releases.json not imported yet: says how many releases it holds, not "0 releases"', async () => {
    const fresh = tempDir()
    mkdirSync(`${fresh}/.stagecraft`)
    const held = (JSON.parse(readGoFixture('roundtrip-normalize.json')) as { releases: unknown[] }).releases.length
    expect(held).toBeGreaterThan(1)
    copyFileSync(fixturePath('go/roundtrip-normalize.json'), defaultStore(fresh).stateFile)
    const verdict = (await ok(fresh, ['verify'])).trimEnd().split('\n').at(-1)
    expect(verdict).toContain(
      `its releases.json is not imported yet and holds ${held} releases ("stagecraft-state import" makes them the start of the history)`,
    )
    await ok(fresh, ['import'])
    expect((await ok(fresh, ['verify'])).trimEnd().split('\n').at(-2)).toMatch(
      new RegExp(`^sound: 1 event, ${held} releases in `),
    )
  })
})
