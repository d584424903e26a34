/**
 * A manager's view of the history: the folded state and where in the store it was read up to.
 * Refreshing reads only what was appended since.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { type EventEnvelope, releaseIdsOf, type SnapshotSource, type Ulid } from './domain/events.js'
import { type Fold, startFold } from './domain/evolve.js'
import type { ReleaseId } from './domain/release-id.js'
import { initialState, type State } from './domain/state.js'
import { epochMsOfChecked, type Timestamp } from './domain/timestamp.js'
import { StateError } from './errors.js'
import type { Cursor, ReadEnd, Visitor } from './store/event-store.js'

/** The state folded from the store's events up to `cursor`. */
export interface Loaded {
  readonly state: State
  readonly cursor: Cursor
  /** When the last event was recorded: the next is never recorded earlier. */
  readonly lastRecordedAt: Timestamp | undefined
}

/** Nothing read yet. */
export const emptyLoaded = (origin: Cursor): Loaded => ({ state: initialState, cursor: origin, lastRecordedAt: undefined })

/**
 * When each release's last event was recorded, in epoch milliseconds (to spot releases left
 * behind by a dead orchestrator). Events are only ever added, so any read may note what it saw.
 * A number, not the event's timestamp string, which could keep the event's whole line in memory.
 */
export type Activity = Map<ReleaseId, number>

/** Notes the time of an event on the releases it is about. */
export const noteActivity = (activity: Activity, event: EventEnvelope): void => noteOn(activity, event, epochMsOfChecked(event.recordedAt))

const noteOn = <A>(seen: Map<ReleaseId, A>, event: EventEnvelope, at: A): void => {
  // Most events are phase updates: noted without building a list of one.
  if (event.type === 'PhaseUpdated') seen.set(event.data.releaseId, at)
  else for (const id of releaseIdsOf(event)) seen.set(id, at)
}

type Read = (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>

/**
 * Folds what the store holds after `from.cursor` into `from.state`. An event that could not have
 * happened (a tampered or damaged log) is `CORRUPT_STATE` naming its place.
 */
export const readOn = (read: Read, from: Loaded, activity: Activity): TE.TaskEither<StateError, Loaded> => {
  // Started on the first new event only: an unchanged store costs no copy of the state.
  let fold: Fold | undefined
  let { lastRecordedAt } = from
  // Each release's last time as written, turned into numbers once at the end: a replay sees
  // about thirteen events per release.
  const lastEvents = new Map<ReleaseId, Timestamp>()
  return pipe(
    read(from.cursor, {
      event: (stored) => {
        const { envelope } = stored
        fold ??= startFold(from.state)
        const problem = fold.apply(envelope)
        // `location` is read only here: a store may make it only when asked.
        if (problem !== undefined) return new StateError('CORRUPT_STATE', `${stored.location}: ${problem}`)
        noteOn(lastEvents, envelope, envelope.recordedAt)
        lastRecordedAt = envelope.recordedAt
        return undefined
      },
    }),
    TE.map((end) => {
      for (const [id, at] of lastEvents) activity.set(id, epochMsOfChecked(at))
      return { state: fold?.result() ?? from.state, cursor: end.cursor, lastRecordedAt }
    }),
  )
}

/**
 * Whether the store's history, at some point where a snapshot may have been left, was what
 * `matches` looks for: between two commands (its start included), and right after an import or
 * an accepted reconcile, whose file stays as it was (its source is then given). How a snapshot that lags
 * behind the log is told from one that was changed outside the module. `skipDamaged` passes
 * over lines that cannot be read (for `verify`, which reports them elsewhere) instead of failing.
 */
export const heldEarlier = (read: Read, origin: Cursor, matches: (state: State, imported: SnapshotSource | undefined) => boolean, skipDamaged = false): TE.TaskEither<StateError, boolean> => {
  const fold = startFold(initialState)
  let command: Ulid | 'start' | undefined = 'start'
  // Set just after an import: its file may be what a crash left, even inside the command that imported it.
  let imported: { readonly source: SnapshotSource | undefined } | undefined
  let found = false
  const event: Visitor['event'] = ({ envelope }) => {
    if (imported !== undefined || envelope.meta.command !== command) {
      if (matches(fold.peek(), imported?.source)) {
        found = true
        return 'stop'
      }
      command = envelope.meta.command
    }
    fold.apply(envelope)
    // A reconcile's accepted file, like an imported one, is left as it was read.
    imported = envelope.type === 'SnapshotImported' || envelope.type === 'SnapshotReconciled' ? { source: envelope.data.source } : undefined
    return undefined
  }
  return pipe(
    read(origin, skipDamaged ? { event, problem: () => undefined } : { event }),
    TE.map(() => found),
  )
}