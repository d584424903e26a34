/**
 * The PostgreSQL store's schema: created on the first write, migrated once whatever the number of
 * processes starting at once, recorded in `schema_migrations`, refused when a newer module has
 * migrated it, and named by the user so several projects share one database.
 */
import * as E from 'fp-ts/lib/Either.js'
import { emptyLoaded, unprepared } from '../../src/store/event-store.js'
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, postgresStore } from '../../src/index.js'
import type { StateError } from '../../src/domain/state-error.js'
import { resolvePostgresConfig } from '../../src/store/postgres/config.js'
import { firstForeignEvent } from '../../src/store/postgres/foreign-events.js'
import { migrate, SCHEMA_VERSION } from '../../src/store/postgres/migrations.js'
import { deployEnvelopes } from '../support/envelopes.js'
import { appendAll, readAll } from './contract.js'
import { adminQuery, freshSchema, openStore, TEST_DATABASE_URL } from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const failureOf = async (task: () => Promise<E.Either<StateError, unknown>>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

const migrations = async (schema: string) =>
  (
    await adminQuery<{ version: number; description: string }>(
      `SELECT version, description FROM "${schema}".schema_migrations ORDER BY version`,
    )
  ).rows

const configOf = (schema: string) => {
  const config = resolvePostgresConfig({ connectionString: TEST_DATABASE_URL, schema }, '/')
  if (E.isLeft(config)) throw config.left
  return config.right
}

describe('migrations', () => {
  it(`bring a new schema to version ${SCHEMA_VERSION} on the first write and record each version once`, async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(1))
    expect(await migrations(schema)).toEqual([
      { version: 1, description: expect.stringMatching(/events table/) },
      { version: 2, description: expect.stringMatching(/projection tables/) },
      { version: 3, description: expect.stringMatching(/events_json/) },
      { version: 4, description: expect.stringMatching(/requests table/) },
      { version: 5, description: expect.stringMatching(/events_not_0_3/) },
      { version: 6, description: expect.stringMatching(/projection rebuilt/) },
    ])
    await appendAll(openStore(schema), deployEnvelopes(2).slice(1))
    expect(await migrations(schema)).toHaveLength(SCHEMA_VERSION)
  })

  it('let a reader look for events it cannot interpret through an index, not by reading every event', async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(3))
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await client.connect()
    try {
      // With sequential scans ruled out, the plan names the partial index only if the query's
      // condition is the index's own: otherwise it has no way but the table.
      await client.query('SET enable_seqscan = off')
      const events = configOf(schema).events
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (COSTS OFF) SELECT ${firstForeignEvent(events, '1000')}`,
      )
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('events_not_0_3')
    } finally {
      await client.end()
    }
  })

  it('are idempotent: migrating a migrated schema does nothing', async () => {
    const schema = freshSchema()
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await client.connect()
    try {
      expect(await migrate(client, configOf(schema))).toBe(0)
      expect(await migrate(client, configOf(schema))).toBe(SCHEMA_VERSION)
      expect(await migrate(client, configOf(schema))).toBe(SCHEMA_VERSION)
    } finally {
      await client.end()
    }
    expect(await migrations(schema)).toHaveLength(SCHEMA_VERSION)
  })

  it('run once when many stores start writing to a new schema at the same moment', async () => {
    const schema = freshSchema()
    const stores = Array.from({ length: 8 }, () => openStore(schema, { lockTimeoutMs: 20_000 }))
    const envelopes = deployEnvelopes(8)
    // Each store appends the next event wherever the end is then: all must land.
    await Promise.all(
      stores.map((store) =>
        store
          .write((session) => async () => {
            const caught = await session.load(emptyLoaded(store.origin))()
            if (E.isLeft(caught)) return caught
            return session.append(unprepared(caught.right), [
              envelopes[caught.right.cursor.position] as (typeof envelopes)[number],
            ])()
          })()
          .then((result) => expect(E.isRight(result), JSON.stringify(result)).toBe(true)),
      ),
    )
    expect(await migrations(schema)).toHaveLength(SCHEMA_VERSION)
    expect((await readAll(openStore(schema))).events).toHaveLength(8)
  })

  it('migrate into a schema a database administrator created beforehand', async () => {
    const schema = freshSchema()
    await adminQuery(`CREATE SCHEMA "${schema}"`)
    expect((await readAll(openStore(schema))).events).toEqual([]) // no tables yet: an empty history
    await appendAll(openStore(schema), deployEnvelopes(2))
    expect((await readAll(openStore(schema))).events).toHaveLength(2)
  })
})

describe('a schema newer than the module', () => {
  const newer = async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(3))
    await adminQuery(
      `INSERT INTO "${schema}".schema_migrations (version, description) VALUES ($1, 'from the future')`,
      [SCHEMA_VERSION + 1],
    )
    return { schema, store }
  }

  it('is refused with SCHEMA_TOO_NEW, naming the server, the schema and both versions, for reads and writes', async () => {
    const { schema } = await newer()
    const store = openStore(schema)
    for (const task of [
      store.read(store.origin, { event: () => undefined }),
      store.write(() => async () => E.right(undefined)),
    ]) {
      const error = await failureOf(task)
      expect(error.code).toBe('SCHEMA_TOO_NEW')
      expect(error.message).toContain('postgres://')
      expect(error.message).toContain(`schema ${schema}`)
      expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}, newer than the version ${SCHEMA_VERSION}`)
    }
    expect((await adminQuery(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]).toEqual({ n: 3 })
  })

  it('is refused by a writer that opened the store before the newer module migrated it', async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(1))
    await adminQuery(
      `INSERT INTO "${schema}".schema_migrations (version, description) VALUES ($1, 'from the future')`,
      [SCHEMA_VERSION + 1],
    )
    expect((await failureOf(store.write(() => async () => E.right(undefined)))).code).toBe('SCHEMA_TOO_NEW')
  })

  it('is refused by every read of a store, and of a manager, opened before the newer module migrated it', async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(2))
    const manager = createStateManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) })
    try {
      expect(await manager.listAllReleases()).toHaveLength(1)
      const { cursor } = await readAll(store)
      await adminQuery(
        `INSERT INTO "${schema}".schema_migrations (version, description) VALUES ($1, 'from the future')`,
        [SCHEMA_VERSION + 1],
      )
      // From the start, and from where the last read ended (nothing new to read).
      for (const from of [store.origin, cursor])
        expect((await failureOf(store.read(from, { event: () => undefined }))).code).toBe('SCHEMA_TOO_NEW')
      for (const read of [() => manager.listAllReleases(), () => manager.history(), () => manager.verify()]) {
        await expect(read()).rejects.toMatchObject({
          code: 'SCHEMA_TOO_NEW',
          message: expect.stringMatching(/nothing was read or written/),
        })
      }
    } finally {
      await manager.close()
    }
  })

  it('is refused by a manager with a rejection carrying the code', async () => {
    const { schema } = await newer()
    const manager = createStateManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) })
    await expect(manager.listAllReleases()).rejects.toMatchObject({ name: 'StateError', code: 'SCHEMA_TOO_NEW' })
    await manager.close()
  })
})

describe('schemas', () => {
  it('keep projects apart in one database: separate histories and separate locks', async () => {
    const [a, b] = [freshSchema('a'), freshSchema('b')]
    await appendAll(openStore(a), deployEnvelopes(3))
    await appendAll(openStore(b), deployEnvelopes(1))
    expect((await readAll(openStore(a))).events).toHaveLength(3)
    expect((await readAll(openStore(b))).events).toHaveLength(1)
    // A writer holding a's lock does not hold up b's writers.
    const other = openStore(b, { lockTimeoutMs: 1_000 })
    const nested = await openStore(a).write(
      () => async () => E.right(await appendAll(other, deployEnvelopes(2).slice(1))),
    )()
    expect(E.isRight(nested) && nested.right.position).toBe(2)
  })

  it('default to stagecraft_state and must be plain lower-case names', () => {
    expect(configOf('x').schema).toBe('x')
    const defaulted = resolvePostgresConfig({ connectionString: TEST_DATABASE_URL }, '/')
    expect(E.isRight(defaulted) && defaulted.right.schema).toBe('stagecraft_state')
    for (const schema of ['', 'Upper', 'with space', 'semi;colon', '1st', 'pg_catalog', 'a'.repeat(64), 'quote"d']) {
      expect(() =>
        createStateManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) }),
      ).toThrow(/schema name .* is not usable/)
    }
  })

  it('can be named in the connection string as ?schema=, which the driver never sees', () => {
    const config = resolvePostgresConfig(
      { connectionString: `${TEST_DATABASE_URL}?schema=from_url&sslmode=disable` },
      '/',
    )
    expect(E.isRight(config) && [config.right.schema, config.right.connectionString]).toEqual([
      'from_url',
      `${TEST_DATABASE_URL}?sslmode=disable`,
    ])
    const twice = resolvePostgresConfig({ connectionString: `${TEST_DATABASE_URL}?schema=a`, schema: 'b' }, '/')
    expect(E.isLeft(twice) && twice.left.message).toMatch(/schema is given twice/)
    const repeated = resolvePostgresConfig({ connectionString: `${TEST_DATABASE_URL}?schema=a&schema=b` }, '/')
    expect(E.isLeft(repeated) && [repeated.left.code, repeated.left.message]).toEqual([
      'INVALID_INPUT',
      expect.stringMatching(/names the schema 2 times \("a", "b"\); give \?schema= once/),
    ])
  })

  it('refuse connection strings that are not postgres:// URLs, and bad limits, with INVALID_INPUT', () => {
    for (const [options, message] of [
      [{ connectionString: '' }, /connection string is empty/],
      [{ connectionString: 'host=localhost dbname=test' }, /not a URL/],
      [{ connectionString: 'mysql://localhost/test' }, /must start with postgres:\/\//],
      [{ connectionString: TEST_DATABASE_URL, batchSize: 0 }, /batchSize must be a whole number/],
      [{ connectionString: TEST_DATABASE_URL, maxConnections: 1.5 }, /maxConnections must be a whole number/],
    ] as const) {
      expect(() => createStateManager({ store: postgresStore(options) })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }),
      )
    }
  })
})

describe('migration 6', () => {
  it('rebuilds a projection written before 0.5.0, whose rows lack what 0.5.0 knows of a release: verify is sound', async () => {
    const schema = freshSchema()
    const manager = createStateManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) })
    const { release } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    await manager.recoverRelease(release.id, 'the runner died')
    await manager.close()
    // As 0.4.0 left it: no facts but the time of the last event, and no record of migration 6.
    await adminQuery(
      `UPDATE "${schema}".releases SET body = (body::jsonb #- '{facts,recovered}' #- '{facts,byCommand}')::json`,
    )
    await adminQuery(`DELETE FROM "${schema}".schema_migrations WHERE version = 6`)
    const stale = await adminQuery<{ body: string }>(`SELECT body::text FROM "${schema}".releases`)
    expect(stale.rows[0]?.body).not.toContain('recovered')

    const upgraded = createStateManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) })
    await upgraded.createRelease('staging', 'v1') // the first write migrates
    expect((await upgraded.verify()).sound).toBe(true)
    const rebuilt = await adminQuery<{ body: string }>(
      `SELECT body::text FROM "${schema}".releases WHERE environment = 'prod'`,
    )
    expect(rebuilt.rows[0]?.body).toContain('"recovered"')
    expect(await migrations(schema)).toHaveLength(SCHEMA_VERSION)
    await upgraded.close()
  })
})

describe('a PostgreSQL store read without its projection', () => {
  it('tells the progress of the replay that takes its place, event by event', async () => {
    const schema = freshSchema()
    const store = () => postgresStore({ connectionString: TEST_DATABASE_URL, schema })
    const writer = createStateManager({ store: store() })
    const { release } = await writer.createRelease('prod', 'v1')
    await writer.updatePhase(release.id, 'build', 'running')
    await writer.close()
    await adminQuery(`DELETE FROM "${schema}".projection`)
    const told: Array<{ task: string; done: number }> = []
    const reader = createStateManager({
      store: store(),
      onProgress: (progress) => told.push(progress),
      onWarning: () => undefined,
    })
    expect((await reader.getRelease(release.id)).phases.build).toBe('running')
    expect(told).toEqual([
      { task: 'replay', done: 1 },
      { task: 'replay', done: 2 },
    ])
    await reader.close()
  })
})
