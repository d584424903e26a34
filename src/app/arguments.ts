/**
 * Checks of the arguments a JavaScript caller passes to the manager that the domain's parsers do
 * not make: the kind of an options bag, a filter, a time. Each failure is `INVALID_INPUT`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { kindOf } from '../domain/show.js'
import { StateError } from '../domain/state-error.js'
import type { HistoryFilter } from './audit.js'

const bagName = (what: string): string => (what === 'history' ? 'filter of history' : `options of ${what}`)

/**
 * An options bag or a filter: each field is checked where it is used, but the bag itself must be
 * an object (or nothing, read as empty).
 */
export const checkedBag = <A extends object>(
  what: string,
  raw: A | undefined,
): TE.TaskEither<StateError, Partial<A>> =>
  raw === undefined
    ? TE.right({})
    : typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? TE.right(raw)
      : TE.left(new StateError('INVALID_INPUT', `the ${bagName(what)} must be an object, got ${kindOf(raw)}`))

/** A time a caller gives: a `Date` or a string (parsed later as RFC 3339); nothing only when not `required`. */
export const checkedTime = (what: string, raw: unknown, required = false): E.Either<StateError, unknown> =>
  (raw === undefined && !required) || raw instanceof Date || typeof raw === 'string'
    ? E.right(raw)
    : E.left(
        new StateError(
          'INVALID_INPUT',
          `${what} must be a Date or an RFC 3339 string (for example 2025-01-01T14:02:00Z), got ${kindOf(raw)}`,
        ),
      )

/** A filter of `history` (or of its streaming form): an object whose times are Dates or strings. */
export const checkedFilter = (filter: HistoryFilter | undefined): TE.TaskEither<StateError, HistoryFilter> =>
  pipe(
    checkedBag('history', filter),
    TE.chainFirstEitherK((given) =>
      pipe(
        checkedTime('since', given.since),
        E.flatMap(() => checkedTime('until', given.until)),
      ),
    ),
  )
