/**
 * The bridge from system calls to values: an async step that returns an `Either` for the failures it expects, and whose
 * unexpected system errors (permissions, a full disk) become `IO_ERROR` naming the file and what was being done; and a
 * step whose thrown `StateError` (from code that cannot return one, such as a checkpoint line decoded lazily) becomes a
 * `Left`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { ioError, isStateError, type StateError } from '../domain/state-error.js'

/** Runs `step`; a thrown `StateError` stays as it is, any other throw becomes `IO_ERROR`. */
export const attempt = <A>(
  doing: string,
  file: string,
  step: () => Promise<E.Either<StateError, A>>,
): TE.TaskEither<StateError, A> =>
  pipe(
    TE.tryCatch(step, (error) => (isStateError(error) ? error : ioError(doing, file, error))),
    TE.chainEitherK((result) => result),
  )
