/**
 * fp-ts's `Either`, built without loading fp-ts, for the modules every run loads (the command line, the command table):
 * `--version` and `--help` load nothing of fp-ts. The values are fp-ts's own (`{ _tag: 'Left', left }`, `{ _tag:
 * 'Right', right }`), so the rest of the CLI, once fp-ts is loaded, takes them as any other.
 */
import type { Either, Left } from 'fp-ts/lib/Either.js'

export type { Either }

export const left = <E, A = never>(left: E): Either<E, A> => ({ _tag: 'Left', left })

export const right = <A, E = never>(right: A): Either<E, A> => ({ _tag: 'Right', right })

export const isLeft = <E, A>(either: Either<E, A>): either is Left<E> => either._tag === 'Left'
