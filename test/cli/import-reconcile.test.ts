/**
 * `import` and `reconcile`: a releases.json written by the Go Stagecraft becomes the start of the
 * history, and an outside edit blocks writes with STATE_DRIFT until it is accepted or undone.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixturePath, readGoFixture } from '../fixtures/index.js'
import { cli, defaultStore, fails, ok, tableRows, tempDir } from './support.js'

/** A directory whose default state file is a copy of a Go-written file, with no event log. */
const goStore = () => {
  const directory = tempDir()
  mkdirSync(join(directory, '.stagecraft'))
  copyFileSync(fixturePath('go/single-prod.json'), defaultStore(directory).stateFile)
  return { directory, store: defaultStore(directory) }
}

describe('import', () => {
  it('a file of top-level fields and no release: says it recorded the import, not that there was nothing to import', async () => {
    const directory = tempDir()
    const store = defaultStore(directory)
    mkdirSync(dirname(store.stateFile), { recursive: true })
    writeFileSync(store.stateFile, '{"releases": [], "team": "shop"}\n')
    expect(await ok(directory, ['import'])).toBe(
      `imported ${store.stateFile}, which holds no release, only top-level fields, into the event log ${store.eventLog}\n`,
    )
    expect(store.logLines()).toHaveLength(1)
    expect(await ok(directory, ['import'])).toBe(`nothing to import: the history in ${store.eventLog} already exists\n`)
  })

  it('records a Go-written file as the start of the history and leaves its bytes alone', async () => {
    const { directory, store } = goStore()
    const out = await ok(directory, ['import'])
    expect(out).toMatch(
      new RegExp(`^imported \\d+ releases? from ${store.stateFile} into the event log ${store.eventLog}\\n$`),
    )
    expect(store.snapshot()).toBe(readGoFixture('single-prod.json'))
    expect(tableRows(await ok(directory, ['history']))[1]).toEqual([
      expect.any(String),
      'imported',
      expect.any(String),
      expect.stringMatching(/^\d+ releases?$/),
      'tester',
      `from ${store.stateFile}`,
    ])
    expect(await ok(directory, ['verify'])).toMatch(/^sound: 1 event/)
    expect(await ok(directory, ['import'])).toBe(`nothing to import: the history in ${store.eventLog} already exists\n`)
    expect(JSON.parse(await ok(directory, ['import', '--json']))).toEqual({
      imported: 0,
      recorded: false,
      state_file: store.stateFile,
    })
  })

  it('reads see the file before any import; the first write imports it', async () => {
    const { directory, store } = goStore()
    const before = JSON.parse(await ok(directory, ['list', '--json'])) as Array<{ environment: string }>
    expect(before.length).toBeGreaterThan(0)
    expect(existsSync(store.eventLog)).toBe(false)
    await ok(directory, ['create', '--env', before[0]?.environment ?? 'prod', '--version', 'v-next'])
    const types = (JSON.parse(await ok(directory, ['history', '--json'])) as Array<{ type: string }>).map((e) => e.type)
    expect(types).toEqual(['SnapshotImported', 'ReleaseCreated'])
  })

  it('--json reports the count; a missing file is nothing to import and creates nothing', async () => {
    const { directory, store } = goStore()
    expect(JSON.parse(await ok(directory, ['import', '--json']))).toEqual({
      imported: expect.any(Number),
      recorded: true,
      state_file: store.stateFile,
    })
    const empty = tempDir()
    expect(await ok(empty, ['import'])).toBe(`nothing to import: ${defaultStore(empty).stateFile} does not exist\n`)
    expect(readdirSync(empty)).toEqual([])
  })
})

/** A store made through the CLI, then its releases.json edited by hand. */
const driftedStore = async () => {
  const directory = tempDir()
  const store = defaultStore(directory)
  const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
  const projection = store.snapshot()
  writeFileSync(store.stateFile, projection.replace('"v1"', '"v1-hotfixed"'))
  return { directory, store, id, projection, edited: store.snapshot() }
}

describe('reconcile', () => {
  it('an outside edit makes writes fail with STATE_DRIFT naming the file and what to run; nothing is written', async () => {
    const { directory, store, id } = await driftedStore()
    const line = await fails(directory, ['phase', id, 'build', 'running'], 1)
    // Not which file was edited (the last log line may have been), but that the two disagree.
    expect(line).toContain(
      `stagecraft-state: STATE_DRIFT: ${store.stateFile} and ${store.stateFile.replace(/\.json$/, '.events.ndjson')} disagree: the snapshot differs from the log's projection at ${id} (different).`,
    )
    expect(line).toContain('or the last line of the log (an edit its hash chain cannot show)')
    expect(line).toContain('reconcile --accept')
    expect(store.logLines()).toHaveLength(1)
    expect((await cli(directory, ['verify'])).code).toBe(1)
  })

  it('--accept records the edit in the history; writes work again', async () => {
    const { directory, store, id, edited } = await driftedStore()
    expect(await ok(directory, ['reconcile', '--accept'])).toBe(
      `accepted the outside edit of ${store.stateFile} into the history: ${id}\n`,
    )
    expect(store.snapshot()).toBe(edited)
    expect(tableRows(await ok(directory, ['history']))[2]).toEqual([
      expect.any(String),
      'reconciled',
      id,
      'version v1 -> v1-hotfixed',
      'tester',
      `outside edit of ${store.stateFile} accepted`,
    ])
    expect(JSON.parse(await ok(directory, ['show', id, '--json']))).toMatchObject({ version: 'v1-hotfixed' })
    await ok(directory, ['phase', id, 'build', 'running'])
    expect(await ok(directory, ['verify'])).toMatch(/^sound/)
    expect(await ok(directory, ['reconcile', '--accept'])).toBe(
      `nothing to accept: ${store.stateFile} shows the history\n`,
    )
  })

  it('--accept of an edit of a top-level field (one a Go file carried) says it accepted that field, and --json lists it', async () => {
    const { directory, store } = goStore()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v9', '-q'])).trim()
    const file = JSON.parse(store.snapshot()) as Record<string, unknown>
    writeFileSync(store.stateFile, JSON.stringify({ ...file, generator: 'stagecraft-go 1.4\u0085' }, null, 2))
    expect(await ok(directory, ['reconcile', '--accept'])).toBe(
      `accepted the outside edit of ${store.stateFile} into the history: the top-level field "generator"\n`,
    )
    expect(tableRows(await ok(directory, ['history'])).at(-1)).toEqual(
      expect.arrayContaining(['reconciled', 'top-level fields']),
    )
    await ok(directory, ['phase', id, 'build', 'running'])

    const edited = JSON.parse(store.snapshot()) as { releases: Array<{ id: string; version: string }> } & Record<
      string,
      unknown
    >
    const release = edited.releases.find((r) => r.id === id)
    if (release === undefined) throw new Error('the release is not in the file')
    release.version = 'v9-hotfixed'
    writeFileSync(store.stateFile, JSON.stringify({ ...edited, generator: 'by hand', 'odd\u009bname': 1 }, null, 2))
    expect(JSON.parse(await ok(directory, ['reconcile', '--accept', '--json']))).toEqual({
      mode: 'accept',
      changed: [id],
      fields: ['generator', 'odd\u009bname'],
      kept_aside: null,
    })
    writeFileSync(store.stateFile, store.snapshot().replace('"by hand"', '"by hand, again"'))
    expect(await ok(directory, ['reconcile', '--restore'])).toMatch(
      new RegExp(
        `^restored ${store.stateFile} from the history \\(the top-level field "generator" differed\\); the edited file is kept as `,
      ),
    )
  })

  it('--accept names the escaped field: a control character in a field name cannot reach the terminal', async () => {
    const { directory, store } = goStore()
    await ok(directory, ['import'])
    writeFileSync(
      store.stateFile,
      JSON.stringify({ ...(JSON.parse(store.snapshot()) as object), 'a\u009bb\u001bc': true }),
    )
    expect(await ok(directory, ['reconcile', '--accept'])).toBe(
      `accepted the outside edit of ${store.stateFile} into the history: the top-level field "a\\u009bb\\u001bc"\n`,
    )
  })

  it('history shows what an accepted edit changed: phases from -> to, fields, releases added and removed', async () => {
    const directory = tempDir()
    const store = defaultStore(directory)
    const failed = (
      await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', 'abcd1234', '-q'])
    ).trim()
    await ok(directory, ['phase', failed, 'build', 'failed', '--reason', 'flaky runner'])
    const gone = (await ok(directory, ['create', '--env', 'staging', '--version', 'v2', '-q'])).trim()
    // By hand: the failed build declared completed and its commit corrected, staging's release
    // deleted, and a release added that no command created.
    const file = JSON.parse(store.snapshot()) as {
      releases: Array<Record<string, unknown> & { id: string; phases: Record<string, string> }>
    }
    const edited = file.releases.find((release) => release.id === failed)
    const added = {
      ...(file.releases.find((release) => release.id === gone) ?? {}),
      id: 'rel-20200101-000000000',
      environment: 'qa',
      version: 'v0',
      commit_sha: '',
    }
    if (edited === undefined) throw new Error('the release is not in the file')
    edited.phases['build'] = 'completed'
    edited['commit_sha'] = 'abcd1235'
    file.releases = [added as (typeof file.releases)[number], edited]
    writeFileSync(store.stateFile, JSON.stringify(file, null, 2))
    await ok(directory, ['reconcile', '--accept'])
    const rows = tableRows(await ok(directory, ['history'])).filter((row) => row[1] === 'reconciled')
    expect(rows.map((row) => row.slice(2))).toEqual([
      ['rel-20200101-000000000', 'added: qa v0 (-)', 'tester', `outside edit of ${store.stateFile} accepted`],
      [failed, 'build', 'failed -> completed', 'tester'],
      [failed, 'commit abcd1234 -> abcd1235', 'tester'],
      [gone, 'removed: staging v2 (-)', 'tester'],
    ])
    // One event, however many lines: every line carries its time.
    expect(new Set(rows.map((row) => row[0])).size).toBe(1)
  })

  it('--restore rewrites the file from the history and keeps the edited one aside', async () => {
    const { directory, store, id, projection, edited } = await driftedStore()
    const result = JSON.parse(await ok(directory, ['reconcile', '--restore', '--json'])) as {
      mode: string
      changed: string[]
      kept_aside: string
    }
    expect(result).toEqual({
      mode: 'restore',
      changed: [id],
      fields: [],
      kept_aside: expect.stringContaining(`${store.stateFile}.rejected-`),
    })
    expect(store.snapshot()).toBe(projection)
    expect(readFileSync(result.kept_aside, 'utf8')).toBe(edited)
    expect(await ok(directory, ['reconcile', '--restore'])).toBe(
      `nothing to restore: ${store.stateFile} shows the history\n`,
    )
    await ok(directory, ['phase', id, 'build', 'running'])
  })

  it('--restore of a deleted file writes it again; with no history yet it fails', async () => {
    const { directory, store, projection } = await driftedStore()
    rmSync(store.stateFile)
    expect(await ok(directory, ['reconcile', '--restore'])).toBe(`restored ${store.stateFile} from the history\n`)
    expect(store.snapshot()).toBe(projection)
    const { directory: goDirectory } = goStore()
    expect(await fails(goDirectory, ['reconcile', '--restore'], 1)).toMatch(
      /INVALID_INPUT: .* has no event log to restore it from yet/,
    )
  })
})
