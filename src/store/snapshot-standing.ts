/**
 * How a `releases.json` stands to the event log: decided the same way before every write (the
 * snapshot guard) and by `verify`.
 *
 * - **current**: its bytes are the projection of the log, or its records are (a Go-formatted file
 *   just imported, or one reformatted: nothing in it differs but the layout);
 * - **empty** (0 bytes): what a machine crash leaves on some file systems;
 * - **behind**: left by an interrupted write, which is only so when the file is, byte for byte,
 *   what this module wrote (or imported) at an earlier point of the log, and was not modified
 *   after the log's last append. Its content is then in the log, and regenerating it loses
 *   nothing;
 * - **differs**: anything else, a hand edit even when it happens to equal an earlier point (a
 *   release deleted, a phase reverted): refused as `STATE_DRIFT` until a person reconciles;
 * - **unreadable**: `CORRUPT_STATE`.
 *
 * Why the modification time: a hand edit that reverts the last command gives exactly the bytes
 * the write before it left, so bytes alone cannot tell it from a crash. A file an interrupted
 * write left behind was written before that write's append to the log, so it is never newer
 * than the log; a hand edit always is (it comes after the write that wrote the file it edits,
 * itself after that write's append). Both times come from the same file system.
 */
import { statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { snapshotChanges } from './domain/decide.js'
import type { SnapshotSource } from './domain/events.js'
import { projectSnapshotBytes } from './domain/projection.js'
import { compareIds } from './domain/release-id.js'
import { decodeSnapshotBytes, showsState, type Snapshot } from './domain/snapshot.js'
import type { State } from './domain/state.js'
import { StateError } from './errors.js'
import { heldEarlier } from './loaded-state.js'
import type { Cursor, ReadEnd, Visitor } from './store/event-store.js'
import { hashLine } from './store/log-line.js'
import type { SnapshotFile } from './store/snapshot-file.js'

/** How a snapshot file stands to the log. */
export type Standing =
  | { readonly kind: 'current' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'behind' }
  | { readonly kind: 'differs'; readonly snapshot: Snapshot }
  | { readonly kind: 'unreadable'; readonly error: StateError }

/** What deciding a standing needs. */
export interface StandingQuestion {
  /** Reads the log from `origin`: every point of the history is looked at when the file shows none of the present. */
  readonly read: (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>
  readonly origin: Cursor
  readonly path: string
  /** The event log file, whose modification time a file left behind by a crash never passes; none: no file counts as left behind. */
  readonly eventLog: string | undefined
  /** The state of the whole log. */
  readonly state: State
  readonly file: SnapshotFile
  /** Pass over lines that cannot be read (for `verify`, which reports them elsewhere). */
  readonly skipDamaged?: boolean
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

/** Whether the file was last modified no later than the log: only then can an interrupted write have left it. */
const predatesLog = (file: SnapshotFile, eventLog: string | undefined): boolean => {
  const log = eventLog === undefined ? undefined : statSync(eventLog, { bigint: true, throwIfNoEntry: false })
  return log !== undefined && file.fingerprint.mtimeNs <= log.mtimeNs
}

// The state at a point inside a fold keeps its releases in the order they came; the file lists
// them in id order (a reconcile may have added one in between).
const inIdOrder = (state: State): State => {
  let last: string | undefined
  for (const id of state.releases.keys()) {
    if (last !== undefined && compareIds(last, id) > 0) return { ...state, releases: new Map([...state.releases].sort(([a], [b]) => compareIds(a, b))) }
    last = id
  }
  return state
}

/**
 * A test of whether the file holds exactly what this module wrote at a point of the history,
 * or the bytes imported there. The records are compared first (cheap, and false almost
 * everywhere); the bytes are made only where they match.
 */
const writtenAt = (file: SnapshotFile, snapshot: Snapshot): ((state: State, imported: SnapshotSource | undefined) => boolean) => {
  const shows = showsState(snapshot)
  let sha256: string | undefined
  return (state, imported) => {
    if (!shows(state)) return false
    if (imported !== undefined && imported.sha256 === (sha256 ??= hashLine(file.bytes))) return true
    return sameBytes(projectSnapshotBytes(inIdOrder(state)), file.bytes)
  }
}

/** How the file stands to the log (see the module's comment). */
export const standingOf = (question: StandingQuestion): TE.TaskEither<StateError, Standing> => {
  const { file, state, path } = question
  if (sameBytes(projectSnapshotBytes(state), file.bytes)) return TE.right({ kind: 'current' })
  if (file.bytes.length === 0) return TE.right({ kind: 'empty' })
  const decoded = decodeSnapshotBytes(file.bytes, path)
  if (E.isLeft(decoded)) return TE.right({ kind: 'unreadable', error: StateError.fromDomain(decoded.left) })
  const snapshot = decoded.right
  if (showsState(snapshot)(state)) return TE.right({ kind: 'current' })
  if (!predatesLog(file, question.eventLog)) return TE.right({ kind: 'differs', snapshot })
  return pipe(
    heldEarlier(question.read, question.origin, writtenAt(file, snapshot), question.skipDamaged),
    TE.map((earlier): Standing => (earlier ? { kind: 'behind' } : { kind: 'differs', snapshot })),
  )
}

/** Where a snapshot differs from the log's projection, in words, for a person deciding what to do. */
export interface Differences {
  /** The differing releases (at most ten named), and the top-level fields when they differ. */
  readonly named: string
  /** How many releases only the snapshot holds: what a log that lost its end would no longer show. */
  readonly onlyInSnapshot: number
}

/** Names where `snapshot` differs from the projection of `state`. */
export const differencesOf = (state: State, snapshot: Snapshot): Differences => {
  const changes = snapshotChanges(state, snapshot.releases)
  const words = changes.map(
    (change) => `${change.releaseId} (${change.before.length === 0 ? 'only in the snapshot' : change.after.length === 0 ? 'only in the event log' : 'different'})`,
  )
  if (JSON.stringify(state.otherFields) !== JSON.stringify(snapshot.otherFields)) words.push('the top-level fields')
  const named = words.length > 10 ? `${words.slice(0, 10).join(', ')} and ${words.length - 10} more` : words.join(', ')
  return { named, onlyInSnapshot: changes.filter((change) => change.before.length === 0).length }
}
