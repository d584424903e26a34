/**
 * What deploy metrics keep of one release while events are folded: its phases' statuses and how each was reached
 * (timed or not), when it failed, whether it was rolled back and restored. Times are epoch milliseconds taken from the
 * events; NaN is "no time" (an import or an adopted change says what happened, not when).
 */
import { madeByRecovery, type PhaseUpdated } from './events.js'
import { PHASES, type PhaseStatus, type ReleasePhase } from './phase.js'
import type { ReleaseStatus } from './release-status.js'

/** How a phase's last change is counted (docs/metrics.md, "Phase durations"). */
export type PhaseOutcome =
  'not started' | 'running' | 'timed' | 'no timing' | 'not run' | 'closed by recovery' | 'clock went back'

/** How a failed release's restore is counted. */
export type RestoreOutcome = 'none' | 'timed' | 'no timing' | 'clock went back'

/** One release as metrics follow it (mutable: owned by one fold). */
export interface StatsRelease {
  readonly id: string
  readonly environment: string
  version: string
  commitSha: string
  /** When it was created: its create event's time, or an imported release's own timestamp. */
  readonly createdMs: number
  /** Its place among the releases the fold has seen, in creation order. */
  readonly seq: number
  /** The release its environment held before it, while it is its environment's current one (for rollbacks). */
  previous: StatsRelease | undefined
  /** Created in the window (and of the environment asked about). */
  readonly counted: boolean
  /** The status of each phase, in the order of {@link PHASES} (arrays, not records: 100,000 releases are kept). */
  readonly phases: PhaseStatus[]
  /** When each phase began running (NaN: untimed or not running). */
  readonly runningSince: number[]
  /** The duration of each phase timed to its final status. */
  readonly took: number[]
  /** How each phase is counted. */
  readonly outcome: PhaseOutcome[]
  /** The phases a recovery closed, once one did. */
  recovered: ReleasePhase[] | undefined
  status: ReleaseStatus
  lastEventMs: number
  /** When it failed (NaN: no time), while failed. */
  failedAtMs: number
  rolledBack: boolean
  restore: RestoreOutcome
  restoreMs: number
}

/** A release first seen at `createdMs`, every phase pending. */
export const newStatsRelease = (
  fields: Pick<StatsRelease, 'id' | 'environment' | 'version' | 'commitSha' | 'createdMs' | 'seq' | 'previous'>,
  counted: boolean,
): StatsRelease => ({
  id: fields.id,
  environment: fields.environment,
  version: fields.version,
  commitSha: fields.commitSha,
  createdMs: fields.createdMs,
  seq: fields.seq,
  previous: fields.previous,
  counted,
  phases: ['pending', 'pending', 'pending', 'pending', 'pending', 'pending'],
  runningSince: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN],
  took: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN],
  outcome: ['not started', 'not started', 'not started', 'not started', 'not started', 'not started'],
  recovered: undefined,
  status: 'pending',
  lastEventMs: fields.createdMs,
  failedAtMs: Number.NaN,
  rolledBack: false,
  restore: 'none',
  restoreMs: Number.NaN,
})

// The rule of release-status.ts's releaseStatus, over what metrics keep; a loop, as it runs on every event.
const statusOf = (release: StatsRelease): ReleaseStatus => {
  let started = false
  let open = false
  for (let i = 0; i < PHASES.length; i++) {
    const status = release.phases[i]
    if (status === 'failed' && release.recovered?.includes(PHASES[i] as ReleasePhase) !== true) return 'failed'
    if (status !== 'pending') started = true
    if (status === 'pending' || status === 'running') open = true
  }
  if (!started) return 'pending'
  if (open) return 'in progress'
  return release.recovered === undefined ? 'completed' : 'recovered'
}

/** How a phase change is told: to what, from what, when (NaN: no time), and whether a recovery made it. */
export interface PhaseChange {
  readonly phase: ReleasePhase
  readonly from: PhaseStatus
  readonly to: PhaseStatus
  readonly atMs: number
  readonly byRecovery: boolean
}

const outcomeOf = (release: StatsRelease, i: number, change: PhaseChange): PhaseOutcome => {
  if (change.to === 'running') return 'running'
  if (change.to === 'pending') return 'not started'
  if (change.from !== 'running') return change.to === 'skipped' ? 'not run' : 'no timing'
  if (change.byRecovery) return 'closed by recovery'
  const took = change.atMs - (release.runningSince[i] as number)
  if (Number.isNaN(took)) return 'no timing'
  if (took < 0) return 'clock went back'
  release.took[i] = took
  return 'timed'
}

/** Applies one phase change; returns the release's overall status before it, to see what the change did. */
export const changePhase = (release: StatsRelease, change: PhaseChange): ReleaseStatus => {
  const i = PHASES.indexOf(change.phase)
  const before = release.status
  release.phases[i] = change.to
  const closing = change.to === 'failed' || change.to === 'skipped'
  if (change.byRecovery && closing) {
    release.recovered ??= []
    if (!release.recovered.includes(change.phase)) release.recovered.push(change.phase)
  }
  if (change.to === 'running') release.runningSince[i] = change.atMs
  release.outcome[i] = outcomeOf(release, i, change)
  release.status = statusOf(release)
  if (release.status === 'failed' && before !== 'failed') release.failedAtMs = change.atMs
  return before
}

/** A `PhaseUpdated` event as a phase change at `atMs`. */
export const phaseChangeOf = (data: PhaseUpdated, atMs: number): PhaseChange => ({
  phase: data.phase,
  from: data.from,
  to: data.to,
  atMs,
  byRecovery: madeByRecovery(data),
})
