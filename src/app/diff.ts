/** `releaseDiff`: two releases compared, with who recorded each from the history. */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { diffReleases, type ReleaseDiff } from '../domain/release-diff.js'
import type { StateError } from '../domain/state-error.js'
import type { FpStateManager } from './api.js'
import type { HistoryEvent } from './audit.js'

/** Who recorded the events, each once, in the order they first did. */
const actorsOf = (events: ReadonlyArray<HistoryEvent>): ReadonlyArray<string> => [
  ...new Set(events.map((event) => event.meta.actor)),
]

/** What changed from release `fromId` to release `toId` (`RELEASE_NOT_FOUND` naming one that does not exist). */
export const releaseDiff =
  (manager: Pick<FpStateManager, 'getRelease' | 'history'>) =>
  (fromId: string, toId: string): TE.TaskEither<StateError, ReleaseDiff> =>
    pipe(
      TE.Do,
      TE.apS('from', manager.getRelease(fromId)),
      TE.apS('to', manager.getRelease(toId)),
      TE.bind('fromEvents', ({ from }) => manager.history({ releaseId: from.id })),
      TE.bind('toEvents', ({ to }) => manager.history({ releaseId: to.id })),
      TE.map(({ from, to, fromEvents, toEvents }) =>
        diffReleases(from, to, { from: actorsOf(fromEvents), to: actorsOf(toEvents) }),
      ),
    )
