/**
 * Writing to a PostgreSQL store: the write lock, and the session that appends under it. One round trip opens a
 * transaction, waits for the session-level advisory lock and reads the schema version; the catch-up read and the INSERT
 * run in that transaction, and COMMIT ends it while the lock is still held (a session lock outlives its transactions).
 * An append that fails before our COMMIT commits nothing; a lost connection takes the lock with it. Settings are `SET
 * LOCAL`, so a pooled connection goes back with its own.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type pg from 'pg'
import { settled, StateError } from '../../domain/state-error.js'
import type { Cursor } from '../event-store.js'
import type { Appending, RawSession } from '../raw-session.js'
import type { PostgresConfig } from './config.js'
import type { Connections, Leased } from './connections.js'
import { classify, databaseError, SQLSTATE_BROKEN_CHAIN } from './errors.js'
import { readEvents } from './events-table.js'
import { projectionChange, wholeProjection } from './projection-format.js'
import { requestTables } from './requests-table.js'
import {
  appendWithProjection,
  type ProjectionRead,
  projectionTables,
  readProjection,
  rebuildProjection,
} from './projection-table.js'
import { SCHEMA_VERSION, tooNew } from './version.js'

export interface WriterContext {
  readonly lockTimeoutMs: number
}

export interface SchemaCheck {
  /** Creates or migrates the schema if needed (once per store, unless forgotten). */
  readonly ensureForWrite: () => Promise<unknown>
  readonly forget: () => void
}

/** What the writer needs to know of the projection beyond where it stands. */
export interface ProjectionTrust {
  /** Whether this process found it unusable: the next append rebuilds it whole. */
  readonly mistrusted: () => boolean
  readonly rebuilt: () => void
}

/** The largest `lock_timeout` PostgreSQL and a Node timer take (about 24.8 days): longer waits are cut to it. */
export const MAX_WAIT_MS = 2_147_483_647

/**
 * A snapshot per statement: under REPEATABLE READ or SERIALIZABLE it would date from before the lock, and the catch-up
 * read would miss the last writer's append. Its commit waits for the disk whatever the server's default.
 */
const BEGIN = 'BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = on'

/** A raw session of this store: it also reads the projection, under the lock. */
export interface PostgresRawSession extends RawSession {
  /** The projection as it stands, read on the write's connection (in its transaction, when one is open). */
  readonly readProjection: () => TE.TaskEither<StateError, ProjectionRead>
}

/** A raw session whose appends take effect together, when it commits. */
export interface RawStagedSession extends PostgresRawSession {
  readonly commit: () => TE.TaskEither<StateError, void>
}

/** Whether the projection's tables are there, as the lock's round trip found them (`made` by this open transaction). */
type Tables = 'present' | 'missing' | 'made'

interface Held {
  readonly leased: Leased
  /** A transaction is open: what it appended is not committed yet. */
  open: boolean
  /** What made the connection's state unknown (a timeout, a drop): it is then closed, never unlocked through. */
  failure: unknown
  tables: Tables
  /** The open transaction rebuilt the projection: its later appends only change it. */
  rebuilt: boolean
}

/** The writes of the store `config` describes. */
export const writerOf = (
  config: PostgresConfig,
  context: WriterContext,
  connections: Connections,
  schema: SchemaCheck,
  trust: ProjectionTrust,
) => {
  const [lockClass, lockKey] = config.writeLock

  /** Runs `step` on the write's connection, unless it is known to be gone; a loss is remembered. */
  const onHeld = async <A>(held: Held, doing: string, step: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
    const gone = held.leased.lost() ?? held.failure
    // The server released the lock with the session: another writer may be appending now.
    if (gone !== undefined)
      throw databaseError(config, `${doing}: the connection holding the write lock was lost`, gone)
    try {
      return await step(held.leased.client)
    } catch (error) {
      if (classify(error) === 'DB_UNREACHABLE') held.failure ??= error
      throw databaseError(config, doing, error)
    }
  }

  const rollback = (held: Held): Promise<void> =>
    onHeld(held, 'end the failed transaction', async (client) => {
      await client.query('ROLLBACK')
      ended(held, false)
    })

  /** The open transaction ended, `committed` or not: what it made or rebuilt stays, or is gone. */
  const ended = (held: Held, committed: boolean): void => {
    held.open = false
    if (held.tables === 'made') held.tables = committed ? 'present' : 'missing'
    if (held.rebuilt && committed) trust.rebuilt()
    held.rebuilt = false
  }

  const timedOut = (): StateError =>
    new StateError(
      'LOCK_TIMEOUT',
      `${config.server} (schema ${config.schema}): another writer held the write lock for more than ` +
        `${context.lockTimeoutMs} ms (advisory lock ${lockClass >>> 0}/${lockKey >>> 0}, classid/objid in ` +
        'pg_locks, shows who)',
    )

  /**
   * Takes the write lock, waiting until `deadline` at most, and reads the schema version under it, in one round trip
   * that leaves a transaction open; undefined when not taken. After any failure but the lock's own timeout, whether the
   * session holds the lock is unknown, and the caller closes the connection.
   */
  const lock = (held: Held, deadline: number): Promise<number | undefined> =>
    onHeld(held, 'take the write lock', async (client) => {
      const waitMs = Math.min(Math.floor(deadline - Date.now()), MAX_WAIT_MS)
      // The projection's tables ride along: a write that finds one dropped makes them again first.
      const present = [config.releases, config.environments, config.projection, config.requests]
        .map((table) => `to_regclass('${table}') IS NOT NULL`)
        .join(' AND ')
      const version = `SELECT max(version) AS version, ${present} AS tables FROM ${config.migrations}`
      type Row = { locked?: boolean; version: number | null; tables: boolean }
      const last = (results: unknown): Row | undefined => {
        const row = (results as ReadonlyArray<pg.QueryResult<Row>>).at(-1)?.rows[0]
        held.tables = row?.tables === false ? 'missing' : 'present'
        return row
      }
      if (waitMs < 1) {
        const row = last(
          await client.query(
            `${BEGIN}; SELECT pg_try_advisory_lock(${lockClass}, ${lockKey}) AS locked, v.* FROM (${version}) AS v`,
          ),
        )
        held.open = true
        if (row?.locked === true) return row.version ?? 0
        await client.query('ROLLBACK')
        held.open = false
        return undefined
      }
      try {
        // The wait is the server's (lock_timeout); the client's own bound only catches a stall.
        const text =
          `${BEGIN}; SET LOCAL lock_timeout = ${waitMs}; SELECT pg_advisory_lock(${lockClass}, ${lockKey}); ` +
          `SET LOCAL lock_timeout TO DEFAULT; ${version}`
        // pg reads a query's own `query_timeout`; @types/pg does not declare it.
        const query: pg.QueryConfig & { readonly query_timeout: number } = {
          text,
          query_timeout: Math.min(waitMs + config.queryTimeoutMs, MAX_WAIT_MS),
        }
        const row = last(await client.query(query))
        held.open = true
        return row?.version ?? 0
      } catch (error) {
        if ((error as { code?: unknown }).code !== '55P03') throw error
        // The wait ended the transaction: only it needs ending, no lock was taken.
        await client.query('ROLLBACK')
        return undefined
      }
    })

  /**
   * Appends the events after `appending.from` in the open transaction, changing the projection in the same statement
   * (all of it again when it was not where the events were). `what` names what a failure leaves uncommitted.
   */
  const insert = (
    held: Held,
    { from, envelopes, after }: Appending,
    what: string,
  ): Promise<E.Either<StateError, Cursor>> =>
    onHeld(held, 'append to the history', async (client) => {
      if (!held.open) {
        await client.query(BEGIN)
        held.open = true
      }
      try {
        if (held.tables === 'missing') {
          // Dropped by hand: made again (which needs the right to create tables in the schema), then rebuilt.
          const making =
            `make the projection's tables again, one of which was dropped (nothing of ${what} was ` +
            'committed; a role that may create tables in the schema, its owner, can)'
          for (const statement of [...projectionTables(config, true), ...requestTables(config, true)]) {
            await client
              .query(statement)
              .catch((error: unknown) => Promise.reject(databaseError(config, making, error)))
          }
          held.tables = 'made'
        }
        const { end, moved } = await appendWithProjection(client, config, from.cursor, envelopes, (to) =>
          projectionChange(from.state, { ...after, cursor: to }),
        )
        if (!moved || (trust.mistrusted() && !held.rebuilt)) {
          await rebuildProjection(client, config, wholeProjection({ ...after, cursor: end }))
          held.rebuilt = true
        }
        return E.right(end)
      } catch (error) {
        // The transaction ends only with our COMMIT: whatever failed, nothing of it was committed.
        if (classify(error) === 'DB_UNREACHABLE')
          throw databaseError(config, `append to the history (nothing of ${what} was committed)`, error)
        await rollback(held)
        if ((error as { code?: unknown }).code !== SQLSTATE_BROKEN_CHAIN)
          throw databaseError(config, `append to the history (nothing of ${what} was committed)`, error)
        const reason = error instanceof Error ? error.message : String(error)
        return E.left(
          new StateError(
            'CORRUPT_STATE',
            `${config.server} (schema ${config.schema}): the history changed while this process held the ` +
              `write lock (${reason}); nothing was appended`,
          ),
        )
      }
    })

  /** Commits the open transaction: its appends are durable when this returns. */
  const commit = (held: Held, what: string): Promise<void> =>
    onHeld(held, 'append to the history', async (client) => {
      try {
        await client.query('COMMIT')
        ended(held, true)
      } catch (error) {
        // Only a COMMIT whose answer was lost leaves the outcome unknown: whole, or not at all.
        if (classify(error) === 'DB_UNREACHABLE') {
          throw databaseError(
            config,
            `append to the history (the connection was lost while committing: ${what} may or may not have ` +
              'been committed; read the history before retrying)',
            error,
          )
        }
        ended(held, false) // a COMMIT that fails rolls back
        throw databaseError(config, `append to the history (nothing of ${what} was committed)`, error)
      }
    })

  const readOn =
    (held: Held): RawSession['read'] =>
    (cursor, visitor) =>
      settled(() => onHeld(held, 'read the history', (client) => readEvents(client, config, cursor, visitor)))

  // In the write's transaction when one is open (a savepoint keeps a missing table from aborting it).
  const projectionOn =
    (held: Held): PostgresRawSession['readProjection'] =>
    () =>
      settled(() =>
        onHeld(held, 'read the projection', async (client) => E.right(await readProjection(client, config, held.open))),
      )

  const session = (held: Held): PostgresRawSession => ({
    read: readOn(held),
    readProjection: projectionOn(held),
    append: (appending) =>
      settled(async () => {
        if (appending.envelopes.length === 0) return E.right(appending.from.cursor)
        const appended = await insert(held, appending, 'the append')
        if (E.isRight(appended)) await commit(held, 'the append')
        return appended
      }),
  })

  /** Every append in one transaction, committed by `commit`; the lock's own round trip rolls back one left open. */
  const stagedSession = (held: Held): RawStagedSession => ({
    read: readOn(held),
    readProjection: projectionOn(held),
    append: (appending) =>
      settled(async () =>
        appending.envelopes.length === 0 ? E.right(appending.from.cursor) : insert(held, appending, 'this write'),
      ),
    commit: () => settled(async () => E.right(held.open ? await commit(held, 'this write') : undefined)),
  })

  /** Runs `work` holding the write lock; gives the lock and the connection back whatever happens. */
  const locked = <A>(work: (held: Held) => Promise<E.Either<StateError, A>>): TE.TaskEither<StateError, A> =>
    settled(async () => {
      const deadline = Date.now() + context.lockTimeoutMs
      await schema.ensureForWrite()
      const held: Held = {
        leased: await connections.lease('connect for a write'),
        open: false,
        failure: undefined,
        tables: 'present',
        rebuilt: false,
      }
      let locked = false
      // Until the lock step has ended cleanly, whether this session holds the lock is unknown.
      let reusable = false
      try {
        const version = await lock(held, deadline)
        reusable = true
        if (version === undefined) return E.left(timedOut())
        locked = true
        // A newer module could have migrated the schema since it was checked.
        if (version > SCHEMA_VERSION) return E.left(tooNew(config, version))
        if (version < SCHEMA_VERSION) {
          schema.forget()
          return E.left(
            new StateError(
              'DB_ERROR',
              `${config.server} (schema ${config.schema}): the schema is at version ${version}, not ` +
                `${SCHEMA_VERSION}: it was dropped or changed while in use; try again`,
            ),
          )
        }
        return await work(held)
      } finally {
        // Released even if the work threw; a connection in doubt is closed instead, and the server ends both.
        if (held.failure !== undefined || held.leased.lost() !== undefined) reusable = false
        else if (locked) {
          await held.leased.client
            .query(`${held.open ? 'ROLLBACK; ' : ''}SELECT pg_advisory_unlock(${lockClass}, ${lockKey})`)
            .catch(() => {
              reusable = false
            })
        }
        held.leased.release(!reusable)
      }
    })

  return {
    write: <A>(work: (session: PostgresRawSession) => TE.TaskEither<StateError, A>) =>
      locked((held) => work(session(held))()),
    writeStaged: <A>(work: (session: RawStagedSession) => TE.TaskEither<StateError, A>) =>
      locked((held) => work(stagedSession(held))()),
  }
}
