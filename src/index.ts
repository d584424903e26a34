/**
 * stagecraft-state: release history for Stagecraft, event-sourced.
 *
 * `createStateManager` is the Promise API; `createFpStateManager` (or `manager.fp`) the same
 * operations as fp-ts `TaskEither`s. The pure domain (codecs, decide, evolve, projection,
 * queries) is exported for callers who fold or project events themselves.
 */
export { createStateManager, promiseStateManager, type StateManager } from './app/manager.js'
export {
  type CreateReleaseOptions,
  type FpStateManager,
  type Recorded,
  type UpdatePhaseOptions,
  type WriteOptions,
} from './app/api.js'
export { createFpStateManager } from './app/fp-manager.js'
export { DEFAULT_ABANDONED_AFTER_MS, type StateManagerOptions } from './app/options.js'
export { DEFAULT_LOCK_TIMEOUT_MS, type StoreContext, type StoreSpec } from './store/event-store.js'
export { fileStoreSpec } from './store/file-store-spec.js'
export { memoryStore, type MemoryStoreOptions, type MemoryStoreSpec } from './store/memory-store.js'
export { ERROR_CODES, isStateError, StateError, type StateErrorCode } from './domain/state-error.js'
export type { HistoryEvent, HistoryFilter } from './app/audit.js'
export type { ChainHead, VerifyProblem, VerifyReport } from './app/verify.js'
export type {
  Cursor,
  EventStore,
  Loaded,
  Prepared,
  ReadEnd,
  ReconcileOutcome,
  RecordProblem,
  StagedSession,
  StoredEvent,
  Visitor,
  WriteSession,
} from './store/event-store.js'
export { DEFAULT_STATE_FILE, STATE_FILE_VARIABLE, storePaths, type StorePaths } from './store/paths.js'
export {
  DEFAULT_SCHEMA,
  POSTGRES_SCHEMA_VERSION,
  postgresStore,
  type PostgresStoreOptions,
} from './store/postgres/index.js'
export { isPostgresLocation, STATE_URL_VARIABLE, storeAt, type LocationOptions } from './store/postgres/location.js'
export { fpMigrateHistory, migrateHistory, type MigrateOptions, type MigrationReport } from './app/migrate.js'
export * from './domain/index.js'
