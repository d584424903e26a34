/**
 * A migration killed part-way (SIGKILL, a real process running the built package), both ways:
 * the target gets all of the history or none of it, so a killed one leaves it as it was (empty,
 * or holding what it held before), the source is untouched, and running the migration again
 * moves everything.
 *
 * The child pauses after staging two batches in the target, so that the kill lands in the middle
 * of the copy, not before or after it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createStateManager,
  fileStoreSpec,
  migrateHistory,
  PHASES,
  postgresStore,
  type StateManager,
} from '../../src/index.js'
import { deploy } from '../support/manager.js'
import { tempDir } from '../support/temp.js'
import { childrenOfEachTest } from './postgres-children/child.js'
import { freshSchema, schemaContents, TEST_DATABASE_URL, urlWithSchema } from './postgres-children/database.js'

const { child, track } = childrenOfEachTest()

const quiet = { onWarning: () => undefined }
const pgSpec = (schema: string) => postgresStore({ connectionString: TEST_DATABASE_URL, schema })

/** Two more releases walked through every phase by `manager`: 26 events; returns how many its store holds. */
const deployTwice = async (manager: StateManager): Promise<number> => {
  await deploy(manager, 'prod', 'v1', PHASES)
  await deploy(manager, 'staging', 'v1-é中🚀', PHASES)
  return (await manager.history()).length
}

/**
 * A child moving `from` into `to` (which holds `held` events), 5 events a batch, stopped after staging 10; then killed.
 */
const killedMidway = async (from: string, to: string, held = 0): Promise<void> => {
  const migrating = child('migrator.mjs', { from, to, batchSize: 5, pauseAfter: 2 })
  expect(
    await migrating.untilLine(
      (line) => line.t === 'paused' || line.t === 'failed',
      'the pause in the middle of the copy',
    ),
  ).toMatchObject({ t: 'paused', staged: held + 10 })
  await migrating.kill()
}

/** What a file store holds: its log, its releases.json (undefined when missing), and staged files beside them. */
const filesOf = (stateFile: string) => {
  const log = stateFile.replace(/\.json$/, '.events.ndjson')
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined)
  return {
    log: read(log),
    snapshot: read(stateFile),
    staged: existsSync(dirname(stateFile))
      ? readdirSync(dirname(stateFile)).filter((name) => name.includes('.staged-'))
      : [],
  }
}

describe('a migration killed in the middle of the copy', () => {
  it('file -> PostgreSQL: no event reaches the schema, the source is as it was, and a rerun moves everything', async () => {
    const stateFile = join(tempDir(), '.stagecraft', 'releases.json')
    const events = await deployTwice(track(createStateManager({ stateFile, ...quiet })))
    const source = filesOf(stateFile)
    const schema = freshSchema('killed')
    await killedMidway(stateFile, urlWithSchema(schema))
    // The staged events were one transaction, rolled back with the killed process's session.
    expect((await schemaContents(schema)).events).toEqual([])
    expect(filesOf(stateFile)).toEqual(source)

    const rerun = await migrateHistory(fileStoreSpec(stateFile), pgSpec(schema), quiet)
    expect(rerun).toMatchObject({ events, copied: events, source: { sound: true }, target: { sound: true } })
    expect((await schemaContents(schema)).events.map((row) => row['line'])).toEqual(
      source.log?.split('\n').slice(0, -1),
    )
  })

  it('PostgreSQL -> a new file store: no log and no releases.json appear, and a rerun moves everything (removing what was staged)', async () => {
    const schema = freshSchema('killed')
    const events = await deployTwice(track(createStateManager({ store: pgSpec(schema) })))
    const before = await schemaContents(schema)
    const stateFile = join(tempDir(), 'backup', 'releases.json')
    await killedMidway(urlWithSchema(schema), stateFile)
    const left = filesOf(stateFile)
    expect([left.log, left.snapshot]).toEqual([undefined, undefined])
    expect(left.staged).toHaveLength(1) // what the killed process staged, never put in place
    expect(await schemaContents(schema)).toEqual(before)

    const rerun = await migrateHistory(pgSpec(schema), fileStoreSpec(stateFile), quiet)
    expect(rerun).toMatchObject({ events, copied: events, source: { sound: true }, target: { sound: true } })
    expect(filesOf(stateFile).staged).toEqual([])
  })

  it('PostgreSQL -> a file store holding the start of the history: its files are left byte for byte as they were', async () => {
    const schema = freshSchema('killed')
    const manager = track(createStateManager({ store: pgSpec(schema) }))
    const first = await deployTwice(manager)
    const stateFile = join(tempDir(), 'backup', 'releases.json')
    await migrateHistory(pgSpec(schema), fileStoreSpec(stateFile), quiet)
    await deployTwice(manager)
    const earlier = filesOf(stateFile)
    await killedMidway(urlWithSchema(schema), stateFile, first)
    expect(filesOf(stateFile)).toEqual({ ...earlier, staged: [expect.stringContaining('.staged-')] })

    const rerun = await migrateHistory(pgSpec(schema), fileStoreSpec(stateFile), quiet)
    expect(rerun).toMatchObject({ events: 2 * first, copied: first, target: { sound: true } })
    expect(filesOf(stateFile).log?.startsWith(earlier.log ?? '-')).toBe(true)
  })
})
