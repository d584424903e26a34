/**
 * The interface every store implements: one append-only stream of event envelopes, read without locking and written
 * under a lock. A store never decides: it appends what the caller decided, durably, with the hash chain.
 */
import type * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { DomainEvent, EventEnvelope } from '../domain/events.js'
import type { Foreign } from '../domain/foreign.js'
import { initialState, type State } from '../domain/state.js'
import type { Timestamp } from '../domain/timestamp.js'
import type { OnProgress } from './progress.js'
import type { StateError } from '../domain/state-error.js'

/** A position in a store's stream: the events before it and the last one's hash; opaque to callers. */
export interface Cursor {
  readonly position: number
  /** The hash of the line of the event at `position` (the chain's seed before the first). */
  readonly hash: string
}

/** An event as stored, with where it is (for messages: `releases.events.ndjson:12`). */
export interface StoredEvent {
  readonly envelope: EventEnvelope
  /** 1-based position in the stream. */
  readonly position: number
  /** A place a person can look at: a file and line, or a table and position. */
  readonly location: string
}

/** A well-formed stored event, in its place in the chain, of a type or envelope version a newer version wrote. */
export interface ForeignEvent {
  readonly foreign: Foreign
  readonly position: number
  readonly location: string
}

/** Something wrong with one stored event: it does not decode, or the hash chain breaks there. */
export interface RecordProblem {
  readonly location: string
  readonly message: string
}

/** What a reader does with each event: nothing to say, stop reading, or fail with an error. */
export type VisitResult = undefined | 'stop' | StateError

/** How a read reports to its caller. */
export interface Visitor {
  readonly event: (event: StoredEvent) => VisitResult
  /** Given (by `verify`), unusable records are reported and the read goes on; else the first is `CORRUPT_STATE`. */
  readonly problem?: (problem: RecordProblem) => void
  /**
   * Given (by `verify`, to check seals and a recorded head), told the position and SHA-256 of every record read, whole
   * or not usable, before its event; a read without it computes no hash it does not need.
   */
  readonly lineHash?: (position: number, sha256: string) => void
  /**
   * Given, events of a newer version are reported and skipped. Without it the first is `NEWER_VERSION`: a caller that
   * must see every event (a migration) is refused rather than shown less.
   */
  readonly foreign?: (event: ForeignEvent) => VisitResult
}

/** The end of a read: where the next read resumes, and what was left unread at the very end. */
export interface ReadEnd {
  readonly cursor: Cursor
  readonly incompleteTail?: IncompleteTail
}

/**
 * The end of a stream that holds no whole command (a record cut short, or part of a command's events): an append in
 * progress or torn by a crash, never acknowledged, so never used.
 */
export interface IncompleteTail {
  readonly location: string
  readonly bytes: number
  /** When it starts with complete events of a command: how many of how many it recorded. */
  readonly events?: { readonly complete: number; readonly of: number }
}

/** An incomplete tail in words, for warnings and `verify`. */
export const describeIncompleteTail = (tail: IncompleteTail): string =>
  tail.events === undefined
    ? `an incomplete last line of ${tail.bytes} bytes`
    : `an incomplete last command of ${tail.bytes} bytes (${tail.events.complete} of the ${tail.events.of} ` +
      'events it recorded)'

/** What a store's events fold into, and where in the store that fold ends. */
export interface Loaded {
  readonly state: State
  readonly cursor: Cursor
  /** When the last event was recorded: the next is never recorded earlier. */
  readonly lastRecordedAt: Timestamp | undefined
  /** What the fold could not interpret, if anything: the state leaves it out, and nothing may be written. */
  readonly foreign?: ForeignSeen | undefined
  /**
   * The store as its log holds it, when `state` also shows what another tool wrote to the snapshot (the Go
   * Stagecraft, adopted by the next write): a reader's view; reads and writes go on from here.
   */
  readonly beneath?: Loaded | undefined
}

/** The events of a newer version a fold skipped, and the events after them it could not fold. */
export interface ForeignSeen {
  /** The first few, for messages. */
  readonly first: ReadonlyArray<ForeignEvent>
  readonly count: number
  /** Events of known types after the first of them that could not be folded (they may depend on what was skipped). */
  readonly unfolded: number
  readonly firstUnfolded?: RecordProblem | undefined
}

/** Nothing read yet. */
export const emptyLoaded = (origin: Cursor): Loaded => ({
  state: initialState,
  cursor: origin,
  lastRecordedAt: undefined,
})

/**
 * What a command is decided on, under the lock: the store as read, and what must be recorded before the command's own
 * events in the same append (an import, or accepted outside changes).
 */
export interface Prepared {
  readonly loaded: Loaded
  /** `loaded.state` after `pending`: what the command is decided on. */
  readonly state: State
  readonly pending: ReadonlyArray<DomainEvent>
}

/** Nothing to record first: the store as read. */
export const unprepared = (loaded: Loaded): Prepared => ({ loaded, state: loaded.state, pending: [] })

/** Why a write is prepared: a command (for which outside changes are `STATE_DRIFT`), or accepting those changes. */
export type Intent = 'command' | 'accept'

/** Appending and reading while holding the store's write lock. */
export interface WriteSession {
  /** Reads what was appended after `cursor`; an incomplete last record is set aside first. */
  readonly read: (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>
  /** The store caught up from `from`: every event appended since, folded. */
  readonly load: (from: Loaded) => TE.TaskEither<StateError, Loaded>
  /** What a command is decided on (see {@link Prepared}); writes nothing. */
  readonly prepare: (loaded: Loaded, intent: Intent) => TE.TaskEither<StateError, Prepared>
  /**
   * Appends events after `prepared.loaded` durably and updates what the store keeps beside them; an event that could
   * not have happened is `CORRUPT_STATE`, and nothing is appended.
   */
  readonly append: (prepared: Prepared, events: ReadonlyArray<EventEnvelope>) => TE.TaskEither<StateError, Loaded>
  /** `reconcile --restore`: rewrites the guarded `releases.json` from `loaded`, keeping the old file aside. */
  readonly restore?: (loaded: Loaded, now: Date) => TE.TaskEither<StateError, ReconcileOutcome>
}

/** What a reconcile did. */
export interface ReconcileOutcome {
  readonly changed: ReadonlyArray<string>
  /** Top-level fields besides `releases` (an imported Go file's) that differed. */
  readonly fields: ReadonlyArray<string>
  readonly keptAside?: string
}

/** A write session whose appends become part of the history together on `commit`, or never. */
export interface StagedSession extends WriteSession {
  readonly commit: () => TE.TaskEither<StateError, void>
}

/** Something wrong, or worth knowing, about what a store keeps (for `verify`), with its place. */
export interface StoreProblem {
  /** `error` makes the store unsound; `warning` is worth knowing but kept on purpose. */
  readonly severity: 'error' | 'warning'
  readonly location: string
  readonly message: string
  /** Set when the next write repairs it by itself (a `releases.json` missing, empty or behind the log). */
  readonly nextWriteRepairs?: true | undefined
}

/** A store's checkpoint, as `verify` checks it: what is wrong with it, and where to compare it with the replay. */
export interface CheckpointCheck {
  readonly problems: ReadonlyArray<StoreProblem>
  /** When it can be compared: the position it was taken at, and how it differs from the replay up to there. */
  readonly compare?: { readonly position: number; readonly with: (replayed: Loaded) => ReadonlyArray<StoreProblem> }
}

/** What a store keeps beside its events, checked by `verify` against a full replay. */
export interface Besides {
  readonly checkpoint: () => TE.TaskEither<StateError, CheckpointCheck>
  /** How the guarded `releases.json` stands to the whole replay. */
  readonly snapshot?: ((replayed: Loaded) => TE.TaskEither<StateError, ReadonlyArray<StoreProblem>>) | undefined
}

/** A `releases.json` a store keeps beside its events. */
export interface KeptSnapshot {
  readonly path: string
  /** Whether others may edit it: an outside change is then `STATE_DRIFT`, and a file without a log is imported. */
  readonly guarded: boolean
  /** Whether the file is there now (without creating anything). */
  readonly present: () => boolean
}

/** The path of the `releases.json` a store guards (the file store's own), if it has one. */
export const guardedSnapshotPath = (store: Pick<EventStore, 'snapshotFile'>): string | undefined =>
  store.snapshotFile?.guarded === true ? store.snapshotFile.path : undefined

/** A store that was never written: what is missing, and the nearest store that exists, if one is found. */
export interface Absence {
  readonly what: string
  readonly instead?: string | undefined
}

/** A store of release-history events. */
export interface EventStore {
  readonly description: string
  /**
   * The `releases.json` kept beside the events: guarded (others may edit it: a change is `STATE_DRIFT`, a file without
   * a log is imported), or a remote store's local copy, rewritten after every write.
   */
  readonly snapshotFile?: KeptSnapshot | undefined
  /** The position before the first event. */
  readonly origin: Cursor
  /** Reads the events after `cursor`, oldest first, without waiting for the write lock. */
  readonly read: (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>
  /** The state caught up from `from` (from the origin, a store may start at its checkpoint), without the lock. */
  readonly load: (from: Loaded) => TE.TaskEither<StateError, Loaded>
  /** Runs `work` while holding the write lock; nobody else appends until it ends. */
  readonly write: <A>(work: (session: WriteSession) => TE.TaskEither<StateError, A>) => TE.TaskEither<StateError, A>
  /** Like `write`, but the appends take effect together on commit or not at all (an interrupted migration). */
  readonly writeStaged: <A>(
    work: (session: StagedSession) => TE.TaskEither<StateError, A>,
  ) => TE.TaskEither<StateError, A>
  /** What the store is however it was named (symlinks, `localhost`): equal identities are one store. Reads only. */
  readonly identity: () => TE.TaskEither<StateError, string>
  /** What the store keeps beside its events, for `verify` (the file store's snapshot and checkpoint). */
  readonly besides?: Besides | undefined
  /**
   * Why the store holds nothing at all, not even an empty history (no state file and no log; no schema), and where a
   * store may be instead; `undefined` when it exists. Reads only. None: the store always exists (the memory store).
   */
  readonly absence?: (() => TE.TaskEither<StateError, Absence | undefined>) | undefined
  /** Lists side files and other leftovers a person may want to look at (torn tails set aside). */
  readonly leftovers: () => TE.TaskEither<StateError, ReadonlyArray<string>>
  readonly close: () => Promise<void>
}

/** How long a write waits for another writer's lock by default, in milliseconds (the `lockTimeoutMs` option). */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000

/** What a store is opened with. */
export interface StoreContext {
  readonly lockTimeoutMs: number
  readonly onWarning: (message: string) => void
  readonly now: () => Date
  readonly cwd: string
  /** Refuse the changes another tool makes to `releases.json` rather than adopt them (the file store's). */
  readonly refuseOutsideWrites?: boolean | undefined
  /** Told how far a cold open's replay of the log has got (the file store's). */
  readonly onProgress?: OnProgress | undefined
}

/** A store chosen by the caller (`postgresStore(...)`, `fileStoreSpec(...)`): opened once the options are checked. */
export interface StoreSpec {
  readonly open: (context: StoreContext) => E.Either<StateError, EventStore>
}
