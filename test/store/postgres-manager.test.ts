/**
 * The state manager on the PostgreSQL store: the same behaviour as on the file store (the manager
 * and audit contracts: create, update, read-after-write across managers, history, stateAt, verify,
 * rollbackTarget), plus the optional local releases.json and what does not apply to a database.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { postgresStore, type StateManager, type StateManagerOptions } from '../../src/index.js'
import { projectSnapshot } from '../../src/domain/projection.js'
import { auditContract } from '../app/audit-contract.js'
import { managerContract } from '../app/manager-contract.js'
import { statsContract } from '../app/stats-contract.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import { adminQuery, freshSchema, TEST_DATABASE_URL } from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
})

/** A manager on a fresh schema; `make` opens more managers on the same schema (other processes). */
const pgManager = (options: StateManagerOptions & { snapshotFile?: string } = {}) => {
  const schema = freshSchema('manager')
  const { snapshotFile, ...rest } = options
  const store = postgresStore({ connectionString: TEST_DATABASE_URL, schema, snapshotFile })
  const fresh = freshManager({ store, ...rest })
  const make = (more: StateManagerOptions = {}): StateManager => {
    const manager = fresh.make(more)
    managers.push(manager)
    return manager
  }
  managers.push(fresh.manager)
  return { ...fresh, make, schema }
}

managerContract('PostgreSQL', (options) => pgManager(options))
// With a local releases.json, which stateAt at each instant is compared with.
auditContract('PostgreSQL', (options) => pgManager({ ...options, snapshotFile: 'releases.json' }))
statsContract('PostgreSQL', (options) => pgManager(options))

describe('the StateManager API on PostgreSQL, where it differs', () => {
  it('has no state file of its own, and names the server and schema', () => {
    const { manager } = pgManager()
    expect(manager.stateFile).toBeUndefined()
    expect(manager.location).toMatch(/^PostgreSQL store postgres:\/\/.*, schema sc_manager_/)
  })

  it('adds no row to the events table for a status set again', async () => {
    const { manager, schema } = pgManager()
    const { release } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    const count = async () =>
      (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]?.n
    const before = await count()
    await manager.updatePhase(release.id, 'build', 'running')
    expect(await count()).toBe(before)
  })

  it('verifies a sound store, and reports an edited event with its position', async () => {
    const { manager, schema } = pgManager()
    await deploy(manager, 'prod', 'v1', ['build'])
    expect(await manager.verify()).toEqual({
      sound: true,
      problems: [],
      events: 3,
      releases: 1,
      head: { position: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown },
    })
    await adminQuery(
      `BEGIN; ALTER TABLE "${schema}".events DISABLE TRIGGER USER; UPDATE "${schema}".events SET line = replace(line, '"completed"', '"failed"') WHERE position = 3; ALTER TABLE "${schema}".events ENABLE TRIGGER USER; COMMIT`,
    )
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        location: expect.stringContaining(`${schema}.events:3`),
        message: expect.stringMatching(/stored hash/),
      }),
    ])
  })

  it('creates no file when no local snapshot is asked for, and refuses import and reconcile (there is no releases.json of its own)', async () => {
    const { manager, cwd } = pgManager()
    await manager.createRelease('prod', 'v1')
    expect(readdirSync(cwd)).toEqual([])
    expect((await rejection(manager.importSnapshot())).code).toBe('INVALID_INPUT')
    expect((await rejection(manager.reconcile('accept'))).message).toMatch(/keeps no releases.json of its own/)
  })
})

describe('the local releases.json of a PostgreSQL store', () => {
  it('is the projection after each write of this process, in a directory it creates', async () => {
    const { manager, cwd } = pgManager({ snapshotFile: 'out/.stagecraft/releases.json' })
    const file = join(cwd, 'out', '.stagecraft', 'releases.json')
    expect(manager.stateFile).toBe(file)
    expect(await manager.listAllReleases()).toEqual([])
    expect(existsSync(file)).toBe(false) // reads write nothing
    const { release } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    const state = await manager.fp.state()()
    expect(E.isRight(state) && readFileSync(file, 'utf8')).toBe(E.isRight(state) && projectSnapshot(state.right))
    expect(JSON.parse(readFileSync(file, 'utf8')).releases[0].phases.build).toBe('running')
  })

  it('is a copy: an outside edit is simply overwritten by the next write, the database stays the truth', async () => {
    const { manager, cwd } = pgManager({ snapshotFile: 'releases.json' })
    await manager.createRelease('prod', 'v1')
    const file = join(cwd, 'releases.json')
    await import('node:fs').then((fs) => fs.writeFileSync(file, '{"releases": []}'))
    await manager.createRelease('prod', 'v2')
    expect(JSON.parse(readFileSync(file, 'utf8')).releases).toHaveLength(2)
    expect((await manager.verify()).sound).toBe(true)
  })
})
