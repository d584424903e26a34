/** What a write about one release recorded, as printed: the events it appended, whatever other writers did. */
import type { HistoryEvent, Recorded, StateManager } from '../../index.js'
import type { PhaseUpdated } from '../../internals.js'
import { type Style, statusPaint } from '../format/style.js'

/** Runs a write about one release, refusing an unknown id by a read first: no lock, so no `.stagecraft` is left. */
export const writeAbout = async (
  manager: StateManager,
  releaseId: string,
  write: () => Promise<Recorded>,
): Promise<Recorded> => {
  await manager.getRelease(releaseId)
  return write()
}

/** The phase changes among the events a write recorded, in order. */
export const phaseChanges = (events: ReadonlyArray<HistoryEvent>): ReadonlyArray<PhaseUpdated> =>
  events.flatMap((event) => (event.type === 'PhaseUpdated' ? [event.data] : []))

/** A recorded phase change as the CLI prints it: `rollout running -> failed`, the new status painted. */
export const changeText = (change: PhaseUpdated, style: Style): string =>
  `${change.phase} ${change.from} -> ${statusPaint(style, change.to)(change.to)}`
