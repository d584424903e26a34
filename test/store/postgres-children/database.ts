/**
 * The PostgreSQL server the tests run against, and throwaway schemas on it.
 *
 * `STAGECRAFT_TEST_DATABASE_URL` names the server (default: the local one, trust auth, database
 * `test`). A test that needs the server and cannot reach it fails and says so: it never skips.
 *
 * Also for benchmarks: `throwawayStore()` gives a `StoreSpec` on a fresh schema, and a way to drop it.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach } from 'vitest'
import { createStateManager } from '../../../src/index.js'
import type { EventStore } from '../../../src/store/event-store.js'
import type { StoreSpec } from '../../../src/store/event-store.js'
import { resolvePostgresConfig } from '../../../src/store/postgres/config.js'
import { postgresStore, type PostgresStoreOptions } from '../../../src/store/postgres/index.js'
import { postgresEventStore } from '../../../src/store/postgres/store.js'
import { expectSoundHistory } from '../children/harness.js'
import { type StoreFactory, subjectOf } from '../store-subject.js'

/** The server and database of the tests. */
export const TEST_DATABASE_URL =
  process.env['STAGECRAFT_TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test'

/** The same server, as another user (no password: the test server trusts local connections). */
export const urlAs = (user: string, url = TEST_DATABASE_URL): string => {
  const parsed = new URL(url)
  parsed.username = user
  parsed.password = ''
  return parsed.toString()
}

/** A URL of the test server that names `schema` too (`?schema=`), kept apart from any query string it has. */
export const urlWithSchema = (schema: string, url = TEST_DATABASE_URL): string => {
  const parsed = new URL(url)
  parsed.searchParams.set('schema', schema)
  return parsed.toString()
}

/** Runs `use` with a fresh connection of the test's superuser (for setting up and inspecting). */
export const asAdmin = async <A>(use: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `the PostgreSQL tests need a server: could not connect to ${TEST_DATABASE_URL} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start it (.ci/run starts a local cluster), or point STAGECRAFT_TEST_DATABASE_URL at another server, e.g. postgres://user@host:5432/db',
      { cause: error },
    )
  }
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/** Runs one statement as the admin. */
export const adminQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> => asAdmin((client) => client.query<R>(sql, values))

/**
 * Everything of `schema` a migration could change: whether it exists, its tables, its events and
 * its recorded migrations.
 */
export const schemaContents = async (schema: string) => {
  const tables = (
    await adminQuery<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    )
  ).rows.map((row) => row.name)
  const rowsOf = async (table: string, order: string) =>
    tables.includes(table) ? (await adminQuery(`SELECT * FROM "${schema}".${table} ORDER BY ${order}`)).rows : []
  const exists = (await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1
  return {
    schema,
    exists,
    tables,
    events: await rowsOf('events', 'position'),
    migrations: await rowsOf('schema_migrations', 'version'),
  }
}

/** A schema name no other test (or concurrent test run) uses. */
export const uniqueName = (label: string): string =>
  `sc_${label}_${process.pid}_${randomBytes(4).toString('hex')}`.slice(0, 63)

const schemas: string[] = []
const stores: EventStore[] = []
const roles: string[] = []

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
  const dropping = schemas.splice(0)
  if (dropping.length > 0)
    await adminQuery(dropping.map((schema) => `DROP SCHEMA IF EXISTS "${schema}" CASCADE`).join('; '))
  for (const role of roles.splice(0)) await adminQuery(`DROP OWNED BY "${role}"; DROP ROLE "${role}"`)
})

/**
 * A new role (a login role with no privileges beyond what PUBLIC has, unless `options` say more), dropped after the
 * current test.
 */
export const newRole = async (options = 'LOGIN'): Promise<string> => {
  const role = uniqueName('role')
  await adminQuery(`CREATE ROLE "${role}" ${options}`)
  roles.push(role)
  return role
}

/** A fresh schema name, dropped after the current test. */
export const freshSchema = (label = 'test'): string => {
  const schema = uniqueName(label)
  schemas.push(schema)
  return schema
}

/** Drops `schema` after the current test (for schemas made by someone else: a child process). */
export const dropAfterTest = (schema: string): void => void schemas.push(schema)

/** A store on `schema` (closed after the current test), as a manager would open it. */
export const openStore = (
  schema: string,
  options: Partial<PostgresStoreOptions> & { lockTimeoutMs?: number } = {},
): EventStore => {
  const { lockTimeoutMs = 5_000, ...rest } = options
  const config = resolvePostgresConfig({ connectionString: TEST_DATABASE_URL, schema, ...rest }, process.cwd())
  if (config._tag === 'Left') throw config.left
  const store = postgresEventStore(config.right, { lockTimeoutMs })
  stores.push(store)
  return store
}

/** Closes `store` after the current test. */
export const closeAfterTest = (store: EventStore): void => void stores.push(store)

/** Fresh PostgreSQL stores (a new schema each), as subjects of the suites every store runs (store-subject.ts). */
export const postgresStoreSubjects =
  (label: string): StoreFactory =>
  async () => {
    const { spec, drop } = throwawayStore({ schema: label })
    return subjectOf(
      (options) => createStateManager({ store: spec, ...options }),
      (fresh) => expectSoundHistory(fresh),
      drop,
    )
  }

/** A store spec on a new schema, and how to drop the schema: for benchmarks and other suites. */
export const throwawayStore = (
  options: Partial<PostgresStoreOptions> = {},
): { spec: StoreSpec; schema: string; drop: () => Promise<void> } => {
  const schema = uniqueName(options.schema ?? 'bench')
  return {
    schema,
    spec: postgresStore({ connectionString: TEST_DATABASE_URL, ...options, schema }),
    drop: async () => void (await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
  }
}
