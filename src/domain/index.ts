/**
 * The pure domain of stagecraft-state: codecs, commands, events, decide, evolve, projection and
 * queries. Nothing here touches the file system, the clock or randomness.
 */
export * from './commands.js'
export * from './decide.js'
export * from './decode-errors.js'
export * from './errors.js'
export * from './events.js'
export * from './evolve.js'
export * from './input.js'
export * from './phase.js'
export * from './projection.js'
export * from './queries.js'
export * from './release.js'
export * from './release-id.js'
export * from './release-record.js'
export * from './release-status.js'
export * from './requests.js'
export * from './rollback.js'
export * from './snapshot.js'
export * from './state.js'
export * from './timestamp.js'
export * from './utf8.js'
