/**
 * The options of a state manager, checked once at construction.
 */
import { hostname, userInfo } from 'node:os'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { type DomainError, invalidInput } from '../domain/errors.js'
import { parseText } from '../domain/input.js'
import { MAX_ID_EPOCH_MS, MIN_ID_EPOCH_MS } from '../domain/release-id.js'
import { kindOf, showValue } from '../domain/show.js'
import { StateError } from '../domain/state-error.js'
import type { OnProgress } from '../store/index.js'
import type { AutoSealOptions } from './seal-keys.js'
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  type EventStore,
  fileStoreSpec,
  type StoreContext,
  type StoreSpec,
} from '../store/index.js'

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
  /**
   * Refuse as `STATE_DRIFT` every change another tool made to `releases.json` (default: adopt the changes the Go
   * Stagecraft makes: releases appended, phases moved on; see docs/go-compatibility.md).
   */
  readonly refuseOutsideWrites?: boolean | undefined
  /**
   * What a read of a store that was never written (no state file and no event log; a PostgreSQL schema that does not
   * exist) gives: `'empty'` (the default), an empty history, as for a new project; `'error'`, `STORE_NOT_FOUND` naming
   * it and the nearest store that exists, for a store named on purpose, where nothing there is more likely a typo.
   * Writes create the store either way.
   */
  readonly missingStore?: 'empty' | 'error' | undefined
  /** Told how far a long task (`verify`) has got, for a progress indicator. */
  readonly onProgress?: OnProgress | undefined
  /**
   * Seal the head with this Ed25519 private key right after each write that brings a release to a final overall
   * status (completed, failed, recovered); a seal that fails only warns (docs/audit.md). The key is read when used.
   */
  readonly seal?: AutoSealOptions | undefined
}

/** The checked options. */
export interface ResolvedOptions {
  readonly store: EventStore
  readonly now: () => Date
  readonly actor: string
  readonly host: string
  readonly lockTimeoutMs: number
  readonly abandonedAfterMs: number
  readonly warn: (message: string) => void
  readonly missingStore: 'empty' | 'error'
  readonly onProgress?: OnProgress | undefined
  /** Where relative paths start (a report's file). */
  readonly cwd: string
  readonly seal?: AutoSealOptions | undefined
}

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

/**
 * Reads a clock given by the caller: the epoch milliseconds of the `Date` it returns, or
 * `INVALID_INPUT` when it throws, returns something else, or a time no release id can encode.
 */
export const readClock = (now: () => Date): E.Either<DomainError, number> => {
  let reading: unknown
  try {
    reading = now()
  } catch (error) {
    return E.left(
      invalidInput(`the clock (the now option) failed: ${error instanceof Error ? error.message : showValue(error)}`),
    )
  }
  // Not instanceof: a Date made in another realm (a vm context, a worker's structured clone) is one too.
  if (Object.prototype.toString.call(reading) !== '[object Date]')
    return E.left(invalidInput(`the clock (the now option) returned ${showValue(reading)}, not a Date`))
  const ms = Date.prototype.getTime.call(reading)
  return Number.isInteger(ms) && ms >= MIN_ID_EPOCH_MS && ms <= MAX_ID_EPOCH_MS
    ? E.right(ms)
    : E.left(invalidInput(`the clock returned ${String(reading)}, not a time between the years 0000 and 9999`))
}

// The store stamps side files and its lock with the clock too, at moments where a refusal would
// leave a recovery half done: a clock that fails there gives way to the system's. (Commands read
// the caller's clock first, and are refused when it fails.)
const storeClock =
  (now: () => Date): (() => Date) =>
  () => {
    const reading = readClock(now)
    return new Date(E.isRight(reading) ? reading.right : Date.now())
  }

const emitWarning = (message: string): void => {
  process.emitWarning(message, 'StagecraftStateWarning')
}

// A warning is told in the middle of a write, under the lock: a handler that throws must not stop
// the write halfway, so its failure becomes part of the warning instead.
const warnWith = (options: StateManagerOptions): ((message: string) => void) => {
  const given = options.onWarning
  if (given === undefined) return emitWarning
  return (message) => {
    try {
      given(message)
    } catch (error) {
      emitWarning(
        `${message} (the onWarning option threw: ${error instanceof Error ? error.message : showValue(error)})`,
      )
    }
  }
}

const refuse = (message: string): E.Either<StateError, never> => E.left(StateError.fromDomain(invalidInput(message)))

const described = (raw: unknown): string => (typeof raw === 'number' ? String(raw) : `${kindOf(raw)} ${showValue(raw)}`)

/** A duration a caller gives, in milliseconds (a finite number, 0 or more), or `fallback` for none. */
export const duration = (what: string, raw: unknown, fallback: number): E.Either<StateError, number> => {
  if (raw === undefined) return E.right(fallback)
  return typeof raw === 'number' && Number.isFinite(raw) && raw >= 0
    ? E.right(raw)
    : refuse(`${what} must be a number of milliseconds, 0 or more; got ${described(raw)}`)
}

// A JavaScript caller may pass anything: each option is checked for its kind before it is used.
const checkKinds = (raw: unknown): E.Either<StateError, StateManagerOptions> => {
  if (raw === undefined) return E.right({})
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return refuse(`the options must be an object, got ${kindOf(raw)}`)
  const options = raw as Readonly<Record<string, unknown>>
  for (const key of ['now', 'onWarning', 'onProgress']) {
    if (options[key] !== undefined && typeof options[key] !== 'function')
      return refuse(`the ${key} option must be a function, got ${kindOf(options[key])}`)
  }
  if (options['refuseOutsideWrites'] !== undefined && typeof options['refuseOutsideWrites'] !== 'boolean')
    return refuse(`the refuseOutsideWrites option must be a boolean, got ${kindOf(options['refuseOutsideWrites'])}`)
  const missing = options['missingStore']
  if (missing !== undefined && missing !== 'empty' && missing !== 'error')
    return refuse(`the missingStore option must be 'empty' or 'error', got ${described(missing)}`)
  for (const key of ['stateFile', 'cwd']) {
    if (options[key] !== undefined && typeof options[key] !== 'string')
      return refuse(`the ${key} option must be a string, got ${kindOf(options[key])}`)
  }
  const seal = options['seal'] as { key?: unknown } | null | undefined
  if (seal !== undefined && (typeof seal !== 'object' || seal === null || seal.key === undefined))
    return refuse(
      `the seal option must be { key }, an Ed25519 private key (PEM, KeyObject or { file }), got ${kindOf(seal)}`,
    )
  const store = options['store'] as { open?: unknown } | null | undefined
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.open !== 'function')) {
    return refuse(`the store option must be a store (postgresStore(...), fileStoreSpec(...)), got ${kindOf(store)}`)
  }
  return E.right(raw as StateManagerOptions)
}

const openStore = (spec: StoreSpec, context: StoreContext): ReturnType<StoreSpec['open']> => {
  try {
    return spec.open(context)
  } catch (error) {
    return refuse(`the store could not be opened: ${error instanceof Error ? error.message : showValue(error)}`)
  }
}

/** Checks the options and opens the store they name. */
export const resolveOptions = (given: StateManagerOptions = {}): E.Either<StateError, ResolvedOptions> =>
  pipe(
    checkKinds(given),
    E.bindTo('options'),
    E.bind('actor', ({ options }) =>
      pipe(parseText('actor')(options.actor ?? defaultActor()), E.mapLeft(StateError.fromDomain)),
    ),
    E.bind('lockTimeoutMs', ({ options }) => duration('lockTimeoutMs', options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS)),
    E.bind('abandonedAfterMs', ({ options }) =>
      duration('abandonedAfterMs', options.abandonedAfterMs, DEFAULT_ABANDONED_AFTER_MS),
    ),
    E.bind('warn', ({ options }) => E.right(warnWith(options))),
    E.bind('opened', ({ options, lockTimeoutMs, warn }) =>
      openStore(options.store ?? fileStoreSpec(options.stateFile), {
        lockTimeoutMs,
        onWarning: warn,
        now: storeClock(clockOf(options)),
        cwd: options.cwd ?? process.cwd(),
        refuseOutsideWrites: options.refuseOutsideWrites === true,
        onProgress: options.onProgress,
      }),
    ),
    E.map(({ options, actor, lockTimeoutMs, abandonedAfterMs, warn, opened }) => ({
      store: opened,
      now: clockOf(options),
      actor,
      host: hostname(),
      lockTimeoutMs,
      abandonedAfterMs,
      warn,
      missingStore: options.missingStore ?? 'empty',
      onProgress: options.onProgress,
      cwd: options.cwd ?? process.cwd(),
      ...(options.seal === undefined ? {} : { seal: options.seal }),
    })),
  )
