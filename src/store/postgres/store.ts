/**
 * The PostgreSQL store: the same hash-chained stream of events as the file store, in one table shared by every process
 * that connects. Writes are serialised by a session-level advisory lock held for the whole of `write`, each append a
 * transaction committed before it returns (writer.ts); a dropped connection rolls back what was not committed and
 * releases the lock. Reads take no lock and see whole appends only. Beside the events, the projection
 * (projection-table.ts) spares an opening process the replay of the whole history.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { ioError, isStateError, settled, StateError } from '../../domain/state-error.js'
import type { Cursor, EventStore, Loaded, ReadEnd, StoreContext, Visitor } from '../event-store.js'
import { localCopy } from '../snapshot-file.js'
import { writeSessionOver } from '../raw-session.js'
import { heldBytes, type HeldSnapshot, projectFrom } from '../snapshot-splice.js'
import { replaceFileSync } from '../replace-file.js'
import { type PostgresConfig, storeDescription } from './config.js'
import { connectionsOf } from './connections.js'
import { readEvents } from './events-table.js'
import { schemaAbsence } from './absence.js'
import { migrate, recordedVersion, SCHEMA_VERSION, tooNew } from './migrations.js'
import { type Found, projectionBesides, projectionOpener } from './projection-open.js'
import { readProjection } from './projection-table.js'
import { POSTGRES_ORIGIN } from './version.js'
import { type PostgresRawSession, type WriterContext, writerOf } from './writer.js'

/** What the store needs from the manager's context. */
export type PostgresStoreContext = WriterContext & Partial<Pick<StoreContext, 'onWarning' | 'onProgress'>>

const ORIGIN: Cursor = POSTGRES_ORIGIN

/** Whether the schema is at this module's version, not there at all, or older and this role may not migrate it. */
type Readiness = 'ready' | 'absent' | 'behind'

/** The PostgreSQL store described by `config`. Nothing connects until the first read or write. */
export const postgresEventStore = (config: PostgresConfig, context: PostgresStoreContext): EventStore => {
  const connections = connectionsOf(config)
  const { db, withClient } = connections
  let ready: Promise<Readiness> | undefined
  // The older version a reader found and could not migrate: not tried again on every read.
  let behind: number | undefined

  /**
   * Whether the schema is at this module's version: readers create nothing, writers create or migrate it. Only `ready`
   * is remembered, so a schema created later by another process is found.
   */
  const ensureSchema = async (mode: 'read' | 'write'): Promise<Readiness> => {
    for (;;) {
      ready ??= withClient('check the schema version', async (client) => {
        const version = await recordedVersion(client, config)
        if (version > SCHEMA_VERSION) throw tooNew(config, version)
        if (version === SCHEMA_VERSION) return 'ready' as const
        if (mode === 'read' && version === 0) return 'absent' as const
        if (mode === 'read' && version === behind) return 'behind' as const
        try {
          await db(
            version === 0
              ? 'create the schema and its tables'
              : `migrate the schema from version ${version} to ${SCHEMA_VERSION}`,
            () => migrate(client, config),
          )
        } catch (error) {
          // A role that may read but not migrate (a dashboard's) still reads the events of the older schema.
          if (mode === 'write' || !isStateError(error, 'DB_PERMISSION_DENIED')) throw error
          behind = version
          return 'behind' as const
        }
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
          : E.left(
              new StateError(
                'CORRUPT_STATE',
                `${config.server} (schema ${config.schema}): the history is gone, though ` +
                  `${cursor.position} events were read from it`,
              ),
            )
      }
      return withClient('read the history', (client) => readEvents(client, config, cursor, visitor))
    })

  /** The cluster (its system identifier, else start time and port), the database and the schema. */
  const identity = (): TE.TaskEither<StateError, string> =>
    settled(() =>
      withClient('identify the server', async (client) => {
        const where = `current_database() AS database, current_setting('port') AS port`
        type Row = { system: string; database: string; port: string }
        const row = await client
          .query<Row>(`SELECT (SELECT system_identifier FROM pg_control_system())::text AS system, ${where}`)
          .then(
            (result) => result.rows[0],
            async (error: unknown) => {
              if ((error as { code?: unknown }).code !== '42501') throw error
              return (
                await client.query<Row>(`SELECT 'started ' || pg_postmaster_start_time()::text AS system, ${where}`)
              ).rows[0]
            },
          )
        return E.right(
          `postgres ${row?.system ?? '?'}:${row?.port ?? '?'}/${row?.database ?? '?'} schema ${config.schema}`,
        )
      }),
    )

  const warn = context.onWarning ?? ((message: string) => process.emitWarning(message, 'StagecraftStateWarning'))

  // The local copy of the projection, when asked for: rewritten after each write; the database stays the truth.
  let copy: HeldSnapshot | undefined
  const writeCopy = (after: Loaded): void => {
    const path = config.snapshotFile
    if (path === undefined) return
    try {
      const next = projectFrom(copy, after.state).held
      copy = undefined
      mkdirSync(dirname(path), { recursive: true })
      replaceFileSync(path, heldBytes(next))
      copy = next
    } catch (error) {
      warn(
        `${ioError('write the local copy of the history', path, error).message}; the events are recorded, ` +
          'and the next write tries again',
      )
    }
  }
  const description = storeDescription(config)

  const findProjection = (): TE.TaskEither<StateError, Found> =>
    settled(async (): Promise<E.Either<StateError, Found>> => {
      switch (await ensureSchema('read')) {
        case 'absent':
          return E.right({ kind: 'none' } as const)
        case 'behind':
          return E.right({
            kind: 'unusable',
            why:
              `is not there yet: the schema is at version ${behind ?? '?'}, and the next write of a role ` +
              `that may migrate it (its owner's) brings it to version ${SCHEMA_VERSION}, with the projection`,
          } as const)
        case 'ready':
          return E.right(await withClient('read the projection', (client) => readProjection(client, config, false)))
      }
    })

  const opener = projectionOpener(config, ORIGIN, warn, context.onProgress)

  /** A writer's session: a cold load reads the projection on the write's connection, under the lock. */
  const sessionOf = (raw: PostgresRawSession): PostgresRawSession => ({
    ...raw,
    load: opener.loadWith(raw.read, raw.readProjection),
  })

  const schemaCheck = {
    ensureForWrite: () => ensureSchema('write'),
    forget: () => {
      ready = undefined
    },
  }
  const writer = writerOf(config, context, connections, schemaCheck, opener.trust)

  return {
    description,
    origin: ORIGIN,
    ...(config.snapshotFile === undefined ? {} : { snapshotFile: localCopy(config.snapshotFile) }),
    read,
    load: opener.loadWith(read, findProjection),
    write: (work) => writer.write((raw) => work(writeSessionOver(sessionOf(raw), description, writeCopy))),
    writeStaged: (work) =>
      writer.writeStaged((raw) => {
        // A rerun with nothing left to copy still writes the local copy a killed migration did not.
        let last: Loaded | undefined
        const session = writeSessionOver(sessionOf(raw), description)
        return work({
          ...session,
          load: (from) =>
            pipe(
              session.load(from),
              TE.map((loaded) => (last = loaded)),
            ),
          append: (prepared, envelopes) =>
            pipe(
              session.append(prepared, envelopes),
              TE.map((after) => (last = after)),
            ),
          commit: () =>
            pipe(
              raw.commit(),
              TE.map(() => (last === undefined || last.cursor.position === 0 ? undefined : writeCopy(last))),
            ),
        })
      }),
    identity,
    besides: projectionBesides(config, findProjection),
    absence: () =>
      settled(async () =>
        E.right(
          (await ensureSchema('read')) === 'absent'
            ? await withClient('look for the schema', (client) => schemaAbsence(client, config))
            : undefined,
        ),
      ),
    leftovers: () => async () => E.right([]),
    close: async () => {
      ready = undefined
      await connections.close()
    },
  }
}
