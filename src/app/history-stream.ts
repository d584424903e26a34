/**
 * The audit trail event by event, for the CLI's streamed `history` (internals only: the public `history()` stays a
 * Promise of the whole list). A manager carries its streaming read under a symbol, out of sight of its callers and of
 * the Promise wrapper, which copies only its enumerable operations.
 */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../domain/state-error.js'
import type { FpStateManager } from './api.js'
import type { HistoryFilter, HistoryVisit } from './audit.js'

const STREAM = Symbol('stagecraft-state.history-stream')

type Stream = (filter: HistoryFilter, visit: HistoryVisit) => TE.TaskEither<StateError, void>

/** Gives a manager its streaming read. */
export const withHistoryStream = <M extends FpStateManager>(manager: M, stream: Stream): M =>
  Object.defineProperty(manager, STREAM, { value: stream, enumerable: false })

/**
 * Hands each event of `manager`'s history that matches `filter` to `visit` as it is read, oldest first, until `visit`
 * says 'stop'; the events before a corrupt record are handed on before the read fails with it.
 */
export const streamHistory = (
  manager: FpStateManager,
  filter: HistoryFilter,
  visit: HistoryVisit,
): TE.TaskEither<StateError, void> => {
  const stream = (manager as unknown as { [STREAM]?: Stream })[STREAM]
  return stream === undefined
    ? TE.left(
        new StateError('INVALID_INPUT', 'this manager cannot stream its history (not made by createStateManager)'),
      )
    : stream(filter, visit)
}
