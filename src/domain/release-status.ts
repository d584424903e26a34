/** The overall status of a release, from the statuses of its phases. */
import { PHASES } from './phase.js'
import { factsOf, type Release } from './release.js'
import { epochMsOf } from './timestamp.js'

/** Where a release stands as a whole. */
export type ReleaseStatus = 'pending' | 'in progress' | 'completed' | 'failed'

/**
 * `failed` when a phase failed; `completed` when every phase completed or was skipped; `pending` when no phase has
 * started; else `in progress`.
 */
export const releaseStatus = (release: Release): ReleaseStatus => {
  const statuses = PHASES.map((phase) => release.phases[phase])
  if (statuses.includes('failed')) return 'failed'
  if (statuses.every((status) => status === 'completed' || status === 'skipped')) return 'completed'
  if (statuses.every((status) => status === 'pending')) return 'pending'
  return 'in progress'
}

/**
 * Whether a release looks abandoned at `nowMs`: still in progress, with no event for more than `thresholdMs` (since its
 * last event, or its creation when the history knows of none).
 */
export const isAbandoned = (release: Release, nowMs: number, thresholdMs: number): boolean =>
  releaseStatus(release) === 'in progress' &&
  nowMs - (factsOf(release).lastEventMs ?? epochMsOf(release.timestamp)) > thresholdMs
