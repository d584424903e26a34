/**
 * A migration into a file store killed after its staged log was renamed over the log, before it
 * wrote releases.json (SIGKILL, a real process running the built package): the log is whole and
 * releases.json missing or behind. A rerun finds nothing left to copy and completes the move: it
 * writes releases.json, and the target verifies. The same for PostgreSQL's local copy.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createStateManager,
  fileStoreSpec,
  migrateHistory,
  PHASES,
  postgresStore,
  type StateManager,
  storeAt,
} from '../../src/index.js'
import { deploy } from '../support/manager.js'
import { tempDir } from '../support/temp.js'
import { Child } from './children/harness.js'
import { childrenOfEachTest } from './postgres-children/child.js'
import { freshSchema, TEST_DATABASE_URL, urlWithSchema } from './postgres-children/database.js'

// Its child is one of the file store's (test/store/children), not of the PostgreSQL tests.
const { child: started, track } = childrenOfEachTest((script, config) => new Child(script, config))

const quiet = { onWarning: () => undefined }
const manager = (options: Parameters<typeof createStateManager>[0]): StateManager =>
  track(createStateManager({ ...quiet, ...options }))

/** Two releases walked through every phase. */
const deployTwice = async (on: StateManager): Promise<void> => {
  await deploy(on, 'prod', 'v1', PHASES)
  await deploy(on, 'staging', 'v1-é中🚀', PHASES)
}

/** A migration of `from` into the file store `to`, killed once its staged log is in place. */
const killedAfterCommit = async (from: string, to: string): Promise<void> => {
  const child = started('stopped-migrator.mjs', { from, to })
  await child.until(
    (c) => c.lines.some((line) => line.t === 'stopped' || line.t === 'error'),
    'the migration stopped after putting its staged log in place',
  )
  expect(child.lines.find((line) => line.t !== 'stopped')).toBeUndefined()
  await child.kill()
}

const logOf = (stateFile: string): string => readFileSync(stateFile.replace(/\.json$/, '.events.ndjson'), 'utf8')
const stagedBeside = (stateFile: string): string[] =>
  readdirSync(dirname(stateFile)).filter((name) => name.includes('.staged-'))

describe('a migration into a file store killed between putting its staged log in place and writing releases.json', () => {
  it('file -> a new file store: the log is whole, releases.json missing; a rerun writes it and the target verifies', async () => {
    const from = join(tempDir(), 'source', 'releases.json')
    const source = manager({ stateFile: from })
    await deployTwice(source)
    const to = join(tempDir(), 'backup', 'releases.json')
    await killedAfterCommit(from, to)
    expect(logOf(to)).toBe(logOf(from))
    expect(existsSync(to)).toBe(false)

    const warnings: string[] = []
    const rerun = await migrateHistory(fileStoreSpec(from), fileStoreSpec(to), {
      onWarning: (message) => warnings.push(message),
    })
    expect(rerun).toMatchObject({
      events: logOf(from).split('\n').length - 1,
      copied: 0,
      source: { sound: true },
      target: { sound: true, problems: [] },
    })
    expect(warnings).toContainEqual(expect.stringContaining(`${to} was missing; it is regenerated`))
    expect(readFileSync(to, 'utf8')).toBe(readFileSync(from, 'utf8'))
    expect(stagedBeside(to)).toEqual([])
    expect(await manager({ stateFile: to }).listAllReleases()).toEqual(await source.listAllReleases())
  })

  it('PostgreSQL -> a file store holding the start of the history: releases.json behind the log; a rerun brings it up to date', async () => {
    const schema = freshSchema('killed_after')
    const pg = manager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) })
    await deployTwice(pg)
    const to = join(tempDir(), 'backup', 'releases.json')
    await migrateHistory(storeAt(urlWithSchema(schema)), fileStoreSpec(to), quiet)
    const earlier = readFileSync(to, 'utf8')
    await deployTwice(pg)
    await killedAfterCommit(urlWithSchema(schema), to)
    expect(readFileSync(to, 'utf8')).toBe(earlier)

    const rerun = await migrateHistory(storeAt(urlWithSchema(schema)), fileStoreSpec(to), quiet)
    expect(rerun).toMatchObject({ copied: 0, target: { sound: true, problems: [] } })
    const there = manager({ stateFile: to })
    expect(await there.listAllReleases()).toEqual(await pg.listAllReleases())
    expect(JSON.parse(readFileSync(to, 'utf8')).releases).toHaveLength(4)
  })

  it('file -> PostgreSQL with a local copy, the copy not written (removed, as a kill after the commit leaves it): a rerun writes it', async () => {
    const from = join(tempDir(), 'source', 'releases.json')
    await deployTwice(manager({ stateFile: from }))
    const schema = freshSchema('killed_after')
    const copy = join(tempDir(), 'copy', 'releases.json')
    const target = () => storeAt(urlWithSchema(schema), { snapshotFile: copy })
    await migrateHistory(fileStoreSpec(from), target(), quiet)
    const written = readFileSync(copy, 'utf8')
    rmSync(copy)

    expect(await migrateHistory(fileStoreSpec(from), target(), quiet)).toMatchObject({
      copied: 0,
      target: { sound: true },
    })
    expect(readFileSync(copy, 'utf8')).toBe(written)
  })
})

describe('a target whose releases.json the next write regenerates is no obstacle to a move', () => {
  it('a file store holding the start of the history with releases.json deleted: the move copies the rest and writes it', async () => {
    const from = join(tempDir(), 'source', 'releases.json')
    const source = manager({ stateFile: from })
    await deploy(source, 'prod', 'v1', PHASES)
    const to = join(tempDir(), 'backup', 'releases.json')
    await migrateHistory(fileStoreSpec(from), fileStoreSpec(to), quiet)
    rmSync(to)
    await deploy(source, 'prod', 'v2', PHASES)

    expect(await migrateHistory(fileStoreSpec(from), fileStoreSpec(to), quiet)).toMatchObject({
      copied: 13,
      target: { sound: true, problems: [] },
    })
    expect(readFileSync(to, 'utf8')).toBe(readFileSync(from, 'utf8'))
  })
})
