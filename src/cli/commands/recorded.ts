/**
 * What a write of this process actually recorded, read back from the history.
 *
 * `updatePhase` and `recoverRelease` answer with the release after the write, not with the
 * events they recorded, and a read made before the write says what the release was then, not
 * what it was when the write took the lock: a concurrent writer in between makes "from -> to"
 * printed from such a read differ from the history. So the events are read back after the write.
 *
 * The events of this command are those of this host and process id recorded since this process
 * started: a process id is unique on a host while the process lives, and an earlier process that
 * had the same id (a container's PID 1 run after run) recorded its events before this one began.
 * One process runs one command; should several writes of one process touch the release, the last
 * command's events are taken.
 */
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { PhaseUpdated, Release, StateError, StateManager } from '../../index.js'
import { type Style, statusPaint } from '../format/style.js'

/**
 * Runs a write about one release. The read first is not what is printed: it warms the manager's
 * view, so that the write reads under the lock only what others appended since.
 */
export const writeAbout = async (manager: StateManager, releaseId: string, write: () => Promise<Release>): Promise<Release> => {
  await manager.getRelease(releaseId)
  return write()
}

/**
 * The phase changes the last write of this process recorded for the release, in order (none when
 * it recorded nothing); a `StateError` when the history could not be read back. That is no
 * failure of the command, whose write is done: the caller says what it can and warns.
 */
export const phaseChangesRecordedHere = async (manager: StateManager, releaseId: string): Promise<E.Either<StateError, ReadonlyArray<PhaseUpdated>>> => {
  const started = new Date(Math.floor(performance.timeOrigin))
  const host = hostname()
  return pipe(
    await manager.fp.history({ releaseId, since: started })(),
    E.map((events) => {
      const ours = events.filter((event) => event.meta.pid === process.pid && event.meta.host === host)
      const command = ours.at(-1)?.meta.command
      return ours.flatMap((event) => (event.meta.command === command && event.type === 'PhaseUpdated' ? [event.data] : []))
    }),
  )
}

/** The warning when the history could not be read back after a write that succeeded. */
export const notReadBack = (error: StateError): string => `the write is recorded, but the history could not be read back to say what changed: ${error.message}`

/** A recorded phase change as the CLI prints it: `rollout running -> failed`, the new status painted. */
export const changeText = (change: PhaseUpdated, style: Style): string => `${change.phase} ${change.from} -> ${statusPaint(style, change.to)(change.to)}`
