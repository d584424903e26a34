/** The one replay loop: every store's `load`, `stateAt` and `verify` fold with it. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { evolveRecorded, type Fold, startFold } from '../domain/evolve.js'
import { StateError } from '../domain/state-error.js'
import type { Cursor, ForeignEvent, Loaded, ReadEnd, RecordProblem, StoredEvent, Visitor } from './event-store.js'
import { noteForeign, noteUnfolded } from './foreign-events.js'

/** A read of a store from a cursor. */
export type Read = (cursor: Cursor, visitor: Visitor) => TE.TaskEither<StateError, ReadEnd>

/** What a fold does with each event besides folding it: go on, stop before folding it, or fail. */
export type Watch = (event: StoredEvent, fold: Fold) => undefined | 'stop' | StateError

/** How a fold reports to a caller that wants more than the state (the state at an instant, verify). */
export interface FoldOptions {
  /** Sees each event first: go on, stop before folding it, or fail. */
  readonly watch?: Watch | undefined
  /** Stop after the event at this position (of a newer version too; a damaged record does not stop it). */
  readonly until?: number | undefined
  /**
   * Told of each event that could not have happened, and the fold goes on past it; without it, such
   * an event is `CORRUPT_STATE` naming its place (after an event of a newer version: noted, skipped).
   */
  readonly unfolded?: ((event: StoredEvent, problem: string) => void) | undefined
  /** Told of each record that cannot be used, and the read goes on; without it, the first ends the read. */
  readonly problem?: ((problem: RecordProblem) => void) | undefined
  /** Told of each event of a newer version, besides the note the fold keeps of it. */
  readonly foreign?: ((event: ForeignEvent) => void) | undefined
  /** Told the position and SHA-256 of every record read (see {@link Visitor}). */
  readonly lineHash?: Visitor['lineHash']
}

/**
 * Folds what the store holds after `from.cursor` into `from.state`: the one replay of every store's
 * `load`, of `stateAt` and of `verify`. An event that could not have happened is `CORRUPT_STATE`
 * naming its place (unless `options.unfolded` takes it); events of a newer version, and later ones
 * that cannot be folded without them, are skipped and noted in `foreign`.
 */
export const foldRead = (
  read: Read,
  from: Loaded,
  options: FoldOptions = {},
): TE.TaskEither<StateError, Loaded & { readonly end: ReadEnd }> => {
  const { watch, until, unfolded } = options
  // Started on the first new event only: an unchanged store costs no copy of the state.
  let fold: Fold | undefined
  let { lastRecordedAt, foreign } = from
  const next = (position: number): undefined | 'stop' => (position === until ? 'stop' : undefined)
  return pipe(
    read(from.cursor, {
      event: (stored) => {
        fold ??= startFold(from.state)
        const watched = watch?.(stored, fold)
        if (watched !== undefined) return watched
        const { envelope } = stored
        const problem = fold.apply(envelope, envelope.recordedAt)
        lastRecordedAt = envelope.recordedAt
        if (problem === undefined) return next(stored.position)
        if (unfolded !== undefined) {
          unfolded(stored, problem)
          return next(stored.position)
        }
        // `location` is read only here: a store may make it only when asked. After an event this
        // version skipped, one that cannot be folded may depend on it: skipped too, not damage.
        if (foreign === undefined) return new StateError('CORRUPT_STATE', `${stored.location}: ${problem}`)
        foreign = noteUnfolded(foreign, { location: stored.location, message: problem })
        return next(stored.position)
      },
      foreign: (event) => {
        foreign = noteForeign(foreign, event)
        options.foreign?.(event)
        return next(event.position)
      },
      ...(options.problem === undefined ? {} : { problem: options.problem }),
      ...(options.lineHash === undefined ? {} : { lineHash: options.lineHash }),
    }),
    TE.map((end) => {
      const state = fold?.result() ?? from.state
      return foreign === undefined
        ? { state, cursor: end.cursor, lastRecordedAt, end }
        : { state, cursor: end.cursor, lastRecordedAt, end, foreign }
    }),
  )
}

/** The state after `envelopes`, to be appended after `from`, or `CORRUPT_STATE`, checked before appending. */
export const foldAppending = (
  from: Loaded,
  envelopes: ReadonlyArray<EventEnvelope>,
  where: string,
): E.Either<StateError, (to: Cursor) => Loaded> => {
  if (envelopes.length === 0) return E.right((to) => ({ ...from, cursor: to }))
  const folded = evolveRecorded(from.state, envelopes)
  if ('problem' in folded)
    return E.left(
      new StateError(
        'CORRUPT_STATE',
        `${where}: event ${from.cursor.position + folded.index + 1} could not have happened: ${folded.problem}; ` +
          'nothing was appended',
      ),
    )
  const lastRecordedAt = (envelopes.at(-1) as EventEnvelope).recordedAt
  return E.right((to) => ({ state: folded.state, cursor: to, lastRecordedAt }))
}
