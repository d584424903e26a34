/** A store named by one string: a `postgres://` URL is the PostgreSQL store, anything else a state file's path. */
import type { StoreSpec } from '../event-store.js'
import { fileStoreSpec } from '../file-store-spec.js'
import { postgresStore } from './index.js'

/** The environment variable naming the store, for the CLI: a `postgres://` URL or a state file path. */
export const STATE_URL_VARIABLE = 'STAGECRAFT_STATE_URL'

/** Whether `location` names a PostgreSQL store. */
export const isPostgresLocation = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location.trim())

/** What else a location may be opened with. */
export interface LocationOptions {
  /** For a PostgreSQL store: also keep a local `releases.json` here. */
  readonly snapshotFile?: string | undefined
}

/** The store `location` names: `postgres://user@host/db?schema=name` or a state file's path. */
export const storeAt = (location: string, options: LocationOptions = {}): StoreSpec =>
  isPostgresLocation(location)
    ? postgresStore({ connectionString: location.trim(), snapshotFile: options.snapshotFile })
    : fileStoreSpec(location)
