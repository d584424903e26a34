/**
 * Moving history between a file store and PostgreSQL, both ways: the same events with the same
 * lines and hashes on every side, `verify` sound on every side, an interrupted move resumed, and
 * refusals that write nothing.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createStateManager,
  fileStoreSpec,
  migrateHistory,
  PHASES,
  postgresStore,
  type StateManager,
  storeAt,
} from '../../src/index.js'
import { readGoFixture } from '../fixtures/index.js'
import { deploy, rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'
import { treeOf } from '../support/tree.js'
import {
  adminQuery,
  freshSchema,
  schemaContents,
  TEST_DATABASE_URL,
  urlWithSchema,
} from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
})
const track = (manager: StateManager): StateManager => (managers.push(manager), manager)

const quiet = { onWarning: () => undefined }

/**
 * A file store with a varied history: a Go-written releases.json imported (escapes, odd
 * timestamps), deploys through every phase, a recovery, a rollback with a note, non-ASCII text.
 */
const fileHistory = async () => {
  const cwd = tempDir()
  const stateFile = join(cwd, '.stagecraft', 'releases.json')
  const manager = track(createStateManager({ stateFile, actor: 'alice', ...quiet }))
  await import('node:fs').then((fs) => fs.mkdirSync(join(cwd, '.stagecraft')))
  writeFileSync(stateFile, readGoFixture('unicode-escape.json'))
  await manager.importSnapshot()
  const good = await deploy(manager, 'prod', 'v2.0.0-é中🚀', PHASES)
  const { release: stuck } = await manager.createRelease('prod', 'v2.1.0', 'abc1234')
  await manager.updatePhase(stuck.id, 'build', 'running')
  await manager.recoverRelease(stuck.id, 'runner vanished')
  await manager.createRelease('prod', 'v2.0.0-é中🚀', undefined, { rollbackOf: good.id, note: 'back to <good> & safe' })
  return { cwd, stateFile, eventLog: join(cwd, '.stagecraft', 'releases.events.ndjson'), manager }
}

const pgSpec = (schema: string) => postgresStore({ connectionString: TEST_DATABASE_URL, schema })

/** The number of events in a file store's log. */
const count = (store: { eventLog: string }): number => readFileSync(store.eventLog, 'utf8').split('\n').length - 1

describe('moving history file -> PostgreSQL -> file', () => {
  it('keeps every event, line and hash, and verify passes on all three stores', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    const there = await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    const lines = readFileSync(source.eventLog, 'utf8').split('\n').slice(0, -1)
    expect(there).toMatchObject({
      events: lines.length,
      copied: lines.length,
      source: { sound: true },
      target: { sound: true, problems: [] },
    })

    // The database holds the file's lines, byte for byte.
    const { rows } = await adminQuery<{ line: string; hash: string }>(
      `SELECT line, hash FROM "${schema}".events ORDER BY position`,
    )
    expect(rows.map((row) => row.line)).toEqual(lines)
    expect(there.hash).toBe(rows.at(-1)?.hash)

    const back = join(tempDir(), 'back', 'releases.json')
    const returned = await migrateHistory(pgSpec(schema), fileStoreSpec(back), quiet)
    expect(returned).toMatchObject({
      events: lines.length,
      copied: lines.length,
      hash: there.hash,
      source: { sound: true },
      target: { sound: true, problems: [] },
    })
    expect(readFileSync(back.replace(/\.json$/, '.events.ndjson'), 'utf8')).toBe(readFileSync(source.eventLog, 'utf8'))
    expect(readFileSync(back, 'utf8')).toBe(readFileSync(source.stateFile, 'utf8'))

    // The same answers from every store.
    const onPostgres = track(createStateManager({ store: pgSpec(schema) }))
    const onFile = track(createStateManager({ stateFile: back, ...quiet }))
    expect(await onPostgres.history()).toEqual(await source.manager.history())
    expect(await onFile.history()).toEqual(await source.manager.history())
    expect(await onPostgres.listAllReleases()).toEqual(await source.manager.listAllReleases())
    const at = (await source.manager.history())[3]?.recordedAt as string
    expect(await onPostgres.stateAt(at)).toEqual(await source.manager.stateAt(at))
  })

  it('leaves a PostgreSQL store that deploys carry on with, from where the file left off', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    const manager = track(createStateManager({ store: pgSpec(schema), actor: 'bob' }))
    const last = await source.manager.getCurrentRelease('prod')
    const { release: next } = await manager.createRelease('prod', 'v3.0.0')
    expect(next.previousId).toBe(last.id)
    expect(await manager.verify()).toMatchObject({ sound: true, problems: [] })
  })

  it('takes stores named by strings, a URL with ?schema= or a path, and writes a local releases.json when asked', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    const copy = join(tempDir(), 'copy.json')
    await migrateHistory(storeAt(source.stateFile), storeAt(urlWithSchema(schema), { snapshotFile: copy }), quiet)
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(source.stateFile, 'utf8'))
    const count = (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]?.n
    expect(count).toBe((await source.manager.history()).length)
  })
})

describe('a repeated move', () => {
  it('copies only what is new: a target holding the start of the source gets the rest; a finished move copies nothing', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    const first = await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    await deploy(source.manager, 'staging', 'v9', ['build'])
    const second = await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    expect(second.copied).toBe(3) // created, build running, build completed
    expect(second.events).toBe(first.events + 3)
    const third = await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    expect(third).toMatchObject({ copied: 0, events: second.events, hash: second.hash, target: { sound: true } })
  })
})

describe('a move that is refused leaves both sides exactly as they were', () => {
  /** What the directories and schemas hold now; `expectUnchanged` compares with it later. */
  const sides = async (directories: ReadonlyArray<string>, schemas: ReadonlyArray<string>) => {
    const now = async () => ({
      files: directories.map(treeOf),
      schemas: await Promise.all(schemas.map(schemaContents)),
    })
    const before = await now()
    return { expectUnchanged: async () => expect(await now()).toEqual(before) }
  }

  it('into a store that holds another history: no lock taken on the source, the target not written', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    const other = track(createStateManager({ store: pgSpec(schema) }))
    await other.createRelease('prod', 'elsewhere')
    const both = await sides([dirname(source.stateFile)], [schema])
    const error = await rejection(migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/already holds 1 events that are not the start of .* never merged/)
    await both.expectUnchanged()
  })

  it('from a file store that does not exist: no directory made for it, no schema created for the target', async () => {
    const schema = freshSchema('migrate')
    const root = tempDir()
    const both = await sides([root], [schema])
    const error = await rejection(
      migrateHistory(fileStoreSpec(join(root, '.stagecraft', 'releases.json')), pgSpec(schema), quiet),
    )
    expect(error.message).toMatch(/holds no events; there is nothing to move/)
    await both.expectUnchanged()
    expect(existsSync(join(root, '.stagecraft'))).toBe(false)
  })

  it('from a PostgreSQL schema that does not exist: it is not created, and no directory is made for the target', async () => {
    const schema = freshSchema('migrate')
    const root = tempDir()
    const both = await sides([root], [schema])
    const error = await rejection(
      migrateHistory(pgSpec(schema), fileStoreSpec(join(root, 'backup', 'releases.json')), quiet),
    )
    expect(error.message).toMatch(/holds no events; there is nothing to move/)
    await both.expectUnchanged()
    expect((await schemaContents(schema)).exists).toBe(false)
  })

  it('into a file store whose releases.json has no log: the file and its directory untouched', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    const occupied = join(tempDir(), 'releases.json')
    writeFileSync(occupied, readGoFixture('single-prod.json'))
    const both = await sides([dirname(occupied)], [schema])
    expect((await rejection(migrateHistory(pgSpec(schema), fileStoreSpec(occupied), quiet))).message).toMatch(
      /already exists, with no event log/,
    )
    await both.expectUnchanged()
  })

  it('into a file store holding the start of the history whose releases.json was edited by hand since: the edit is not replaced', async () => {
    const source = await fileHistory()
    const target = join(tempDir(), 'backup', 'releases.json')
    await migrateHistory(fileStoreSpec(source.stateFile), fileStoreSpec(target), quiet)
    const edited = readFileSync(target, 'utf8').replace('"environment": "prod"', '"environment": "production"')
    writeFileSync(target, edited)
    await source.manager.createRelease('prod', 'v3')
    const both = await sides([dirname(target)], [])
    const error = await rejection(migrateHistory(fileStoreSpec(source.stateFile), fileStoreSpec(target), quiet))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toMatch(
      /backup\/releases\.json does not verify; fix it before moving into it: .*differs from the projection/,
    )
    await both.expectUnchanged()
    expect(readFileSync(target, 'utf8')).toBe(edited)
  })

  it('from a source that does not verify', async () => {
    const source = await fileHistory()
    const lines = readFileSync(source.eventLog, 'utf8').split('\n')
    writeFileSync(source.eventLog, [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'))
    const schema = freshSchema('migrate')
    const both = await sides([dirname(source.stateFile)], [schema])
    const error = await rejection(migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toMatch(/does not verify; fix it before moving it: .*hash chain is broken/)
    await both.expectUnchanged()
  })
})

describe('a move between two names of one store is refused', () => {
  it('the same path twice', async () => {
    const source = await fileHistory()
    expect(
      (await rejection(migrateHistory(fileStoreSpec(source.stateFile), fileStoreSpec(source.stateFile), quiet)))
        .message,
    ).toMatch(/are the same store/)
  })

  it('two names of one PostgreSQL store (127.0.0.1 and localhost): at once, not after a wait for its own lock', async () => {
    const source = await fileHistory()
    const schema = freshSchema('migrate')
    await migrateHistory(fileStoreSpec(source.stateFile), pgSpec(schema), quiet)
    const url = new URL(TEST_DATABASE_URL)
    url.hostname =
      url.hostname === '127.0.0.1' ? 'localhost' : url.hostname === 'localhost' ? '127.0.0.1' : `${url.hostname}.`
    const started = Date.now()
    const error = await rejection(
      migrateHistory(pgSpec(schema), postgresStore({ connectionString: url.toString(), schema }), {
        ...quiet,
        lockTimeoutMs: 5_000,
      }),
    )
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /^the source and the target are the same store: PostgreSQL store .* \(named also PostgreSQL store /,
      ),
    })
    expect(Date.now() - started).toBeLessThan(5_000)
    // Another schema of the same server is another store.
    expect(
      (
        await migrateHistory(
          pgSpec(schema),
          postgresStore({ connectionString: url.toString(), schema: freshSchema('migrate') }),
          quiet,
        )
      ).copied,
    ).toBe(count(source))
  })

  it('two names of one file store (through a symlinked directory)', async () => {
    const source = await fileHistory()
    const link = join(tempDir(), 'link')
    symlinkSync(dirname(source.stateFile), link)
    const error = await rejection(
      migrateHistory(fileStoreSpec(source.stateFile), fileStoreSpec(join(link, 'releases.json')), quiet),
    )
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/are the same store/) })
  })
})
