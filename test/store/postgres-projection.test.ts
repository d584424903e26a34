/**
 * The PostgreSQL store's projection: the tables a process opening the store reads instead of
 * replaying every event. It answers exactly as a full replay, moves with every append in the same
 * transaction (a failed append leaves both as they were), is built by the migration that brings
 * it, is compared with a replay by `verify`, and when it cannot be used (a table dropped, rows
 * gone, a row that does not decode) the store replays with a warning and the next write rebuilds
 * it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fc, test as propertyTest } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import pg from 'pg'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { projectSnapshot } from '../../src/domain/projection.js'
import { factsOf, preservedOf } from '../../src/domain/release.js'
import type { State } from '../../src/domain/state.js'
import type { StateError } from '../../src/domain/state-error.js'
import {
  createStateManager,
  fileStoreSpec,
  migrateHistory,
  PHASES,
  postgresStore,
  type StateManager,
} from '../../src/index.js'
import { emptyLoaded, type Loaded, unprepared } from '../../src/store/event-store.js'
import { foldRead } from '../../src/store/fold.js'
import { resolvePostgresConfig } from '../../src/store/postgres/config.js'
import { eventsInsert, parameters, rowsAfter } from '../../src/store/postgres/events-table.js'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/postgres/migrations.js'
import { postgresEventStore } from '../../src/store/postgres/store.js'
import { environment, version } from '../arbitraries.js'
import { deployEnvelopes } from '../support/envelopes.js'
import { deploy, rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'
import { within } from '../support/within.js'
import {
  adminQuery,
  asAdmin,
  closeAfterTest,
  freshSchema,
  newRole,
  TEST_DATABASE_URL,
  urlAs,
} from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
})

/** A manager on `schema`, closed after the test; `warnings` collects what it warned. */
const managerOn = (schema: string, options: { connectionString?: string; actor?: string } = {}) => {
  const warnings: string[] = []
  const manager = createStateManager({
    store: postgresStore({ connectionString: options.connectionString ?? TEST_DATABASE_URL, schema }),
    actor: options.actor ?? 'tester',
    onWarning: (warning) => void warnings.push(warning),
    lockTimeoutMs: 10_000,
  })
  managers.push(manager)
  return { manager, warnings }
}

/** A store on `schema`, closed after the test, with its warnings. */
const storeOn = (schema: string) => {
  const warnings: string[] = []
  const config = resolvePostgresConfig({ connectionString: TEST_DATABASE_URL, schema }, '/')
  if (E.isLeft(config)) throw config.left
  const store = postgresEventStore(config.right, {
    lockTimeoutMs: 10_000,
    onWarning: (warning) => void warnings.push(warning),
  })
  closeAfterTest(store)
  return { store, warnings, config: config.right }
}

const right = async <A>(task: TE.TaskEither<StateError, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw result.left
  return result.right
}

/**
 * Everything a state answers with: each release as callers see it, its facts and what it preserved, the current
 * releases, the rest.
 */
const fingerprint = (state: State) => ({
  releases: [...state.releases].map(([id, group]) => [
    id,
    group.map((release) => [JSON.stringify(release), factsOf(release), preservedOf(release) ?? null]),
  ]),
  current: [...state.current].map(([environment, release]) => [
    environment,
    release.id,
    state.releases.get(release.id)?.indexOf(release),
  ]),
  greatestId: state.greatestId ?? null,
  otherFields: JSON.stringify(state.otherFields),
  snapshot: projectSnapshot(state),
})

/** The store opened cold (from the projection, when it can), and a full replay of its events. */
const bothWays = async (schema: string) => {
  const { store, warnings } = storeOn(schema)
  const opened = await right(store.load(emptyLoaded(store.origin)))
  const replayed = await right(foldRead(storeOn(schema).store.read, emptyLoaded(store.origin)))
  return { opened, replayed, warnings }
}

const expectSame = (opened: Loaded, replayed: Loaded): void => {
  expect(fingerprint(opened.state)).toEqual(fingerprint(replayed.state))
  expect(opened.cursor).toEqual({ position: replayed.cursor.position, hash: replayed.cursor.hash })
  expect(opened.lastRecordedAt).toEqual(replayed.lastRecordedAt)
}

interface Head {
  position: string
  hash: string
  ids: number
  environments: number
}
const headOf = async (schema: string): Promise<Head | undefined> =>
  (await adminQuery<Head>(`SELECT position, hash, ids, environments FROM "${schema}".projection`)).rows[0]
const eventCount = async (schema: string): Promise<number> =>
  (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]?.n ?? -1
const lastEvent = async (schema: string) =>
  (
    await adminQuery<{ position: string; hash: string }>(
      `SELECT position, hash FROM "${schema}".events ORDER BY position DESC LIMIT 1`,
    )
  ).rows[0]

/** A schema with a few deploys, some of them rolled back, recovered or left half-done. */
const deployedSchema = async () => {
  const schema = freshSchema('projection')
  const { manager } = managerOn(schema)
  const good = await deploy(manager, 'prod', 'v1.0.0-é中🚀', PHASES)
  await deploy(manager, 'staging', 'v1.1.0', ['build', 'push'])
  const { release: stuck } = await manager.createRelease('prod', 'v1.1.0', 'abc1234')
  await manager.updatePhase(stuck.id, 'build', 'running')
  await manager.recoverRelease(stuck.id, 'runner vanished')
  await manager.createRelease('prod', 'v1.0.0-é中🚀', undefined, {
    rollbackOf: good.id,
    note: 'back to <good> & "safe"',
  })
  await deploy(manager, 'dev "quoted" \\ env', 'v0', ['build'])
  return { schema, manager }
}

/**
 * A file store whose history holds what only an imported file brings: two releases with one id,
 * fields and phases this module does not model, top-level fields, ids and environments with
 * quotes, backslashes and control characters; then a reconcile and more deploys.
 */
const richFileHistory = async () => {
  const cwd = tempDir()
  const stateFile = join(cwd, '.stagecraft', 'releases.json')
  mkdirSync(join(cwd, '.stagecraft'))
  const record = (id: string, environment: string, version: string, more: Record<string, unknown> = {}) => ({
    id,
    environment,
    version,
    commit_sha: 'abc',
    timestamp: '2024-12-31T12:00:00.5-07:00',
    phases: { build: 'completed', zzz_custom: 'weird' },
    ...more,
  })
  const file = {
    generator: 'go',
    releases: [
      record('rel-20241231-120000', 'prod', 'v0.9.0', { extra: { nested: [1, 2] } }),
      record('rel-20241231-120000', 'prod', 'v0.9.1', { previous_id: 'rel-20241231-120000' }),
      record('rel-0"b\\c\u0001', 'qa\u0000"env"\\', 'v0.1'),
      record('rel-1\u0002', 'gone', 'v0.2'),
      record('rel-20241231-130000', 'staging', 'v0.8', { phases: null }),
    ],
    trailing: { kept: true },
  }
  writeFileSync(stateFile, JSON.stringify(file, null, 2))
  const manager = createStateManager({ stateFile, actor: 'alice', onWarning: () => undefined })
  managers.push(manager)
  await manager.importSnapshot()
  await deploy(manager, 'prod', 'v1.0.0', PHASES)
  // A person edits the file; the change is accepted into the history.
  const edited = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: Array<Record<string, unknown>> }
  for (const release of edited.releases)
    if (release['id'] === 'rel-20241231-130000') release['version'] = 'v0.8-hotfixed'
  edited.releases = edited.releases.filter((release) => release['environment'] !== 'gone')
  writeFileSync(stateFile, JSON.stringify(edited, null, 2))
  await manager.reconcile('accept')
  await deploy(manager, 'staging', 'v1.0.0', ['build'])
  return { stateFile }
}

describe('a process opening the store', () => {
  it('reads the projection and answers exactly as a full replay: releases, facts, current releases, the last event time', async () => {
    const { schema } = await deployedSchema()
    const { opened, replayed, warnings } = await bothWays(schema)
    expectSame(opened, replayed)
    expect(warnings).toEqual([])
    expect(opened.cursor.position).toBe(await eventCount(schema))
    // As a fold leaves it: frozen releases and groups, read-only maps.
    const [, group] = [...opened.state.releases][0] ?? []
    expect(Object.isFrozen(group) && Object.isFrozen(group?.[0]) && Object.isFrozen(group?.[0]?.phases)).toBe(true)
    expect(() => (opened.state.releases as unknown as Map<string, unknown>).set('x', [])).toThrow(TypeError)
    expect(() => (opened.state.current as unknown as Map<string, unknown>).set('x', {})).toThrow(TypeError)
  })

  it('answers through a fresh manager as the manager that wrote it does', async () => {
    const { schema, manager } = await deployedSchema()
    const { manager: fresh, warnings } = managerOn(schema)
    const [written, read] = await Promise.all([right(manager.fp.state()), right(fresh.fp.state())])
    expect(fingerprint(read)).toEqual(fingerprint(written))
    expect(await fresh.getCurrentRelease('prod')).toEqual(await manager.getCurrentRelease('prod'))
    expect(await fresh.listAllReleases()).toEqual(await manager.listAllReleases())
    expect(await fresh.rollbackTarget('prod', { to: 'last-good' })).toEqual(
      await manager.rollbackTarget('prod', { to: 'last-good' }),
    )
    expect(warnings).toEqual([])
  })

  it('reads the projection, not the events before it: an event edited behind it is not replayed, and verify finds it', async () => {
    const { schema } = await deployedSchema()
    await adminQuery(
      `BEGIN; ALTER TABLE "${schema}".events DISABLE TRIGGER USER; UPDATE "${schema}".events SET line = replace(line, '"v1.0.0-', '"v6.6.6-') WHERE position = 1; ALTER TABLE "${schema}".events ENABLE TRIGGER USER; COMMIT`,
    )
    const { manager: fresh, warnings } = managerOn(schema)
    expect((await fresh.getCurrentRelease('staging')).version).toBe('v1.1.0')
    expect(warnings).toEqual([])
    const report = await fresh.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        location: expect.stringContaining(`${schema}.events:1`),
        message: expect.stringMatching(/stored hash/),
      }),
    )
  })

  it('holds what an imported file brought (duplicate ids, unknown fields, odd ids and environments, a reconcile), moved in and written on', async () => {
    const { stateFile } = await richFileHistory()
    const schema = freshSchema('rich')
    // One event per append: each changes the rows of what it touched (a reconcile removes a release and an
    // environment).
    const moved = await migrateHistory(
      fileStoreSpec(stateFile),
      postgresStore({ connectionString: TEST_DATABASE_URL, schema }),
      { onWarning: () => undefined, batchSize: 1 },
    )
    expect(moved.target.problems.filter((p) => p.severity === 'error')).toEqual([])
    const first = await bothWays(schema)
    expectSame(first.opened, first.replayed)
    expect(first.warnings).toEqual([])
    expect(first.opened.state.releases.get('rel-20241231-120000' as never)).toHaveLength(2)
    expect([...first.opened.state.current.keys()]).not.toContain('gone')
    expect(first.opened.state.current.get('qa\u0000"env"\\')?.id).toBe('rel-0"b\\c\u0001')
    // Written on through the projection, then opened again.
    const { manager } = managerOn(schema)
    await deploy(manager, 'staging', 'v2', ['build'])
    await deploy(manager, 'prod', 'v2', PHASES)
    const second = await bothWays(schema)
    expectSame(second.opened, second.replayed)
    expect(second.warnings).toEqual([])
    expect((await manager.verify()).problems.filter((p) => p.severity === 'error')).toEqual([])
  })

  it('sees an empty history in a schema that does not exist, and creates nothing', async () => {
    const schema = freshSchema()
    const { opened, warnings } = await bothWays(schema)
    expect(opened.cursor.position).toBe(0)
    expect(warnings).toEqual([])
    expect((await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount).toBe(0)
  })
})

describe('any history of deploys', () => {
  const deploys = fc.array(
    fc.record({
      environment,
      version,
      phases: fc.subarray([...PHASES]),
      rollback: fc.boolean(),
      note: fc.option(version, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  propertyTest.prop([deploys], { numRuns: 10 })('opened from its projection is exactly its replay', async (plan) => {
    const schema = freshSchema('property')
    const manager = createStateManager({
      store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }),
      onWarning: () => undefined,
    })
    try {
      for (const step of plan) {
        const target = step.rollback
          ? await manager.rollbackTarget(step.environment, { to: 'previous' }).catch(() => undefined)
          : undefined
        // A rollback redeploys the target's version.
        const { release } = await manager.createRelease(
          step.environment,
          target?.version ?? step.version,
          'abc123',
          target === undefined ? { note: step.note } : { rollbackOf: target.id, note: step.note },
        )
        for (const phase of step.phases) await manager.updatePhase(release.id, phase, 'completed')
      }
      const { opened, replayed, warnings } = await bothWays(schema)
      expectSame(opened, replayed)
      expect(warnings).toEqual([])
    } finally {
      await manager.close()
    }
  })
})

describe('every append', () => {
  it('moves the projection with the events, changing only the rows of the releases it touched', async () => {
    const { schema, manager } = await deployedSchema()
    const before = (
      await adminQuery<{ id: string; idx: number; xmin: string }>(
        `SELECT id, idx, xmin::text FROM "${schema}".releases ORDER BY id, idx`,
      )
    ).rows
    const { release } = await manager.createRelease('prod', 'v3')
    await manager.updatePhase(release.id, 'build', 'running')
    const after = (
      await adminQuery<{ id: string; idx: number; xmin: string }>(
        `SELECT id, idx, xmin::text FROM "${schema}".releases ORDER BY id, idx`,
      )
    ).rows
    const changed = after
      .filter((row) => before.find((old) => old.id === row.id)?.xmin !== row.xmin)
      .map((row) => row.id)
    expect(changed).toEqual([release.id])
    const last = await lastEvent(schema)
    expect(await headOf(schema)).toEqual({
      position: last?.position,
      hash: last?.hash,
      ids: after.length,
      environments: 3,
    })
  })

  it('refused by the chain (a stale end) commits neither events nor projection', async () => {
    const { schema } = await deployedSchema()
    const { store } = storeOn(schema)
    const [head, events] = [await headOf(schema), await eventCount(schema)]
    const stale = await store.write((session) =>
      session.append(unprepared(emptyLoaded(store.origin)), deployEnvelopes(2)),
    )()
    expect(E.isLeft(stale) && stale.left.code).toBe('CORRUPT_STATE')
    expect([await headOf(schema), await eventCount(schema)]).toEqual([head, events])
    const { opened, replayed } = await bothWays(schema)
    expectSame(opened, replayed)
  })

  it('whose projection rows are refused commits none of its events either', async () => {
    const { schema } = await deployedSchema()
    await adminQuery(`CREATE FUNCTION "${schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON "${schema}".releases FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse()`)
    const [head, events] = [await headOf(schema), await eventCount(schema)]
    const { manager } = managerOn(schema)
    const error = await rejection(manager.createRelease('prod', 'v9'))
    expect(error).toMatchObject({
      code: 'DB_ERROR',
      message: expect.stringMatching(/nothing of the append was committed.*refused by the test/),
    })
    expect([await headOf(schema), await eventCount(schema)]).toEqual([head, events])
    await adminQuery(`DROP TRIGGER refuse ON "${schema}".releases`)
    await manager.createRelease('prod', 'v9')
    const { opened, replayed } = await bothWays(schema)
    expectSame(opened, replayed)
  })

  it('cut off in the middle (its connection terminated while it changes the projection) leaves both as they were, and the next writer proceeds', async () => {
    const { schema } = await deployedSchema()
    const key = 4343
    await adminQuery(`CREATE FUNCTION "${schema}".pause() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(${key}, ${key}); RETURN NEW; END $$;
      CREATE TRIGGER pause BEFORE INSERT OR UPDATE ON "${schema}".releases FOR EACH ROW EXECUTE FUNCTION "${schema}".pause()`)
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await blocker.connect()
    try {
      await blocker.query('SELECT pg_advisory_lock($1, $1)', [key])
      const [head, events] = [await headOf(schema), await eventCount(schema)]
      const { manager } = managerOn(schema)
      const writing = manager.createRelease('prod', 'v9').then(
        () => undefined,
        (error: StateError) => error,
      )
      let pid: number | undefined
      for (let tries = 0; pid === undefined && tries < 150; tries++) {
        pid = (
          await adminQuery<{ pid: number }>(
            `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $1`,
            [key],
          )
        ).rows[0]?.pid
        if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(pid).toBeDefined()
      await adminQuery('SELECT pg_terminate_backend($1)', [pid])
      expect(await within(10_000, 'the cut write', writing)).toMatchObject({ code: 'DB_UNREACHABLE' })
      expect([await headOf(schema), await eventCount(schema)]).toEqual([head, events])
      await blocker.query('SELECT pg_advisory_unlock($1, $1)', [key])
      await adminQuery(`DROP TRIGGER pause ON "${schema}".releases`)
      await managerOn(schema).manager.createRelease('prod', 'v10')
      expect(await eventCount(schema)).toBe(events + 1)
      const { opened, replayed } = await bothWays(schema)
      expectSame(opened, replayed)
    } finally {
      await blocker.end()
    }
  })
})

/** A schema as the previous version of the module left it: the events table only, holding `envelopes`. */
const versionOneSchema = async (schema: string, envelopes: ReturnType<typeof deployEnvelopes>) => {
  const config = resolvePostgresConfig({ connectionString: TEST_DATABASE_URL, schema }, '/')
  if (E.isLeft(config)) throw config.left
  await asAdmin(async (client) => {
    await client.query(`CREATE SCHEMA "${schema}"`)
    await client.query(
      `CREATE TABLE ${config.right.migrations} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)`,
    )
    for (const statement of (MIGRATIONS[0] as (typeof MIGRATIONS)[number]).statements(config.right))
      await client.query(statement)
    await client.query(`INSERT INTO ${config.right.migrations} (version, description) VALUES (1, 'events table')`)
    const params = parameters()
    await client.query(
      eventsInsert(
        config.right,
        rowsAfter(emptyLoaded({ position: 0, hash: '0'.repeat(64) }).cursor, envelopes),
        params,
      ),
      params.values,
    )
  })
}

describe('a schema of the previous version', () => {
  it('gets its projection built from the events it holds, in the migration, and opens from it', async () => {
    const schema = freshSchema('v1')
    await versionOneSchema(schema, deployEnvelopes(40))
    const { manager, warnings } = managerOn(schema)
    expect((await manager.listAllReleases()).length).toBeGreaterThan(0)
    expect(
      (
        await adminQuery<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)
      ).rows.map((row) => row.version),
    ).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1))
    expect(await headOf(schema)).toMatchObject({ position: '40', hash: (await lastEvent(schema))?.hash })
    const { opened, replayed, warnings: more } = await bothWays(schema)
    expectSame(opened, replayed)
    expect([...warnings, ...more]).toEqual([])
    expect(await manager.verify()).toMatchObject({ sound: true, problems: [] })
  })

  it('gives the roles that appended or read events the same rights on the projection', async () => {
    const schema = freshSchema('v1grants')
    await versionOneSchema(schema, deployEnvelopes(5))
    const [writer, reader] = [await newRole(), await newRole()]
    await adminQuery(
      `GRANT USAGE ON SCHEMA "${schema}" TO "${writer}", "${reader}"; GRANT SELECT, INSERT ON "${schema}".events TO "${writer}"; GRANT SELECT ON "${schema}".events, "${schema}".schema_migrations TO "${writer}", "${reader}"`,
    )
    await managerOn(schema).manager.listAllReleases() // the owner's process migrates it
    const { manager: writing, warnings } = managerOn(schema, { connectionString: urlAs(writer) })
    await writing.createRelease('prod', 'by the writer role')
    const { manager: reading, warnings: readerWarnings } = managerOn(schema, { connectionString: urlAs(reader) })
    expect((await reading.getCurrentRelease('prod')).version).toBe('by the writer role')
    expect([...warnings, ...readerWarnings]).toEqual([])
    expect((await rejection(reading.createRelease('prod', 'by the reader role'))).code).toBe('DB_PERMISSION_DENIED')
  })

  it('is read by a role that may not migrate it, replaying its events, with a warning', async () => {
    const schema = freshSchema('v1reader')
    await versionOneSchema(schema, deployEnvelopes(5))
    const reader = await newRole()
    await adminQuery(
      `GRANT USAGE ON SCHEMA "${schema}" TO "${reader}"; GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${reader}"`,
    )
    const { manager, warnings } = managerOn(schema, { connectionString: urlAs(reader) })
    expect(await manager.listAllReleases()).toHaveLength(1)
    expect(await manager.listAllReleases()).toHaveLength(1)
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `the projection is not there yet: the schema is at version 1, .* brings it to version ${SCHEMA_VERSION}.*every event is replayed instead`,
        ),
      ),
    ])
    expect(
      (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".schema_migrations`)).rows[0]?.n,
    ).toBe(1)
  })

  it('whose events do not replay still migrates, without a projection: reads meet the damage, and verify reports it', async () => {
    const schema = freshSchema('v1damaged')
    await versionOneSchema(schema, deployEnvelopes(6))
    await adminQuery(
      `BEGIN; ALTER TABLE "${schema}".events DISABLE TRIGGER USER; UPDATE "${schema}".events SET line = 'garbage' WHERE position = 3; ALTER TABLE "${schema}".events ENABLE TRIGGER USER; COMMIT`,
    )
    const { manager, warnings } = managerOn(schema)
    expect(await rejection(manager.listAllReleases())).toMatchObject({
      code: 'CORRUPT_STATE',
      message: expect.stringContaining(`${schema}.events:3`),
    })
    expect(await headOf(schema)).toBeUndefined()
    expect(warnings).toEqual([expect.stringMatching(/projection is missing/)])
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toContainEqual(
      expect.objectContaining({ severity: 'error', location: expect.stringContaining(`${schema}.events:3`) }),
    )
  })
})

describe('verify', () => {
  it('finds a sound projection sound', async () => {
    const { manager } = await deployedSchema()
    expect(await manager.verify()).toMatchObject({ sound: true, problems: [] })
  })

  it.each([
    [
      'a release row',
      (s: string) =>
        `UPDATE "${s}".releases SET body = replace(body::text, '"pending"', '"completed"')::json WHERE id = (SELECT max(id) FROM "${s}".releases)`,
      /at release rel-.*: processes opening the store would answer from it wrongly; delete its row/,
    ],
    [
      'an environment row',
      (s: string) =>
        `UPDATE "${s}".environments SET release_id = (SELECT min(id) FROM "${s}".releases WHERE environment = 'prod') WHERE environment = 'prod'`,
      /the environments' current releases/,
    ],
    [
      'the time of the last event',
      (s: string) => `UPDATE "${s}".projection SET last_recorded_at = '2020-01-01T00:00:00Z'`,
      /the time of the last event/,
    ],
  ])('reports %s edited by hand as an error naming what differs', async (_what, edit, message) => {
    const { schema, manager } = await deployedSchema()
    const lastId = (await adminQuery<{ id: string }>(`SELECT max(id) AS id FROM "${schema}".releases`)).rows[0]?.id
    await adminQuery(edit(schema))
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        location: expect.stringContaining(`${schema}.projection`),
        message: expect.stringMatching(message),
      }),
    ])
    if (_what === 'a release row') expect(report.problems[0]?.message).toContain(`release ${lastId}`)
  })

  it('reports a projection ahead of the events (the events lost their end) as an error, and a process refuses to open on it', async () => {
    const { schema } = await deployedSchema()
    await adminQuery(
      `BEGIN; ALTER TABLE "${schema}".events DISABLE TRIGGER USER; DELETE FROM "${schema}".events WHERE position > 10; ALTER TABLE "${schema}".events ENABLE TRIGGER USER; COMMIT`,
    )
    const { manager } = managerOn(schema)
    expect(await rejection(manager.listAllReleases())).toMatchObject({
      code: 'CORRUPT_STATE',
      message: expect.stringMatching(/events ends at event 10: the events table lost its end/),
    })
    const report = await manager.verify()
    expect(report.problems).toContainEqual(
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/lost its end/) }),
    )
  })
})

describe('a projection that cannot be used', () => {
  it.each([
    [
      'a table dropped',
      (s: string) => `DROP TABLE "${s}".environments`,
      /the projection is missing \(.*environments.*does not exist\)/,
    ],
    [
      'the releases emptied',
      (s: string) => `DELETE FROM "${s}".releases`,
      /releases holds 0 release ids, and .*projection says [1-9]/,
    ],
    [
      'its row deleted',
      (s: string) => `DELETE FROM "${s}".projection`,
      /the projection is missing \(.*projection holds no row\)/,
    ],
    [
      'a row that does not decode',
      (s: string) =>
        `UPDATE "${s}".releases SET body = '{"id": 1}' WHERE idx = 0 AND id = (SELECT min(id) FROM "${s}".releases)`,
      /does not decode: not a release/,
    ],
  ])('(%s) makes a process replay, warning once, and its next write rebuilds it', async (_what, damage, why) => {
    const { schema, manager: writer } = await deployedSchema()
    const expected = fingerprint(await right(writer.fp.state()))
    await adminQuery(damage(schema))
    const { manager, warnings } = managerOn(schema)
    expect(fingerprint(await right(manager.fp.state()))).toEqual(expected)
    await manager.listAllReleases()
    expect(warnings).toEqual([expect.stringMatching(why)])
    expect(warnings[0]).toMatch(/every event is replayed instead \(the next write rebuilds it\)/)
    expect((await manager.verify()).problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^not used: the projection/) }),
    ])
    // This process found it unusable: its write rebuilds it whole, in the append's transaction.
    await manager.createRelease('prod', 'v-after')
    const { opened, replayed, warnings: after } = await bothWays(schema)
    expectSame(opened, replayed)
    expect(after).toEqual([])
    expect(await manager.verify()).toMatchObject({ sound: true, problems: [] })
  })

  it('is rebuilt by the write of a process that had read it before it was damaged, when its row is gone', async () => {
    const { schema, manager } = await deployedSchema()
    await adminQuery(`DELETE FROM "${schema}".projection`)
    await manager.createRelease('prod', 'v-after')
    const { opened, replayed, warnings } = await bothWays(schema)
    expectSame(opened, replayed)
    expect(warnings).toEqual([])
  })

  it('dropped, is made again by the write of a role that may create tables, and refuses the write of one that may not', async () => {
    const { schema } = await deployedSchema()
    const role = await newRole()
    await adminQuery(
      `GRANT USAGE ON SCHEMA "${schema}" TO "${role}"; GRANT SELECT, INSERT ON "${schema}".events TO "${role}"; GRANT SELECT ON "${schema}".schema_migrations TO "${role}"; GRANT SELECT, INSERT, UPDATE, DELETE ON "${schema}".releases, "${schema}".environments, "${schema}".projection TO "${role}"`,
    )
    await adminQuery(`DROP TABLE "${schema}".releases`)
    const events = await eventCount(schema)
    const { manager: limited } = managerOn(schema, { connectionString: urlAs(role) })
    expect(await rejection(limited.createRelease('prod', 'v-denied'))).toMatchObject({
      code: 'DB_PERMISSION_DENIED',
      message: expect.stringMatching(
        /could not make the projection's tables again.*nothing of the append was committed.*permission denied/,
      ),
    })
    expect(await eventCount(schema)).toBe(events)
    await managerOn(schema).manager.createRelease('prod', 'v-owner')
    const { opened, replayed, warnings } = await bothWays(schema)
    expectSame(opened, replayed)
    expect(warnings).toEqual([])
  })
})
