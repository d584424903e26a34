/**
 * `stagecraft-state/internals`: what lies beneath the public API (src/index.ts), for the CLI, the
 * tests and the benchmarks. The pure domain (codecs, decide, evolve, projection, queries) and the
 * store's and manager's inner types. Not covered by semantic versioning: any of it may change in
 * any release.
 */
export * from './domain/index.js'
export { promiseStateManager } from './app/manager.js'
export { streamHistory } from './app/history-stream.js'
export type { HistoryVisit } from './app/audit.js'
export type {
  Cursor,
  EventStore,
  Loaded,
  Prepared,
  ReadEnd,
  RecordProblem,
  StagedSession,
  StoreContext,
  StoredEvent,
  Visitor,
  WriteSession,
} from './store/event-store.js'
export { storePaths, type StorePaths } from './store/paths.js'
export { DEFAULT_SCHEMA, POSTGRES_SCHEMA_VERSION } from './store/postgres/index.js'
export { isPostgresLocation } from './store/postgres/location.js'
export { releaseDiff } from './app/diff.js'
export { DEFAULT_STATS_WINDOW_MS } from './app/stats.js'
export type { OnProgress, Progress } from './store/progress.js'
export { generateSealKeys, keyIdOf, type AutoSealOptions, type SealKeyInput } from './app/seal-keys.js'
export type { RecordedHead, SealReport, ValidSeal } from './app/verify-seals.js'
