/** The overall status of a release, from the statuses of its phases. */
import { PHASES } from './phase.js'
import { factsOf, type Release } from './release.js'
import { epochMsOf } from './timestamp.js'

/** Where a release stands as a whole. */
export type ReleaseStatus = 'pending' | 'in progress' | 'completed' | 'failed'

/** `failed` if a phase failed; `completed` if all completed or skipped; `pending` if none began; else `in progress`. */
export const releaseStatus = (release: Release): ReleaseStatus => {
  const statuses = PHASES.map((phase) => release.phases[phase])
  if (statuses.includes('failed')) return 'failed'
  if (statuses.every((status) => status === 'completed' || status === 'skipped')) return 'completed'
  if (statuses.every((status) => status === 'pending')) return 'pending'
  return 'in progress'
}

/** Whether a release looks abandoned at `nowMs`: in progress, no event (or creation) for over `thresholdMs`. */
export const isAbandoned = (release: Release, nowMs: number, thresholdMs: number): boolean =>
  releaseStatus(release) === 'in progress' &&
  nowMs - (factsOf(release).lastEventMs ?? epochMsOf(release.timestamp)) > thresholdMs

/** Every overall status, for the CLI's `--status` and its help: a status added to the type must be added here. */
export const RELEASE_STATUSES = [
  'pending',
  'in progress',
  'completed',
  'failed',
] as const satisfies ReadonlyArray<ReleaseStatus>

// Fails to compile when the type gains a status the list lacks.
const everyStatusListed: Exclude<ReleaseStatus, (typeof RELEASE_STATUSES)[number]> extends never ? true : never = true
void everyStatusListed
