/**
 * stagecraft-state: release history for Stagecraft, event-sourced.
 *
 * `createStateManager` is the Promise API; `createFpStateManager` (or `manager.fp`) the same
 * operations as fp-ts `TaskEither`s. docs/api.md lists every export. What lies beneath (the pure
 * domain, the stores' inner types) is `stagecraft-state/internals`, outside semantic versioning.
 */

// The managers.
export { createStateManager, type StateManager } from './app/manager.js'
export { createFpStateManager } from './app/fp-manager.js'
export {
  type CreateReleaseOptions,
  type FpStateManager,
  type Recorded,
  type UpdatePhaseOptions,
  type WriteOptions,
} from './app/api.js'
export { DEFAULT_ABANDONED_AFTER_MS, type StateManagerOptions } from './app/options.js'
export type { HistoryEvent, HistoryFilter } from './app/audit.js'
export { eventToJson, type HistoryEventJson, releaseToJson, type ReleaseJson } from './app/json-shapes.js'
export type { ChainHead, VerifyProblem, VerifyReport } from './app/verify.js'
export type { ReportOptions, ReportResult } from './app/report.js'
export type { Sealed } from './app/seal.js'
export type { VerifyOptions } from './app/seal-options.js'
export type { RollbackTarget } from './domain/rollback.js'
export type { StatsFilter } from './app/stats.js'
export type { DeployStats, DurationSummary, EnvironmentStats, PhaseStats, StatsFigures } from './domain/deploy-stats.js'

// The stores.
export { DEFAULT_LOCK_TIMEOUT_MS, type ReconcileOutcome, type StoreSpec } from './store/event-store.js'
export { fileStoreSpec } from './store/file-store-spec.js'
export { memoryStore, type MemoryStoreOptions, type MemoryStoreSpec } from './store/memory-store.js'
export { postgresStore, type PostgresStoreOptions } from './store/postgres/index.js'
export { STATE_URL_VARIABLE, storeAt, type LocationOptions } from './store/postgres/location.js'
export { DEFAULT_STATE_FILE, STATE_FILE_VARIABLE } from './store/paths.js'
export { fpMigrateHistory, migrateHistory, type MigrateOptions, type MigrationReport } from './app/migrate.js'

// Errors.
export { ERROR_CODES, isStateError, StateError, type StateErrorCode } from './domain/state-error.js'

// What the operations return.
export type { Release } from './domain/release.js'
export type { ReleaseId } from './domain/release-id.js'
export { PHASES, type PhaseStatus, type ReleasePhase } from './domain/phase.js'
export type { State } from './domain/state.js'
