/**
 * How a `releases.json` stands to the event log, judged by its bytes' SHA-256, before every write and by `verify`:
 * - **current**: what this module last wrote at the log's end, or the projection of the log (or its records are);
 * - **empty** (0 bytes): what a machine crash leaves on some file systems;
 * - **behind**: what this module wrote at an earlier point of the log (an interrupted write, or lost unsynced
 *   writes): its content is in the log, and regenerating it loses nothing;
 * - **differs**: changed outside this module (even back to an earlier point): `STATE_DRIFT` until reconciled;
 * - **unreadable**: `CORRUPT_STATE`.
 *
 * The record of the last write follows the snapshot's rename, so it is never newer than the file (ext4 and XFS keep
 * renames in order through a power loss). Without a record, every point of the history is one the file may be left at.
 */
import { hash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { snapshotChanges } from '../domain/decide.js'
import { recordsAFile, type SnapshotSource, type Ulid } from '../domain/events.js'
import { startFold } from '../domain/evolve.js'
import { projectSnapshotBytes, projectSnapshotBytesInIdOrder } from '../domain/projection.js'
import { decodeSnapshotBytes, showsState, type Snapshot } from '../domain/snapshot.js'
import { initialState, type State } from '../domain/state.js'
import { fieldsKey } from '../domain/top-level-fields.js'
import { StateError } from '../domain/state-error.js'
import type { Cursor, Visitor } from './event-store.js'
import type { Read } from './fold.js'
import type { SnapshotRecord } from './snapshot-record.js'

/** How a snapshot file stands to the log. */
export type Standing =
  | { readonly kind: 'current'; readonly projection: boolean }
  | { readonly kind: 'empty' }
  | { readonly kind: 'behind' }
  | { readonly kind: 'differs'; readonly snapshot: Snapshot }
  | { readonly kind: 'unreadable'; readonly error: StateError }

/** What deciding a standing needs. */
export interface StandingQuestion {
  readonly path: string
  readonly bytes: Uint8Array
  readonly sha256: string
  readonly record: SnapshotRecord | undefined
  readonly state: State
  readonly position: number
  /** Reads the log from `origin`, for the points the file may have been left at, when it shows none of the others. */
  readonly read: Read
  readonly origin: Cursor
  /** Pass over lines that cannot be read (for `verify`, which reports them elsewhere). */
  readonly skipDamaged?: boolean
}

/** The SHA-256 of some bytes. */
export const sha256Of = (bytes: Uint8Array): string => hash('sha256', bytes, 'hex')

// A file written at an earlier point lists its releases in time order, or (written before time ordered it) in id
// order: the same bytes unless some id does not read its instant in UTC.
const projectedThere = (state: State, sha256: string): boolean =>
  sha256Of(projectSnapshotBytes(state)) === sha256 || sha256Of(projectSnapshotBytesInIdOrder(state)) === sha256

/**
 * Whether the history, at some point from `after` on where a write may have left the snapshot, was what the file shows:
 * between two commands, or right after an import or accepted reconcile (whose file stays as it was).
 */
const leftAtAPoint = (
  question: StandingQuestion,
  snapshot: Snapshot,
  after: number,
): TE.TaskEither<StateError, boolean> => {
  const shows = showsState(snapshot)
  const writtenThere = (state: State, imported: SnapshotSource | undefined): boolean =>
    shows(state) &&
    ((imported !== undefined && imported.sha256 === question.sha256) || projectedThere(state, question.sha256))
  const fold = startFold(initialState)
  let command: Ulid | 'start' | undefined = 'start'
  let imported: { readonly source: SnapshotSource | undefined } | undefined
  let found = false
  const event: Visitor['event'] = ({ envelope, position }) => {
    if (imported !== undefined || envelope.meta.command !== command) {
      if (position - 1 >= after && writtenThere(fold.peek(), imported?.source)) {
        found = true
        return 'stop'
      }
      command = envelope.meta.command
    }
    fold.apply(envelope)
    imported = recordsAFile(envelope) ? { source: envelope.data.source } : undefined
    return undefined
  }
  return pipe(
    question.read(question.origin, question.skipDamaged === true ? { event, problem: () => undefined } : { event }),
    TE.map(() => found),
  )
}

/** How the file stands to the log (see the module's comment). */
export const standingOf = (question: StandingQuestion): TE.TaskEither<StateError, Standing> => {
  const { bytes, sha256, record, position } = question
  if (record !== undefined && record.sha256 === sha256) {
    if (record.position === position) return TE.right({ kind: 'current', projection: record.projection })
    if (record.position < position) return TE.right({ kind: 'behind' })
  }
  if (bytes.length === 0) return TE.right({ kind: 'empty' })
  if (sha256Of(projectSnapshotBytes(question.state)) === sha256) return TE.right({ kind: 'current', projection: true })
  const decoded = decodeSnapshotBytes(bytes, question.path)
  if (E.isLeft(decoded)) return TE.right({ kind: 'unreadable', error: StateError.fromDomain(decoded.left) })
  const snapshot = decoded.right
  if (showsState(snapshot)(question.state)) return TE.right({ kind: 'current', projection: false })
  // Only a point after the last recorded write: an edit back to an earlier one is not a leftover.
  const after = record === undefined ? 0 : record.position + 1
  if (after > position) return TE.right({ kind: 'differs', snapshot })
  return pipe(
    leftAtAPoint(question, snapshot, after),
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

const howDifferent = (change: ReturnType<typeof snapshotChanges>[number]): string =>
  change.before.length === 0
    ? 'only in the snapshot'
    : change.after.length === 0
      ? 'only in the event log'
      : 'different'

/** Names where `snapshot` differs from the projection of `state`. */
export const differencesOf = (state: State, snapshot: Snapshot): Differences => {
  const changes = snapshotChanges(state, snapshot.releases)
  const words = changes.map((change) => `${change.releaseId} (${howDifferent(change)})`)
  if (fieldsKey(state) !== fieldsKey(snapshot)) words.push('the top-level fields')
  const named = words.length > 10 ? `${words.slice(0, 10).join(', ')} and ${words.length - 10} more` : words.join(', ')
  return { named, onlyInSnapshot: changes.filter((change) => change.before.length === 0).length }
}
