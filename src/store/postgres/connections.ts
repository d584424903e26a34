/**
 * The connections of one PostgreSQL store: a small pool, opened on first use, lending clients watched for their
 * connection dropping. Every query has a client-side bound, so a stalled server or network fails with `DB_UNREACHABLE`
 * instead of hanging, and the connection is then destroyed.
 */
import type pg from 'pg'
import { StateError } from '../../domain/state-error.js'
import type { PostgresConfig } from './config.js'
import { databaseError } from './errors.js'

/** A client taken from the pool, watched for its connection dropping while no query runs. */
export interface Leased {
  readonly client: pg.PoolClient
  /** The error that broke the connection between queries, if one did. */
  readonly lost: () => unknown
  /** Gives the client back to the pool, or closes it when its state is in doubt. */
  readonly release: (destroy: boolean) => void
}

/** What a store does with its connections. */
export interface Connections {
  /** Runs a step that talks to the server; whatever it throws becomes a `StateError` naming `doing`. */
  readonly db: <A>(doing: string, step: () => Promise<A>) => Promise<A>
  readonly lease: (doing: string) => Promise<Leased>
  /** Runs `step` on a lent client, returned to the pool afterwards (destroyed if the step failed). */
  readonly withClient: <A>(doing: string, step: (client: pg.PoolClient) => Promise<A>) => Promise<A>
  readonly close: () => Promise<void>
}

// Loaded with the first PostgreSQL store used: file-store users (and every CLI start) do not pay for it.
let driver: Promise<typeof pg> | undefined
const loadDriver = (): Promise<typeof pg> => (driver ??= import('pg').then((module) => module.default))

/** Idle time before the system probes a connection: a vanished peer is noticed in a minute, not two hours. */
const KEEPALIVE_IDLE_MS = 10_000

/** The pool and clients of the store `config` describes. Nothing connects until the first lease. */
export const connectionsOf = (config: PostgresConfig): Connections => {
  let pool: pg.Pool | undefined
  // After close(), a new pool would be a connection nobody closes again: refuse instead.
  let closed = false

  const db = async <A>(doing: string, step: () => Promise<A>): Promise<A> => {
    try {
      return await step()
    } catch (error) {
      throw databaseError(config, doing, error)
    }
  }

  const poolOf = async (): Promise<pg.Pool> => {
    if (closed)
      throw new StateError(
        'INVALID_INPUT',
        `${config.server} (schema ${config.schema}): this store was closed; open a new one (a new ` +
          'manager) to use it again',
      )
    if (pool === undefined) {
      const { Pool } = await loadDriver()
      if (closed) return poolOf() // closed while the driver loaded
      if (pool !== undefined) return pool // another caller made it meanwhile
      pool = new Pool({
        connectionString: config.connectionString,
        max: config.maxConnections,
        connectionTimeoutMillis: config.connectTimeoutMs,
        // The bound on every query, unless the query sets its own (the lock wait does).
        query_timeout: config.queryTimeoutMs,
        idleTimeoutMillis: 10_000,
        // A process that is done does not wait for idle connections to time out.
        allowExitOnIdle: true,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
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

  const withClient = async <A>(doing: string, step: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
    const leased = await lease(doing)
    let failed = false
    try {
      return await db(doing, () => step(leased.client))
    } catch (error) {
      // Whatever failed (a timed-out query may yet be answered), the connection is in doubt: it serves no one else.
      failed = true
      throw error
    } finally {
      leased.release(failed)
    }
  }

  return {
    db,
    lease,
    withClient,
    close: async () => {
      closed = true
      const closing = pool
      pool = undefined
      await closing?.end()
    },
  }
}
