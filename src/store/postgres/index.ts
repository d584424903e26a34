/** Choosing the PostgreSQL store; its code loads on first use, so a file-store command never loads it. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../../domain/state-error.js'
import type { EventStore, StoreContext, StoreSpec } from '../event-store.js'
import { localCopy } from '../snapshot-file.js'
import { type PostgresConfig, type PostgresStoreOptions, resolvePostgresConfig, storeDescription } from './config.js'
import { POSTGRES_ORIGIN, SCHEMA_VERSION } from './version.js'

export { DEFAULT_SCHEMA, type PostgresStoreOptions } from './config.js'

/** The schema version this module reads and writes, re-declared so that public types never lead to `@types/pg`. */
export const POSTGRES_SCHEMA_VERSION: number = SCHEMA_VERSION

const loadedWhenUsed = (config: PostgresConfig, context: StoreContext): EventStore => {
  let loading: Promise<EventStore> | undefined
  const store = (): Promise<EventStore> =>
    (loading ??= import('./store.js').then((module) => module.postgresEventStore(config, context)))
  const later =
    <A>(use: (opened: EventStore) => TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
    async () =>
      use(await store())()
  return {
    description: storeDescription(config),
    origin: POSTGRES_ORIGIN,
    ...(config.snapshotFile === undefined ? {} : { snapshotFile: localCopy(config.snapshotFile) }),
    read: (cursor, visitor) => later((opened) => opened.read(cursor, visitor)),
    load: (from) => later((opened) => opened.load(from)),
    write: (work) => later((opened) => opened.write(work)),
    writeStaged: (work) => later((opened) => opened.writeStaged(work)),
    identity: () => later((opened) => opened.identity()),
    leftovers: () => later((opened) => opened.leftovers()),
    absence: () => later((opened) => (opened.absence as NonNullable<EventStore['absence']>)()),
    besides: {
      checkpoint: () => later((opened) => (opened.besides as NonNullable<EventStore['besides']>).checkpoint()),
    },
    close: async () => {
      if (loading !== undefined) await (await loading).close()
    },
  }
}

/**
 * The PostgreSQL store: one history shared by every process that connects to the same schema. With `snapshotFile`, a
 * local `releases.json` copy is rewritten after each write (outside edits of it are overwritten).
 */
export const postgresStore = (options: PostgresStoreOptions): StoreSpec => ({
  open: (context) =>
    pipe(
      resolvePostgresConfig(options, context.cwd),
      E.map((config) => loadedWhenUsed(config, context)),
    ),
})
