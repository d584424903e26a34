/** The schema version, apart so that the table readers and the migrations can both depend on it. */
import { StateError } from '../../domain/state-error.js'
import type { Cursor } from '../event-store.js'
import { GENESIS_HASH } from '../log-line.js'
import type { PostgresConfig } from './config.js'

/** The position before the first event of a PostgreSQL store. */
export const POSTGRES_ORIGIN: Cursor = Object.freeze({ position: 0, hash: GENESIS_HASH })

/** The schema version this module writes and reads: the number of migrations (migrations.ts checks it). */
export const SCHEMA_VERSION = 6

/** `SCHEMA_TOO_NEW` for a schema a newer module has migrated. */
export const tooNew = (config: Pick<PostgresConfig, 'server' | 'schema'>, version: number): StateError =>
  new StateError(
    'SCHEMA_TOO_NEW',
    `${config.server} (schema ${config.schema}): the schema is at version ${version}, newer than the ` +
      `version ${SCHEMA_VERSION} this stagecraft-state knows; upgrade stagecraft-state (nothing was read or ` +
      'written)',
  )
