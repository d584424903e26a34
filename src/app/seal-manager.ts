/**
 * The seal operations of a manager: `seal` on demand, and the seal after a write that finished a release (the `seal`
 * option), both queued as the manager's next write.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../domain/state-error.js'
import type { EventStore } from '../store/index.js'
import type { Handled } from './handle.js'
import type { ResolvedOptions } from './options.js'
import type { Recorder } from './recorder.js'
import { nothingToSeal, type Sealed, sealStore } from './seal.js'
import { type SealKeyInput, signingKey, type SigningKey } from './seal-keys.js'
import { finalStatusReached } from './seal-options.js'
import type { StoreView } from './store-view.js'

/** What sealing needs of its manager. */
export interface SealingContext {
  readonly store: EventStore
  readonly view: StoreView
  readonly by: Recorder
  readonly config: Pick<ResolvedOptions, 'seal' | 'warn'>
  /** Runs work as the manager's next write, with the clock read when its turn comes. */
  readonly queued: <A>(work: (nowMs: number) => TE.TaskEither<StateError, A>) => TE.TaskEither<StateError, A>
  /** Whether the store holds nothing at all (no event, no releases.json). */
  readonly nothingStored: TE.TaskEither<StateError, boolean>
  /** Records what the store must record first (an import, the Go Stagecraft's changes), if anything. */
  readonly recordPending: TE.TaskEither<StateError, unknown>
}

/** The seal operations of a manager. */
export const sealing = ({ store, view, by, config, queued, nothingStored, recordPending }: SealingContext) => {
  // A key that cannot be used is refused before anything is read or locked.
  const keyFor = (key: SealKeyInput | undefined): E.Either<StateError, SigningKey> =>
    key === undefined
      ? E.left(new StateError('INVALID_INPUT', 'seal needs a key: give one, or the seal option of the manager'))
      : signingKey(key)

  const sealWith = (signing: SigningKey): TE.TaskEither<StateError, Sealed> =>
    queued((nowMs) =>
      pipe(
        sealStore(store, view.current(), signing, by, nowMs),
        TE.map(({ sealed, after }) => {
          view.adopt(after)
          return sealed
        }),
      ),
    )

  /** Seals the head with `key` (default: the `seal` option's); what the store must record first is recorded first. */
  const seal = (key: SealKeyInput | undefined): TE.TaskEither<StateError, Sealed> =>
    pipe(
      TE.fromEither(keyFor(key ?? config.seal?.key)),
      TE.tap(() =>
        pipe(
          nothingStored,
          TE.flatMap((empty) => (empty ? TE.left(nothingToSeal(store)) : recordPending)),
        ),
      ),
      TE.flatMap(sealWith),
    )

  // A seal that fails cannot undo the write before it, which is durable: it only warns.
  const afterWrite = (handled: Handled): TE.TaskEither<never, Sealed | undefined> =>
    config.seal === undefined || !finalStatusReached(handled)
      ? TE.right(undefined)
      : pipe(
          TE.fromEither(keyFor(config.seal.key)),
          TE.flatMap(sealWith),
          TE.match(
            (error): Sealed | undefined => {
              config.warn(
                `the write was recorded (event ${handled.position}), but the seal after it was not: ${error.message}`,
              )
              return undefined
            },
            (sealed) => sealed,
          ),
          TE.fromTask,
        )

  return { seal, afterWrite }
}
