/**
 * The PostgreSQL store: the same append-only, hash-chained stream of events as the file store, in
 * one table shared by every process and machine that connects to it.
 *
 * Writes are serialised by a session-level advisory lock, held on one connection for the whole of
 * `write`; each append is a transaction on that connection, committed, durable, before it returns,
 * while the lock is still held (writer.ts). If the connection drops, the server rolls back what was
 * not committed and releases the lock with the session: nothing half-written, and the next writer
 * proceeds. Reads never take the lock: a reader sees whole appends only, each being one transaction.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../../errors.js'
import type { Cursor, EventStore, ReadEnd, Visitor } from '../event-store.js'
import { GENESIS_HASH } from '../log-line.js'
import type { PostgresConfig } from './config.js'
import { connectionsOf } from './connections.js'
import { readEvents } from './events-table.js'
import { migrate, recordedVersion, SCHEMA_VERSION, tooNew } from './migrations.js'
import { settled, type WriterContext, writerOf } from './writer.js'

/** What the store needs from the manager's context. */
export type PostgresStoreContext = WriterContext

const ORIGIN: Cursor = Object.freeze({ position: 0, hash: GENESIS_HASH })

type Readiness = 'ready' | 'absent'

/** The PostgreSQL store described by `config`. Nothing connects until the first read or write. */
export const postgresEventStore = (config: PostgresConfig, context: PostgresStoreContext): EventStore => {
  const connections = connectionsOf(config)
  const { db, withClient } = connections
  let ready: Promise<Readiness> | undefined

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

  /**
   * The cluster (its system identifier, the same whatever host name or address reaches it), the
   * database and the schema. A role not allowed to read the control data falls back on when the
   * server started, on which port: two servers sharing those to the microsecond are not expected.
   */
  const identity = (): TE.TaskEither<StateError, string> =>
    settled(() =>
      withClient('identify the server', async (client) => {
        const where = `current_database() AS database, current_setting('port') AS port`
        type Row = { system: string; database: string; port: string }
        const row = await client.query<Row>(`SELECT (SELECT system_identifier FROM pg_control_system())::text AS system, ${where}`).then(
          (result) => result.rows[0],
          async (error: unknown) => {
            if ((error as { code?: unknown }).code !== '42501') throw error
            return (await client.query<Row>(`SELECT 'started ' || pg_postmaster_start_time()::text AS system, ${where}`)).rows[0]
          },
        )
        return E.right(`postgres ${row?.system ?? '?'}:${row?.port ?? '?'}/${row?.database ?? '?'} schema ${config.schema}`)
      }),
    )

  const writer = writerOf(config, context, connections, {
    ensureForWrite: () => ensureSchema('write'),
    forget: () => {
      ready = undefined
    },
  })

  return {
    description: `PostgreSQL store ${config.server}, schema ${config.schema}`,
    origin: ORIGIN,
    read,
    write: writer.write,
    writeStaged: writer.writeStaged,
    identity,
    leftovers: () => async () => E.right([]),
    close: async () => {
      ready = undefined
      await connections.close()
    },
  }
}
