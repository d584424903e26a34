/** A PostgreSQL store's checked options: quoted table names, the server without password, the lock keys. */
import { hash } from 'node:crypto'
import { resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { StateError } from '../../domain/state-error.js'

/** How to reach and lay out a PostgreSQL store. Only `connectionString` is required. */
export interface PostgresStoreOptions {
  /** `postgres://user[:password]@host[:port]/database[?options]`; missing parts come from `PG*` variables, as in libpq. */
  readonly connectionString: string
  /** The schema of its tables (default `stagecraft_state`, or `?schema=`): one per project sharing a database. */
  readonly schema?: string | undefined
  /** Also keep the projection as a local `releases.json` here, rewritten after each write. */
  readonly snapshotFile?: string | undefined
  /** How long to wait for a connection to the server before `DB_UNREACHABLE` (default 10 000 ms). */
  readonly connectTimeoutMs?: number | undefined
  /**
   * How long any one query may go unanswered before `DB_UNREACHABLE` (default 30 000 ms): a stalled network or server,
   * since every query is small. The wait for the write lock comes on top.
   */
  readonly queryTimeoutMs?: number | undefined
  /** The most connections one store opens at once (default 4): reads and one write each need one. */
  readonly maxConnections?: number | undefined
  /** How many events a read fetches per round trip (default 1000). */
  readonly batchSize?: number | undefined
}

export const DEFAULT_SCHEMA = 'stagecraft_state'

export interface PostgresConfig {
  readonly connectionString: string
  /** The server as a person can name it, without password or options: `postgres://user@host:port/database`. */
  readonly server: string
  readonly schema: string
  readonly events: string
  readonly migrations: string
  /** The projection's tables (per release, per environment, and where it stands), quoted and schema-qualified. */
  readonly releases: string
  readonly environments: string
  readonly projection: string
  /** The first use of every request id (schema version 4), quoted and schema-qualified. */
  readonly requests: string
  readonly quotedSchema: string
  /** The advisory lock every writer of this schema holds while it writes. */
  readonly writeLock: readonly [number, number]
  /** The advisory lock (transaction-scoped) that serialises migrations of this schema. */
  readonly migrationLock: readonly [number, number]
  readonly snapshotFile: string | undefined
  readonly connectTimeoutMs: number
  readonly queryTimeoutMs: number
  readonly maxConnections: number
  readonly batchSize: number
}

/** The first key of this module's advisory locks ('SC' 'ST'): findable in `pg_locks`, unlikely to collide. */
export const LOCK_CLASS_WRITE = 0x53435354
export const LOCK_CLASS_MIGRATE = 0x53435355

/** 32 bits of the schema's SHA-256: two schemas sharing a key only ever wait for each other, never mix. */
export const schemaLockKey = (schema: string): number =>
  Buffer.from(hash('sha256', schema, 'hex'), 'hex').readInt32BE(0)

/** Lower-case letters, digits and `_`, as PostgreSQL folds unquoted names, so `psql` users need no quotes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

const invalid = (message: string): E.Either<StateError, never> => E.left(new StateError('INVALID_INPUT', message))

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`

/** The server of a connection string, without password, options or anything else secret. */
export const describeServer = (url: URL): string => {
  const user = url.username === '' ? '' : `${decodeURIComponent(url.username)}@`
  const socket = url.searchParams.get('host')
  const host = url.host !== '' ? url.host : socket !== null ? socket : 'localhost'
  return `postgres://${user}${host}${url.pathname === '/' ? '' : url.pathname}`
}

const positive = (
  what: string,
  raw: number | undefined,
  fallback: number,
  max: number,
): E.Either<StateError, number> => {
  if (raw === undefined) return E.right(fallback)
  return Number.isInteger(raw) && raw >= 1 && raw <= max
    ? E.right(raw)
    : invalid(`${what} must be a whole number from 1 to ${max}; got ${String(raw)}`)
}

/** Checks the options; `cwd` resolves a relative snapshot file. */
export const resolvePostgresConfig = (
  options: PostgresStoreOptions,
  cwd: string,
): E.Either<StateError, PostgresConfig> => {
  const { connectionString } = options
  if (typeof connectionString !== 'string' || connectionString.trim() === '')
    return invalid('the PostgreSQL connection string is empty')
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    return invalid('the PostgreSQL connection string is not a URL; expected postgres://user@host:port/database')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return invalid(
      `the PostgreSQL connection string must start with postgres:// or postgresql://, not ${url.protocol}//`,
    )
  // `?schema=` lets one string (an environment variable, a CLI flag) name the schema too; the driver never sees it.
  const named = url.searchParams.getAll('schema')
  // Which of two would win is an accident of parsing: a person meant one of them, so ask which.
  if (named.length > 1)
    return invalid(
      `the connection string names the schema ${named.length} times ` +
        `(${named.map((name) => JSON.stringify(name)).join(', ')}); give ?schema= once`,
    )
  const fromUrl = named[0]
  url.searchParams.delete('schema')
  if (fromUrl !== undefined && options.schema !== undefined && fromUrl !== options.schema) {
    return invalid(
      `the schema is given twice, as ${JSON.stringify(options.schema)} and in the connection string as ` +
        `${JSON.stringify(fromUrl)}`,
    )
  }
  const schema = options.schema ?? fromUrl ?? DEFAULT_SCHEMA
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    return invalid(
      `the schema name ${JSON.stringify(schema)} is not usable: use 1 to 63 lower-case letters, digits ` +
        'and _, not starting with a digit or pg_',
    )
  }
  if (options.snapshotFile !== undefined && options.snapshotFile.trim() === '')
    return invalid('the snapshot file path is empty')
  const key = schemaLockKey(schema)
  const common = {
    connectionString: fromUrl === undefined ? connectionString : url.toString(),
    server: describeServer(url),
    schema,
    quotedSchema: quote(schema),
    events: `${quote(schema)}.${quote('events')}`,
    migrations: `${quote(schema)}.${quote('schema_migrations')}`,
    releases: `${quote(schema)}.${quote('releases')}`,
    environments: `${quote(schema)}.${quote('environments')}`,
    projection: `${quote(schema)}.${quote('projection')}`,
    requests: `${quote(schema)}.${quote('requests')}`,
    writeLock: [LOCK_CLASS_WRITE, key] as const,
    migrationLock: [LOCK_CLASS_MIGRATE, key] as const,
    snapshotFile: options.snapshotFile === undefined ? undefined : resolve(cwd, options.snapshotFile),
  }
  return pipe(
    E.Do,
    E.apS('connectTimeoutMs', positive('connectTimeoutMs', options.connectTimeoutMs, 10_000, 3_600_000)),
    E.apS('queryTimeoutMs', positive('queryTimeoutMs', options.queryTimeoutMs, 30_000, 3_600_000)),
    E.apS('maxConnections', positive('maxConnections', options.maxConnections, 4, 100)),
    E.apS('batchSize', positive('batchSize', options.batchSize, 1000, 100_000)),
    E.map((limits) => ({ ...common, ...limits })),
  )
}

/** The store, as messages name it. */
export const storeDescription = (config: Pick<PostgresConfig, 'server' | 'schema'>): string =>
  `PostgreSQL store ${config.server}, schema ${config.schema}`
