/**
 * The store layer as the application layer sees it: the event-store interface, the stores a
 * caller may choose, and the few pure helpers about stored events the shell needs. The
 * application imports nothing else of src/store (a dependency rule checks it).
 */
export * from './event-store.js'
export { fileStoreSpec } from './file-store-spec.js'
export { type FoldOptions, foldRead, type Read, type Watch } from './fold.js'
export { foreignWarnings, noteForeign, refusedWrite } from './foreign-events.js'
export { unreadableLine, withoutPrev } from './log-line.js'
export { confirmPlan, type Plan, planMove } from './migration-plan.js'
export { on, type Side } from './migration-place.js'
export { countingWatch, type OnProgress, type Progress } from './progress.js'
export { replaceFileSync } from './replace-file.js'
