/**
 * The PostgreSQL store: the same append-only, hash-chained stream of events as the file store, in
 * one table shared by every process and machine that connects to it.
 *
 * Writes are serialised by a session-level advisory lock, taken on one dedicated connection and
 * held for the whole of `write`; each append is one INSERT statement on that same connection, so
 * it is its own committed transaction, durable when it returns, while the lock is still held. If
 * the connection drops, the server rolls back whatever was not committed and releases the lock
 * with the session: nothing half-written, and the next writer proceeds. Reads never take the
 * lock: a reader sees whole appends only, because each is one transaction.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type pg from 'pg'
import { isStateError, StateError } from '../../errors.js'
import type { Cursor, EventStore, ReadEnd, Visitor, WriteSession } from '../event-store.js'
import { GENESIS_HASH } from '../log-line.js'
import type { PostgresConfig } from './config.js'
import { classify, databaseError, SQLSTATE_BROKEN_CHAIN } from './errors.js'
import { insertEvents, readEvents } from './events-table.js'
import { migrate, recordedVersion, SCHEMA_VERSION, tooNew } from './migrations.js'

/** What the store needs from the manager's context. */
export interface PostgresStoreContext {
  /** How long a write waits for the lock (and a free connection) before `LOCK_TIMEOUT`. */
  readonly lockTimeoutMs: number
}

const ORIGIN: Cursor = Object.freeze({ position: 0, hash: GENESIS_HASH })

type Readiness = 'ready' | 'absent'

/** A client taken from the pool, watched for its connection dropping while no query runs. */
interface Leased {
  readonly client: pg.PoolClient
  /** The error that broke the connection between queries, if one did. */
  readonly lost: () => unknown
  /** Gives the client back to the pool, or closes it when its state is in doubt. */
  readonly release: (destroy: boolean) => void
}

/** A `StateError` thrown inside a step becomes a `Left`; anything else thrown is a bug, and is rethrown. */
const settled =
  <A>(step: () => Promise<E.Either<StateError, A>>): TE.TaskEither<StateError, A> =>
  async () => {
    try {
      return await step()
    } catch (error) {
      if (isStateError(error)) return E.left(error)
      throw error
    }
  }

// Loaded with the first PostgreSQL store used, not with the package: file-store users (and every
// CLI start) do not pay for it.
let driver: Promise<typeof pg> | undefined
const loadDriver = (): Promise<typeof pg> => (driver ??= import('pg').then((module) => module.default))

/** The PostgreSQL store described by `config`. Nothing connects until the first read or write. */
export const postgresEventStore = (config: PostgresConfig, context: PostgresStoreContext): EventStore => {
  let pool: pg.Pool | undefined
  let ready: Promise<Readiness> | undefined
  // After close(), a new pool would be a connection nobody closes again: refuse instead.
  let closed = false
  const [lockClass, lockKey] = config.writeLock

  /** Runs a step that talks to the server; whatever it throws becomes a `StateError` naming `doing`. */
  const db = async <A>(doing: string, step: () => Promise<A>): Promise<A> => {
    try {
      return await step()
    } catch (error) {
      throw databaseError(config, doing, error)
    }
  }

  const poolOf = async (): Promise<pg.Pool> => {
    if (closed) throw new StateError('INVALID_INPUT', `${config.server} (schema ${config.schema}): this store was closed; open a new one (a new manager) to use it again`)
    if (pool === undefined) {
      const { Pool } = await loadDriver()
      if (closed) return poolOf() // closed while the driver loaded
      if (pool !== undefined) return pool // another caller made it meanwhile
      pool = new Pool({
        connectionString: config.connectionString,
        max: config.maxConnections,
        connectionTimeoutMillis: config.connectTimeoutMs,
        idleTimeoutMillis: 10_000,
        // A process that is done does not wait for idle connections to time out.
        allowExitOnIdle: true,
        // A writer on a machine that vanished holds the lock until the server notices: keepalives make that minutes, not hours.
        keepAlive: true,
        application_name: `stagecraft-state pid ${process.pid}`,
      })
      // An idle connection the server closed is dropped by the pool; unhandled, it would crash the process.
      pool.on('error', () => undefined)
    }
    return pool
  }

  const lease = (doing: string): Promise<Leased> =>
    db(doing, async () => {
      const client = await (await poolOf()).connect()
      let lostWith: unknown
      // Unhandled, an 'error' event on a checked-out client (the server ended the session) would crash the process.
      const onError = (error: unknown): void => {
        lostWith ??= error
      }
      client.on('error', onError)
      return {
        client,
        lost: () => lostWith,
        release: (destroy) => {
          client.off('error', onError)
          client.release(destroy || lostWith !== undefined ? true : undefined)
        },
      }
    })

  /** Runs `step` on a pooled connection. */
  const withClient = async <A>(doing: string, step: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
    const leased = await lease(doing)
    let failed = false
    try {
      return await db(doing, () => step(leased.client))
    } catch (error) {
      failed = true
      throw error
    } finally {
      leased.release(failed)
    }
  }

  /**
   * Whether the schema is at this module's version. Readers of a schema that does not exist yet
   * create nothing; writers create or migrate it. Only `ready` is remembered, so a schema created
   * later by another process is found.
   */
  const ensureSchema = async (mode: 'read' | 'write'): Promise<Readiness> => {
    for (;;) {
      ready ??= withClient('check the schema version', async (client) => {
        const version = await recordedVersion(client, config)
        if (version > SCHEMA_VERSION) throw tooNew(config, version)
        if (version === SCHEMA_VERSION) return 'ready' as const
        if (mode === 'read' && version === 0) return 'absent' as const
        await db(version === 0 ? 'create the schema and its tables' : `migrate the schema from version ${version} to ${SCHEMA_VERSION}`, () => migrate(client, config))
        return 'ready' as const
      }).then(
        (readiness) => {
          if (readiness !== 'ready') ready = undefined
          return readiness
        },
        (error: unknown) => {
          ready = undefined
          throw error
        },
      )
      const readiness = await ready
      // A writer that joined a reader's check of an absent schema checks again, as a writer.
      if (readiness === 'ready' || mode === 'read') return readiness
    }
  }

  const read = (cursor: Cursor, visitor: Visitor): TE.TaskEither<StateError, ReadEnd> =>
    settled(async () => {
      if ((await ensureSchema('read')) === 'absent') {
        return cursor.position === 0
          ? E.right({ cursor })
          : E.left(new StateError('CORRUPT_STATE', `${config.server} (schema ${config.schema}): the history is gone, though ${cursor.position} events were read from it`))
      }
      return withClient('read the history', (client) => readEvents(client, config, cursor, visitor))
    })

  const timedOut = (): StateError =>
    new StateError('LOCK_TIMEOUT', `${config.server} (schema ${config.schema}): another writer held the write lock for more than ${context.lockTimeoutMs} ms (advisory lock ${lockClass >>> 0}/${lockKey >>> 0}, classid/objid in pg_locks, shows who)`)

  /**
   * Takes the write lock on `client`, waiting until `deadline` at most, and reads the schema
   * version under it: one round trip. `version` is undefined when the lock was not taken.
   *
   * The statements run as one implicit transaction, so a timed-out wait also undoes the settings
   * before it; a session-level advisory lock, though, outlives the transaction that took it, so
   * after any other failure the connection must be closed, not reused (the caller does so).
   */
  const lock = (client: pg.PoolClient, deadline: number): Promise<{ readonly version: number | undefined }> =>
    db('take the write lock', async () => {
      const waitMs = Math.floor(deadline - Date.now())
      // Each append must be durable when it returns, whatever the server's default.
      const durable = 'SET synchronous_commit = on'
      const version = `SELECT max(version) AS version FROM ${config.migrations}`
      if (waitMs < 1) {
        const tried = await client.query<{ locked: boolean; version: number | null }>(
          `SELECT pg_try_advisory_lock(${lockClass}, ${lockKey}) AS locked, (${version}) AS version`,
        )
        const row = tried.rows[0]
        if (row?.locked !== true) return { version: undefined }
        await client.query(durable)
        return { version: row.version ?? 0 }
      }
      try {
        const results = (await client.query(`${durable}; SET lock_timeout = ${waitMs}; SELECT pg_advisory_lock(${lockClass}, ${lockKey}); SET lock_timeout = 0; ${version}`)) as unknown as ReadonlyArray<pg.QueryResult<{ version: number | null }>>
        return { version: results.at(-1)?.rows[0]?.version ?? 0 }
      } catch (error) {
        if ((error as { code?: unknown }).code === '55P03') return { version: undefined }
        throw error
      }
    })

  const session = (leased: Leased): WriteSession => {
    const alive = (doing: string): void => {
      const lost = leased.lost()
      // The server released the lock with the session: another writer may be appending now.
      if (lost !== undefined) throw databaseError(config, `${doing}: the connection holding the write lock was lost`, lost)
    }
    return {
      read: (cursor, visitor) =>
        settled(() =>
          db('read the history', async () => {
            alive('read the history')
            return readEvents(leased.client, config, cursor, visitor)
          }),
        ),
      append: (cursor, envelopes) =>
        settled(async () => {
          if (envelopes.length === 0) return E.right(cursor)
          alive('append to the history')
          try {
            return E.right(await insertEvents(leased.client, config, cursor, envelopes))
          } catch (error) {
            if ((error as { code?: unknown }).code === SQLSTATE_BROKEN_CHAIN) {
              const reason = error instanceof Error ? error.message : String(error)
              return E.left(new StateError('CORRUPT_STATE', `${config.server} (schema ${config.schema}): the history changed while this process held the write lock (${reason}); nothing was appended`))
            }
            // One statement is one transaction, so never half-written; but when the connection is
            // lost, whether it committed is unknown to us. Any other failure committed nothing.
            const lost = classify(error) === 'DB_UNREACHABLE'
            throw databaseError(config, lost ? 'append to the history (the connection was lost: the append may or may not have been committed; read the history before retrying)' : 'append to the history (nothing was appended)', error)
          }
        }),
    }
  }

  const write = <A>(work: (session: WriteSession) => TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
    settled(async () => {
      const deadline = Date.now() + context.lockTimeoutMs
      await ensureSchema('write')
      const leased = await lease('connect for a write')
      let held = false
      // Until the lock step has ended cleanly, whether this session holds the lock is unknown.
      let reusable = false
      try {
        const { version } = await lock(leased.client, deadline)
        reusable = true
        if (version === undefined) return E.left(timedOut())
        held = true
        // A newer module could have migrated the schema since it was checked.
        if (version > SCHEMA_VERSION) return E.left(tooNew(config, version))
        if (version < SCHEMA_VERSION) {
          ready = undefined
          return E.left(new StateError('DB_ERROR', `${config.server} (schema ${config.schema}): the schema is at version ${version}, not ${SCHEMA_VERSION}: it was dropped or changed while in use; try again`))
        }
        return await work(session(leased))()
      } catch (error) {
        if (isStateError(error) && error.code === 'DB_UNREACHABLE') reusable = false
        throw error
      } finally {
        // Released even if the work threw (a bug). If the connection is gone, so is the lock.
        if (held && leased.lost() === undefined) {
          await leased.client.query('SELECT pg_advisory_unlock($1, $2)', [lockClass, lockKey]).catch(() => {
            reusable = false
          })
        }
        leased.release(!reusable)
      }
    })

  return {
    description: `PostgreSQL store ${config.server}, schema ${config.schema}`,
    origin: ORIGIN,
    read,
    write,
    leftovers: () => async () => E.right([]),
    close: async () => {
      closed = true
      const closing = pool
      pool = undefined
      ready = undefined
      await closing?.end()
    },
  }
}
