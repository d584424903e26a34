/**
 * The shape of deploy metrics (docs/metrics.md defines every figure): plain numbers, strings and nulls, so that the
 * same value is the API's answer and the CLI's JSON. A figure with nothing to measure is `null`, never a guess.
 */
import type { ReleasePhase } from './phase.js'

/** What stats are asked about: a window of time, one environment or all, and when a release counts as abandoned. */
export interface StatsQuery {
  /** The window's start, in epoch milliseconds (releases created at or after it). */
  readonly sinceMs: number
  /** The window's end, in epoch milliseconds (releases created at or before it; events after it are not read). */
  readonly untilMs: number
  /** Only this environment (all when absent). */
  readonly environment?: string | undefined
  /** A release not finished with no event for longer than this at `untilMs` counts as abandoned. */
  readonly abandonedAfterMs: number
}

/** The spread of a set of durations, in milliseconds; `null` each when there are none. */
export interface DurationSummary {
  /** How many durations were measured. */
  readonly count: number
  /** The middle duration (nearest rank: the ⌈n/2⌉-th smallest). */
  readonly medianMs: number | null
  /** The 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest). */
  readonly p90Ms: number | null
  /** The longest. */
  readonly maxMs: number | null
}

/** How long one phase took, from its `running` event to the event of its final status. */
export interface PhaseStats extends DurationSummary {
  readonly phase: ReleasePhase
  /** Phases that reached a final status with no `running` event to time them from (imported, adopted, or not run). */
  readonly noTiming: number
  /** Phases still running at the end of the window. */
  readonly unfinished: number
  /** Phases skipped without ever running (not a duration: nothing ran). */
  readonly notRun: number
  /** Running phases closed by `recover` (the time is when someone recovered, not how long the phase ran). */
  readonly closedByRecovery: number
  /** Durations left out because the final event was recorded before the `running` one (a clock stepped back). */
  readonly clockWentBack: number
}

/** Deployment frequency: releases per day and per week of the window. */
export interface FrequencyStats {
  /** Releases created in the window. */
  readonly created: number
  /** Of those, the ones that completed (every phase completed or skipped, none failed, no recovery). */
  readonly completed: number
  /** `created` per day of the window (`null` for a window of no length). */
  readonly createdPerDay: number | null
  /** `created` per 7 days of the window. */
  readonly createdPerWeek: number | null
  /** `completed` per day of the window: DORA's deployment frequency. */
  readonly completedPerDay: number | null
  /** `completed` per 7 days of the window. */
  readonly completedPerWeek: number | null
}

/** Where the releases created in the window stand at its end; the five add up to `created`. */
export interface OutcomeStats {
  readonly completed: number
  /** A phase failed during the run. */
  readonly failed: number
  /** Closed out by `recover`. */
  readonly recovered: number
  /** Pending or in progress, with an event within the abandoned threshold. */
  readonly unfinished: number
  /** Pending or in progress with no event for longer than the threshold: probably left by a dead orchestrator. */
  readonly abandoned: number
}

/** Change failure rate, and the share rolled back. */
export interface ChangeFailureStats {
  /** Releases created in the window that reached a final status (completed, failed or recovered). */
  readonly finished: number
  /** Of those, the ones with a failed phase (overall status `failed`). */
  readonly failed: number
  /** `failed / finished`, in [0, 1]; `null` when none finished. */
  readonly changeFailureRate: number | null
  /** Releases created in the window that the next release of their environment rolled back. */
  readonly rolledBack: number
  /** `rolledBack / created`, in [0, 1]; `null` when none was created. */
  readonly rollbackRate: number | null
}

/** Time to restore: from the event that failed a release to the event that completed a later one. */
export interface RestoreStats extends DurationSummary {
  /** Failed releases created in the window (each either restored, timed or not, or unrestored). */
  readonly failures: number
  /** Failures a later release restored, but with no time for one of the two events (imported or adopted). */
  readonly noTiming: number
  /** Restores left out because the completing event was recorded before the failing one (a clock stepped back). */
  readonly clockWentBack: number
  /** Failures no later release of the environment had completed by the end of the window. */
  readonly unrestored: number
  /** The ids of those, oldest first. */
  readonly unrestoredIds: ReadonlyArray<string>
}

/** Every figure, for one environment or for all. */
export interface StatsFigures {
  readonly frequency: FrequencyStats
  readonly outcomes: OutcomeStats
  readonly changeFailure: ChangeFailureStats
  readonly timeToRestore: RestoreStats
  /** One entry per phase, in the order a deploy runs them. */
  readonly phases: ReadonlyArray<PhaseStats>
}

/** The figures of one environment. */
export interface EnvironmentStats extends StatsFigures {
  readonly environment: string
}

/** Deploy metrics over a window, per environment and overall (docs/metrics.md). */
export interface DeployStats {
  /** The window's start, RFC 3339 (UTC). */
  readonly since: string
  /** The window's end, RFC 3339 (UTC). */
  readonly until: string
  /** The window's length in days (fractional). */
  readonly days: number
  /** The environment asked about, or `null` for all. */
  readonly environment: string | null
  /** The abandoned threshold used, in milliseconds. */
  readonly abandonedAfterMs: number
  /** Every environment's figures together: counts are the sums of the environments'. */
  readonly overall: StatsFigures
  /** Each environment with a release created in the window, in name order. */
  readonly environments: ReadonlyArray<EnvironmentStats>
}
