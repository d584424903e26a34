/**
 * Choosing the PostgreSQL store: `createStateManager({ store: postgresStore({ connectionString }) })`.
 */
import { promises as fs } from 'node:fs'
import { dirname } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { StoreSpec } from '../../options.js'
import { attempt } from '../attempt.js'
import type { EventStore } from '../event-store.js'
import { type PostgresStoreOptions, resolvePostgresConfig } from './config.js'
import { SCHEMA_VERSION } from './migrations.js'
import { postgresEventStore } from './store.js'

export { DEFAULT_SCHEMA, type PostgresStoreOptions } from './config.js'

/**
 * The schema version this module reads and writes. Re-declared (not re-exported) so that the
 * public declarations never lead to a `pg` type: users need no `@types/pg`.
 */
export const POSTGRES_SCHEMA_VERSION: number = SCHEMA_VERSION

/**
 * The local `releases.json` is written by the manager after each append; its directory must
 * exist by then. Made before the lock is taken, so only when the caller asked for the file.
 */
const withSnapshotDirectory = (store: EventStore, snapshotFile: string): EventStore => ({
  ...store,
  write: (work) =>
    pipe(
      attempt('create the directory of the snapshot', dirname(snapshotFile), async () => E.right(await fs.mkdir(dirname(snapshotFile), { recursive: true }))),
      TE.chain(() => store.write(work)),
    ),
})

/**
 * The PostgreSQL store: one history shared by every process and machine that connects to the same
 * database and schema. With `snapshotFile`, the manager also keeps the projection there, as a
 * local copy for tools that read `releases.json` (rewritten after each write of this process;
 * the database stays the source of truth, and outside edits of the copy are simply overwritten).
 */
export const postgresStore = (options: PostgresStoreOptions): StoreSpec => ({
  open: (context) =>
    pipe(
      resolvePostgresConfig(options, context.cwd),
      E.map((config) => {
        const store = postgresEventStore(config, context)
        return config.snapshotFile === undefined
          ? { store }
          : { store: withSnapshotDirectory(store, config.snapshotFile), snapshot: { path: config.snapshotFile, guarded: false } }
      }),
    ),
})
