/** The Promise API's side of the fp-ts API: a `TaskEither` run to a Promise, and the type of the result. */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../domain/state-error.js'

/** A list a caller may keep and change: a copy of what the manager shares. */
export type Owned<A> = A extends ReadonlyArray<infer T> ? T[] : A

/** Each `TaskEither` operation of `F` as a function returning a Promise. */
export type Promised<F> = {
  readonly [K in keyof F]: F[K] extends (...args: infer P) => TE.TaskEither<StateError, infer R>
    ? (...args: P) => Promise<Owned<R>>
    : F[K]
}

/** Runs `task` to a Promise that rejects with its `StateError`; a list is handed out as a copy. */
export const run = async <A>(task: TE.TaskEither<StateError, A>): Promise<Owned<A>> => {
  const result = await task()
  if (E.isLeft(result)) throw result.left
  return (Array.isArray(result.right) ? [...result.right] : result.right) as Owned<A>
}
