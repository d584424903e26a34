/** The overall status of a release, from the statuses of its phases and what closed them. */
import { PHASES, type ReleasePhase } from './phase.js'
import { factsOf, type Release } from './release.js'
import { epochMsOf } from './timestamp.js'

/** Where a release stands as a whole. */
export type ReleaseStatus = 'pending' | 'in progress' | 'completed' | 'recovered' | 'failed'

/** Every overall status, in the order a release goes through them. */
export const RELEASE_STATUSES: ReadonlyArray<ReleaseStatus> = Object.freeze([
  'pending',
  'in progress',
  'completed',
  'recovered',
  'failed',
])

/** The phases `recover` closed that are still as it left them (a later reconcile may have changed one). */
const closedByRecovery = (release: Release): ReadonlySet<ReleasePhase> =>
  new Set((factsOf(release).recovered ?? []).filter((phase) => ['failed', 'skipped'].includes(release.phases[phase])))

/**
 * `failed` if a phase failed during the run; `pending` if none began; `in progress` while one is not final;
 * `recovered` if `recover` closed any; else `completed` (every phase completed or deliberately skipped).
 */
export const releaseStatus = (release: Release): ReleaseStatus => {
  const recovered = closedByRecovery(release)
  const statuses = PHASES.map((phase) => release.phases[phase])
  if (PHASES.some((phase) => release.phases[phase] === 'failed' && !recovered.has(phase))) return 'failed'
  if (statuses.every((status) => status === 'pending')) return 'pending'
  if (statuses.some((status) => status === 'pending' || status === 'running')) return 'in progress'
  return recovered.size > 0 ? 'recovered' : 'completed'
}

/** Whether a release has a phase running now. */
export const hasRunningPhase = (release: Release): boolean =>
  PHASES.some((phase) => release.phases[phase] === 'running')

/** How long a release has not moved at `nowMs`: since its last event, or its creation for a release from elsewhere. */
export const idleMs = (release: Release, nowMs: number): number =>
  nowMs - (factsOf(release).lastEventMs ?? epochMsOf(release.timestamp))

/** Whether a release looks abandoned at `nowMs`: not started or not finished, and idle for over `thresholdMs`. */
export const isAbandoned = (release: Release, nowMs: number, thresholdMs: number): boolean => {
  const status = releaseStatus(release)
  return (status === 'pending' || status === 'in progress') && idleMs(release, nowMs) > thresholdMs
}
