/** What a write about one release recorded, as printed: the events it appended, whatever other writers did. */
import type { HistoryEvent, Recorded, StateManager } from '../../index.js'
import type { PhaseUpdated } from '../../internals.js'
import { type Style, statusPaint } from '../format/style.js'
import { referencedId } from './reference.js'

/**
 * Runs a write about the release a reference names, refusing an unknown one by a read first: no lock, so no
 * `.stagecraft` is left.
 */
export const writeAbout = async (
  manager: StateManager,
  reference: string,
  write: (releaseId: string) => Promise<Recorded>,
): Promise<Recorded> => {
  const releaseId = await referencedId(manager, reference)
  await manager.getRelease(releaseId)
  return write(releaseId)
}

/** What the `--seal-key` option added after a write that finished a release, as a line (none when not sealed). */
export const sealedLines = ({ sealed }: Recorded): string[] =>
  sealed === undefined
    ? []
    : [
        `sealed event ${sealed.head.position} with key ${sealed.keyId.slice(0, 16)}… ` +
          `(the seal is event ${sealed.position})`,
      ]

/** The phase changes among the events a write recorded, in order. */
export const phaseChanges = (events: ReadonlyArray<HistoryEvent>): ReadonlyArray<PhaseUpdated> =>
  events.flatMap((event) => (event.type === 'PhaseUpdated' ? [event.data] : []))

/** A recorded phase change as the CLI prints it: `rollout running -> failed`, the new status painted. */
export const changeText = (change: PhaseUpdated, style: Style): string =>
  `${change.phase} ${change.from} -> ${statusPaint(style, change.to)(change.to)}`
