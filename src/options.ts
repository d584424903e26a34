/**
 * The options of a state manager, checked once at construction.
 */
import { hostname, userInfo } from 'node:os'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { invalidInput } from './domain/errors.js'
import { parseText } from './domain/input.js'
import { StateError } from './errors.js'
import type { EventStore } from './store/event-store.js'
import { fileStore } from './store/file-store.js'
import { chooseStateFile, storePaths } from './store/paths.js'

/** What a store is opened with. */
export interface StoreContext {
  readonly lockTimeoutMs: number
  readonly onWarning: (message: string) => void
  readonly now: () => Date
  readonly cwd: string
}

/** The snapshot file a manager keeps beside a store. */
export interface SnapshotFileSpec {
  readonly path: string
  /**
   * Guarded: the file is shared state (the file store's releases.json): an outside change is
   * `STATE_DRIFT`, and a file without a log is imported. Unguarded: a local copy of a remote
   * store's projection, simply rewritten after every write.
   */
  readonly guarded: boolean
}

/** A store chosen by the caller (the PostgreSQL store); the file store is the default. */
export interface StoreSpec {
  readonly open: (context: StoreContext) => E.Either<StateError, { readonly store: EventStore; readonly snapshot?: SnapshotFileSpec | undefined }>
}

/** How to build a state manager. Every field is optional. */
export interface StateManagerOptions {
  /** The store (default: the file store at `stateFile`). */
  readonly store?: StoreSpec | undefined
  /** The snapshot file. Else `STAGECRAFT_STATE_FILE` (read at each construction), else `.stagecraft/releases.json`. */
  readonly stateFile?: string | undefined
  /** The clock that stamps release ids and events (default: the system clock). */
  readonly now?: (() => Date) | undefined
  /** Who records the events (default: `STAGECRAFT_ACTOR`, else the operating-system user). */
  readonly actor?: string | undefined
  /** How long a write waits for another writer's lock before `LOCK_TIMEOUT` (default 10 000 ms). */
  readonly lockTimeoutMs?: number | undefined
  /** Told about recoveries that changed files (default: `process.emitWarning`). */
  readonly onWarning?: ((message: string) => void) | undefined
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string | undefined
  /** After how long without an event a release with a running phase counts as possibly abandoned (default 1 hour). */
  readonly abandonedAfterMs?: number | undefined
}

/** The checked options. */
export interface ResolvedOptions {
  readonly store: EventStore
  /** The snapshot file kept with the store, if any. */
  readonly snapshot: SnapshotFileSpec | undefined
  readonly now: () => Date
  readonly actor: string
  readonly host: string
  readonly lockTimeoutMs: number
  readonly abandonedAfterMs: number
  readonly warn: (message: string) => void
}

/** The default wait for the write lock. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000
/** The default age after which a release still running counts as possibly abandoned. */
export const DEFAULT_ABANDONED_AFTER_MS = 60 * 60 * 1000

const defaultActor = (): string => {
  const fromEnvironment = process.env['STAGECRAFT_ACTOR']?.trim()
  if (fromEnvironment) return fromEnvironment
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}

const clockOf = (options: StateManagerOptions): (() => Date) => options.now ?? (() => new Date())

const warnWith = (options: StateManagerOptions): ((message: string) => void) =>
  options.onWarning ?? ((message: string) => process.emitWarning(message, 'StagecraftStateWarning'))

const duration = (what: string, raw: number | undefined, fallback: number): E.Either<StateError, number> => {
  if (raw === undefined) return E.right(fallback)
  return Number.isFinite(raw) && raw >= 0 ? E.right(raw) : E.left(StateError.fromDomain(invalidInput(`${what} must be a number of milliseconds, 0 or more; got ${String(raw)}`)))
}

/** The default store: the file store at `stateFile`. */
export const fileStoreSpec = (stateFile: string | undefined): StoreSpec => ({
  open: (context) =>
    pipe(
      chooseStateFile(stateFile, process.env, context.cwd),
      E.mapLeft(StateError.fromDomain),
      E.map((path) => ({ store: fileStore(storePaths(path), context), snapshot: { path, guarded: true } })),
    ),
})

/** Checks the options and opens the store they name. */
export const resolveOptions = (options: StateManagerOptions = {}): E.Either<StateError, ResolvedOptions> =>
  pipe(
    E.Do,
    E.apS('actor', pipe(parseText('actor')(options.actor ?? defaultActor()), E.mapLeft(StateError.fromDomain))),
    E.apS('lockTimeoutMs', duration('lockTimeoutMs', options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS)),
    E.apS('abandonedAfterMs', duration('abandonedAfterMs', options.abandonedAfterMs, DEFAULT_ABANDONED_AFTER_MS)),
    E.bind('opened', ({ lockTimeoutMs }) =>
      (options.store ?? fileStoreSpec(options.stateFile)).open({ lockTimeoutMs, onWarning: warnWith(options), now: clockOf(options), cwd: options.cwd ?? process.cwd() }),
    ),
    E.map(({ actor, lockTimeoutMs, abandonedAfterMs, opened }) => ({
      store: opened.store,
      snapshot: opened.snapshot,
      now: clockOf(options),
      actor,
      host: hostname(),
      lockTimeoutMs,
      abandonedAfterMs,
      warn: warnWith(options),
    })),
  )
