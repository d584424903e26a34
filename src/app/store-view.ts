/**
 * A manager's view of its store: the longest prefix of the store read so far, caught up on demand
 * by one read at a time, and the warnings about events of a newer version, told once.
 */
import { pipe } from 'fp-ts/lib/function.js'
import type * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { settled, type StateError } from '../domain/state-error.js'
import { emptyLoaded, type EventStore, type ForeignSeen, foreignWarnings, type Loaded } from '../store/index.js'

export interface StoreView {
  /** The longest view read so far. */
  readonly current: () => Loaded
  /** Catches up with the store; concurrent callers share one read. */
  readonly refresh: TE.TaskEither<StateError, Loaded>
  /** Keeps `next` if it reaches further than the view (reads and writes may end in any order). */
  readonly adopt: (next: Loaded) => Loaded
  /** Tells what a read skipped, if it is more than was told before. */
  readonly warnForeign: (seen: ForeignSeen | undefined) => void
}

/** A view of `store`, empty until the first read. */
export const storeView = (store: EventStore, warn: (message: string) => void): StoreView => {
  let view: Loaded = emptyLoaded(store.origin)
  let refreshing: Promise<E.Either<StateError, Loaded>> | undefined
  let foreignWarned = 0

  const adopt = (next: Loaded): Loaded => {
    if (next.cursor.position >= view.cursor.position) view = next
    return view
  }
  const warnForeign = (seen: ForeignSeen | undefined): void => {
    if (seen === undefined || seen.count + seen.unfolded <= foreignWarned) return
    foreignWarned = seen.count + seen.unfolded
    for (const message of foreignWarnings(seen)) warn(message)
  }
  const refresh: TE.TaskEither<StateError, Loaded> = () => {
    refreshing ??= settled(
      pipe(
        store.load(view),
        TE.map(adopt),
        TE.tapIO((loaded) => () => warnForeign(loaded.foreign)),
      ),
    )().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }
  return { current: () => view, refresh, adopt, warnForeign }
}

/** Runs tasks one after another, each when the one before has ended (whatever its outcome). */
export const oneAtATime = (): (<A>(task: TE.TaskEither<StateError, A>) => TE.TaskEither<StateError, A>) => {
  let last: Promise<unknown> = Promise.resolve()
  return (task) => () => {
    const run = last.then(task, task)
    last = run
    return run
  }
}
