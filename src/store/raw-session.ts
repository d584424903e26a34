/** A write session for a store that keeps its projection in step with each append (the PostgreSQL store). */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { StateError } from '../domain/state-error.js'
import { type Cursor, type Loaded, unprepared, type WriteSession } from './event-store.js'
import { foldAppending, foldRead, type Read } from './fold.js'

/** An append as the store sees it: the events, where they go, and the state they make. */
export interface Appending {
  readonly from: Loaded
  readonly envelopes: ReadonlyArray<EventEnvelope>
  /** `from.state` after the events, and when the last of them was recorded. */
  readonly after: Pick<Loaded, 'state' | 'lastRecordedAt'>
}

/** Reading and appending at the cursor level, under the lock. */
export interface RawSession {
  readonly read: Read
  /** The store caught up from `from`, for a store that can do better than folding every event after it. */
  readonly load?: (from: Loaded) => TE.TaskEither<StateError, Loaded>
  /** Appends the events after `from.cursor` durably, with whatever the store keeps of `after`; returns the new end. */
  readonly append: (appending: Appending) => TE.TaskEither<StateError, Cursor>
}

/** The write session over `raw`; `settle` runs after each append that recorded something, and cannot fail the write. */
export const writeSessionOver = (
  raw: RawSession,
  where: string,
  settle: (after: Loaded) => void = () => undefined,
): WriteSession => ({
  read: raw.read,
  load: raw.load ?? ((from) => foldRead(raw.read, from)),
  prepare: (loaded, intent) =>
    intent === 'command'
      ? TE.right(unprepared(loaded))
      : TE.left(new StateError('INVALID_INPUT', `${where} keeps no releases.json of its own to reconcile`)),
  append: (prepared, envelopes) =>
    pipe(
      TE.fromEither(foldAppending(prepared.loaded, envelopes, where)),
      TE.chain((folded) => {
        const after = folded(prepared.loaded.cursor)
        return pipe(
          raw.append({ from: prepared.loaded, envelopes, after }),
          TE.map((cursor): Loaded => ({ ...after, cursor })),
        )
      }),
      TE.map((after) => {
        if (envelopes.length > 0) settle(after)
        return after
      }),
    ),
})
