/**
 * The one interface every store implements (the file store, the PostgreSQL store): a single,
 * append-only stream of event envelopes, read without locking and written under a lock.
 *
 * A store never decides anything: it hands events to the caller and appends what the caller
 * decided, in order, durably, with the hash chain.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import type { StateError } from '../errors.js'

/**
 * A position in a store's stream: how many events come before it, and the hash of the last of
 * them. Stores add what they need to resume a read (a byte offset, ...); to callers it is opaque.
 */
export interface Cursor {
  /** The number of events before this position. */
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

/** Something wrong with one stored event: it does not decode, or the hash chain breaks there. */
export interface RecordProblem {
  readonly location: string
  readonly message: string
}

/** What a reader does with each event: nothing to say, stop reading, or fail with an error. */
export type VisitResult = undefined | 'stop' | StateError

/** How a read reports to its caller. */
export interface Visitor {
  /** Called for each event, in order. */
  readonly event: (event: StoredEvent) => VisitResult
  /**
   * Called for each record that cannot be used, when given: the read goes on (used by `verify`).
   * Without it, the first such record ends the read with `CORRUPT_STATE`.
   */
  readonly problem?: (problem: RecordProblem) => void
}

/** The end of a read: where the next read resumes, and what was left unread at the very end. */
export interface ReadEnd {
  readonly cursor: Cursor
  /** What was left unread at the very end: an append in progress, or a torn one. */
  readonly incompleteTail?: IncompleteTail
}

/**
 * The end of a stream that holds no whole command: a last record cut short, or some events of a
 * command that recorded more (the rest never written). Either is an append in progress or one torn
 * by a crash: never acknowledged, so never used.
 */
export interface IncompleteTail {
  /** Where it starts. */
  readonly location: string
  /** How many bytes it holds. */
  readonly bytes: number
  /** When it starts with complete events of a command: how many of how many it recorded. */
  readonly events?: { readonly complete: number; readonly of: number }
}

/** An incomplete tail in words, for warnings and `verify`. */
export const describeIncompleteTail = (tail: IncompleteTail): string =>
  tail.events === undefined
    ? `an incomplete last line of ${tail.bytes} bytes`
    : `an incomplete last command of ${tail.bytes} bytes (${tail.events.complete} of the ${tail.events.of} events it recorded)`

/** Appending and reading while holding the store's write lock. */
export interface WriteSession {
  /** Reads what was appended after `cursor`; an incomplete last record is set aside first. */
  readonly read: (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>
  /** Appends events right after `cursor` (the end of the stream), durably, returning the new end. */
  readonly append: (cursor: Cursor, events: ReadonlyArray<EventEnvelope>) => TE.TaskEither<StateError, Cursor>
}

/**
 * A write session whose appends are staged: none of them is part of the history until `commit`,
 * and if the session ends without it (its work failed, its process died), none ever is.
 */
export interface StagedSession extends WriteSession {
  /** Makes every append staged so far part of the history, at once and durably. */
  readonly commit: () => TE.TaskEither<StateError, void>
}

/** A store of release-history events. */
export interface EventStore {
  /** What and where the store is, for messages. */
  readonly description: string
  /** The position before the first event. */
  readonly origin: Cursor
  /** Reads the events after `cursor`, oldest first, without waiting for the write lock. */
  readonly read: (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>
  /** Runs `work` while holding the write lock; nobody else appends until it ends. */
  readonly write: <A>(work: (session: WriteSession) => TE.TaskEither<StateError, A>) => TE.TaskEither<StateError, A>
  /**
   * Like `write`, but all the appends of `work` take effect together, when it commits, or not at
   * all: how a migration fills a store, so that an interrupted one leaves it as it was.
   */
  readonly writeStaged: <A>(work: (session: StagedSession) => TE.TaskEither<StateError, A>) => TE.TaskEither<StateError, A>
  /**
   * What the store is, however it was named (a path through a symlink, `localhost` for
   * `127.0.0.1`): two handles with the same identity are one store. Reads only; creates nothing.
   */
  readonly identity: () => TE.TaskEither<StateError, string>
  /** Lists side files and other leftovers a person may want to look at (torn tails set aside). */
  readonly leftovers: () => TE.TaskEither<StateError, ReadonlyArray<string>>
  /** Releases handles (open files, connections). */
  readonly close: () => Promise<void>
}
