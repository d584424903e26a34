/**
 * Keeping `releases.json` and the event log in step, under the write lock.
 *
 * Before a command is decided, the snapshot is checked against the log (snapshot-standing.ts):
 * - no events yet and a snapshot: the snapshot (from the Go Stagecraft, or hand-written) is
 *   prepared as the import that starts the history, recorded with the command's events; its
 *   bytes are left as they are;
 * - the snapshot shows the log (byte for byte, or record for record after an import): in step;
 * - the snapshot is missing, empty, or left behind by an interrupted write (byte for byte what
 *   an earlier write wrote, and not newer than the log): regenerated from the log after the
 *   command;
 * - anything else was changed outside this module: `STATE_DRIFT`, nothing written, until a
 *   person reconciles (accept the file's changes into the history, or restore the file).
 * Preparing writes nothing: a command refused after it leaves both files as they were.
 */
import { statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { decide, snapshotChanges } from './domain/decide.js'
import type { DomainEvent } from './domain/events.js'
import { evolve, evolveAll } from './domain/evolve.js'
import { projectSnapshotBytes, type SnapshotScratch, snapshotScratch } from './domain/projection.js'
import { decodeSnapshotBytes, type Snapshot } from './domain/snapshot.js'
import { initialState, type State } from './domain/state.js'
import { StateError } from './errors.js'
import type { Loaded } from './loaded-state.js'
import { differencesOf, standingOf } from './snapshot-standing.js'
import type { Cursor, WriteSession } from './store/event-store.js'
import { type Fingerprint, fingerprintOf, keepAside, readSnapshotFile, sameFingerprint, type SnapshotFile, writeSnapshotFile } from './store/snapshot-file.js'
import { hashLine } from './store/log-line.js'
import { sideFileStamp } from './store/paths.js'

/** What the guard needs from the manager while it holds the lock. */
export interface GuardContext {
  readonly path: string
  readonly session: WriteSession
  readonly origin: Cursor
  /** Records events (wrapped, appended) and returns the view after them. */
  readonly record: (loaded: Loaded, events: ReadonlyArray<DomainEvent>) => TE.TaskEither<StateError, Loaded>
  readonly warn: (message: string) => void
  /** The event log file, when the store is the file store: a snapshot newer than it was not left behind by a crash. */
  readonly eventLog: string | undefined
  /**
   * The version of the snapshot last seen to show the log, and the log position it showed, so an
   * unchanged file at an unchanged position is not read again. Both must match: another process
   * may have appended and died before replacing the snapshot, leaving the file as it was.
   */
  readonly known: KnownSnapshot
}

/** A snapshot version known to show the log at a position. */
export interface KnownSnapshot {
  fingerprint: Fingerprint | undefined
  position: number
}

const remember = (known: KnownSnapshot, fingerprint: Fingerprint | undefined, position: number): void => {
  known.fingerprint = fingerprint
  known.position = position
}

/**
 * What a command is decided on, and what must be written with it. Nothing is written while
 * preparing: a command refused after it leaves both files as they were.
 */
export interface Prepared {
  /** The view as read from the store: the command's events are appended after it. */
  readonly loaded: Loaded
  /** The state to decide on: `loaded.state` after the `pending` events. */
  readonly state: State
  /** Events to record before the command's own, in the same append: the import of a snapshot that has no log yet. */
  readonly pending: ReadonlyArray<DomainEvent>
  /** Whether the snapshot must be rewritten even if the command records nothing. */
  readonly regenerate: boolean
  /** Warnings to tell once written (what was regenerated, and why). */
  readonly notes: ReadonlyArray<string>
  /** The snapshot's version when it shows the state after `pending` as it is (an imported file). */
  readonly fingerprint?: Fingerprint | undefined
}

/** Nothing to import, regenerate or tell: the view as it is. */
export const inStep = (loaded: Loaded, regenerate = false, notes: ReadonlyArray<string> = []): Prepared => ({ loaded, state: loaded.state, pending: [], regenerate, notes })

const decodeFile = (file: SnapshotFile, path: string): E.Either<StateError, Snapshot> => pipe(decodeSnapshotBytes(file.bytes, path), E.mapLeft(StateError.fromDomain))

const sourceOf = (path: string, file: SnapshotFile) => ({ file: path, sha256: hashLine(file.bytes) })

// Which of the two files was edited cannot be known: a hand edit of releases.json and an edit of
// the log's last line (which the hash chain cannot show) look the same from here. So the
// message says they disagree, and what to do in either case.
const driftError = (path: string, eventLog: string | undefined, state: State, snapshot: Snapshot): StateError => {
  const { named } = differencesOf(state, snapshot)
  const log = eventLog ?? 'the event log'
  return new StateError(
    'STATE_DRIFT',
    `${path} and ${log} disagree: the snapshot differs from the log's projection at ${named}. ` +
      `One of them was changed outside stagecraft-state: the snapshot (by hand, or by a tool that writes only it), or the last line of the log (an edit its hash chain cannot show). Nothing was written. ` +
      `If the snapshot was changed, run "stagecraft-state reconcile --accept" to record its changes in the history, or "reconcile --restore" to rewrite it from the log (the changed file is kept aside); ` +
      `if the log was, restore it from a backup (compare the chain head "stagecraft-state verify" printed before).`,
  )
}

/**
 * The events that record a snapshot file: an import, when the log is empty, else the file's
 * differences from the log (a reconcile). Decided only: nothing is recorded here.
 */
const snapshotEvents = (context: GuardContext, loaded: Loaded, file: SnapshotFile): E.Either<StateError, { events: ReadonlyArray<DomainEvent>; snapshot: Snapshot }> =>
  pipe(
    decodeFile(file, context.path),
    E.chain((snapshot) => {
      const type = loaded.cursor.position === 0 ? 'ImportSnapshot' : 'ReconcileSnapshot'
      return pipe(
        decide({ type, snapshot, source: sourceOf(context.path, file) }, loaded.state),
        E.mapLeft(StateError.fromDomain),
        E.map((events) => ({ events, snapshot })),
      )
    }),
  )

// A log file that exists but holds nothing, beside a releases.json, may be a history emptied by
// mistake (or by a tool): the import that starts a new one must not pass unnoticed.
const emptyLogNotes = (context: GuardContext, loaded: Loaded): ReadonlyArray<string> => {
  if (loaded.cursor.position > 0 || context.eventLog === undefined || statSync(context.eventLog, { throwIfNoEntry: false })?.size !== 0) return []
  return [`${context.eventLog} was empty (0 bytes) beside ${context.path}: the history starts again from an import of ${context.path}; if the log was emptied by mistake, restore it from a backup`]
}

/** The import of a snapshot file that has no log yet, prepared to be recorded with the command. */
const prepareImport = (context: GuardContext, loaded: Loaded, file: SnapshotFile): E.Either<StateError, Prepared> =>
  pipe(
    snapshotEvents(context, loaded, file),
    E.map(({ events }): Prepared => ({ loaded, state: evolveAll(loaded.state, events), pending: events, regenerate: false, notes: emptyLogNotes(context, loaded), fingerprint: file.fingerprint })),
  )

const checkAgainstLog = (context: GuardContext, loaded: Loaded, file: SnapshotFile): TE.TaskEither<StateError, Prepared> =>
  pipe(
    standingOf({ read: context.session.read, origin: context.origin, path: context.path, eventLog: context.eventLog, state: loaded.state, file }),
    TE.chain((standing) => {
      switch (standing.kind) {
        case 'current':
          remember(context.known, file.fingerprint, loaded.cursor.position)
          return TE.right(inStep(loaded))
        case 'empty':
          return TE.right(inStep(loaded, true, [`${context.path} was empty (left so by a crash); it is regenerated from the event log`]))
        case 'behind':
          return TE.right(inStep(loaded, true, [`${context.path} was behind the event log (it held what an earlier write left, byte for byte: a write was interrupted before the snapshot was replaced); it is regenerated from the log`]))
        case 'differs':
          return TE.left(driftError(context.path, context.eventLog, loaded.state, standing.snapshot))
        case 'unreadable':
          return TE.left(standing.error)
      }
    }),
  )

/**
 * Checks the snapshot before a command is decided, and prepares what must be written with the
 * command: the import of a snapshot that has no log yet, a regeneration. Writes nothing.
 */
export const prepareSnapshot = (context: GuardContext, loaded: Loaded): TE.TaskEither<StateError, Prepared> => {
  const { known } = context
  if (loaded.cursor.position > 0 && loaded.cursor.position === known.position && sameFingerprint(fingerprintOf(context.path), known.fingerprint)) {
    return TE.right(inStep(loaded))
  }
  return pipe(
    readSnapshotFile(context.path),
    TE.chain((file) => {
      if (file === undefined) return TE.right(inStep(loaded, true, loaded.cursor.position > 0 ? [`${context.path} was missing; it is regenerated from the event log`] : []))
      return loaded.cursor.position === 0 ? TE.fromEither(prepareImport(context, loaded, file)) : checkAgainstLog(context, loaded, file)
    }),
  )
}

/**
 * Records what was prepared and the command's events in one append (nothing when there are
 * none), and replaces the snapshot when anything was recorded or it must be regenerated (`write`,
 * when the manager keeps one). The prepared notes are told first: the command was accepted, so
 * what they announce is done now (and a warning handler that blocks, as a test's lock holder
 * does, holds the lock before anything is written).
 */
export const recordPrepared = (
  context: Pick<GuardContext, 'record' | 'warn' | 'known'>,
  prepared: Prepared,
  events: ReadonlyArray<DomainEvent>,
  write: ((after: Loaded) => TE.TaskEither<StateError, void>) | undefined,
): TE.TaskEither<StateError, Loaded> =>
  pipe(
    TE.fromIO(() => {
      for (const note of prepared.notes) context.warn(note)
    }),
    TE.chain(() => context.record(prepared.loaded, [...prepared.pending, ...events])),
    TE.chainFirst((after) => {
      if (write !== undefined && (events.length > 0 || prepared.regenerate)) return write(after)
      // The file as it is shows the history now (an import that changed no byte of it).
      if (prepared.fingerprint !== undefined) remember(context.known, prepared.fingerprint, after.cursor.position)
      return TE.right(undefined)
    }),
  )

/**
 * Replaces the snapshot with the projection of the log up to `loaded`, assembled in `scratch`
 * (one per manager, whose writes are serialised), where the last one was.
 */
export const writeSnapshot = (context: Pick<GuardContext, 'path' | 'known'>, loaded: Loaded, scratch: SnapshotScratch): TE.TaskEither<StateError, void> => {
  const bytes = projectSnapshotBytes(loaded.state, scratch)
  return pipe(
    writeSnapshotFile(context.path, bytes),
    TE.map((fingerprint) => remember(context.known, fingerprint, loaded.cursor.position)),
  )
}

/** What a reconcile did. */
export interface ReconcileOutcome {
  /** The releases whose records differed between the file and the history. */
  readonly changed: ReadonlyArray<string>
  /** Where the edited file was kept, for `restore`. */
  readonly keptAside?: string
}

/** Records the file's differences from the log as a `SnapshotReconciled` event. */
export const acceptSnapshot = (context: GuardContext, loaded: Loaded): TE.TaskEither<StateError, { loaded: Loaded; outcome: ReconcileOutcome }> =>
  pipe(
    readSnapshotFile(context.path),
    TE.chain((file) =>
      file === undefined
        ? TE.left(new StateError('INVALID_INPUT', `${context.path} does not exist; there is nothing to accept (restore rewrites it from the event log)`))
        : pipe(
            TE.fromEither(snapshotEvents(context, loaded, file)),
            TE.chain(({ events, snapshot }) =>
              pipe(
                recordPrepared(context, { ...inStep(loaded, false, emptyLogNotes(context, loaded)), fingerprint: file.fingerprint }, events, undefined),
                TE.map((after) => ({ loaded: after, outcome: { changed: snapshotChanges(loaded.state, snapshot.releases).map((change) => change.releaseId) } })),
              ),
            ),
          ),
    ),
  )

/** Rewrites the file from the log, keeping the file it replaces aside. */
export const restoreSnapshot = (context: GuardContext, loaded: Loaded, now: Date): TE.TaskEither<StateError, ReconcileOutcome> =>
  pipe(
    readSnapshotFile(context.path),
    TE.chain((file) => {
      if (file !== undefined && file.bytes.equals(projectSnapshotBytes(loaded.state))) return TE.right({ changed: [] })
      const decoded = file === undefined ? undefined : decodeSnapshotBytes(file.bytes, context.path)
      const changed = decoded !== undefined && E.isRight(decoded) ? snapshotChanges(loaded.state, decoded.right.releases).map((change) => change.releaseId) : []
      const kept: TE.TaskEither<StateError, string | undefined> = file === undefined ? TE.right(undefined) : keepAside(context.path, file.bytes, `rejected-${sideFileStamp(now)}`)
      return pipe(
        kept,
        TE.chainFirst(() => writeSnapshot(context, loaded, snapshotScratch())),
        TE.map((keptAside): ReconcileOutcome => (keptAside === undefined ? { changed } : { changed, keptAside })),
      )
    }),
  )

/** The state of a snapshot no event log holds yet, as reads see it (nothing is written). */
export const readUnimported = (path: string, cache: { fingerprint?: Fingerprint; state?: State }): TE.TaskEither<StateError, State> => {
  const fingerprint = fingerprintOf(path)
  if (fingerprint === undefined) return TE.right(initialState)
  if (cache.state !== undefined && sameFingerprint(fingerprint, cache.fingerprint)) return TE.right(cache.state)
  return pipe(
    readSnapshotFile(path),
    TE.chainEitherK((file) => {
      if (file === undefined) return E.right(initialState)
      return pipe(
        decodeFile(file, path),
        E.map((snapshot) => {
          cache.fingerprint = file.fingerprint
          cache.state = evolve(initialState, { type: 'SnapshotImported', data: snapshot })
          return cache.state
        }),
      )
    }),
  )
}
