/** From the releases a metrics fold followed to the figures of docs/metrics.md, per environment and overall. */
import type {
  DeployStats,
  EnvironmentStats,
  PhaseStats,
  RestoreStats,
  StatsFigures,
  StatsQuery,
} from './deploy-stats.js'
import { summarize } from './durations.js'
import { PHASES } from './phase.js'
import type { PhaseOutcome, StatsRelease } from './stats-release.js'
import { formatTimestamp } from './timestamp.js'

const DAY_MS = 86_400_000

/** The counted releases of one environment (or of all), and the durations measured. */
interface Tally {
  created: number
  completed: number
  failed: number
  recovered: number
  unfinished: number
  abandoned: number
  rolledBack: number
  readonly restores: number[]
  restoreNoTiming: number
  restoreClockWentBack: number
  readonly unrestored: StatsRelease[]
  /** Per phase: its durations and how many of each outcome. */
  readonly phases: ReadonlyArray<{ readonly took: number[]; readonly outcomes: Map<PhaseOutcome, number> }>
}

const emptyTally = (): Tally => ({
  created: 0,
  completed: 0,
  failed: 0,
  recovered: 0,
  unfinished: 0,
  abandoned: 0,
  rolledBack: 0,
  restores: [],
  restoreNoTiming: 0,
  restoreClockWentBack: 0,
  unrestored: [],
  phases: PHASES.map(() => ({ took: [], outcomes: new Map() })),
})

const countRestore = (tally: Tally, release: StatsRelease): void => {
  if (release.restore === 'timed') tally.restores.push(release.restoreMs)
  else if (release.restore === 'no timing') tally.restoreNoTiming++
  else if (release.restore === 'clock went back') tally.restoreClockWentBack++
  else tally.unrestored.push(release)
}

const countRelease = (tally: Tally, release: StatsRelease, query: StatsQuery): void => {
  tally.created++
  if (release.rolledBack) tally.rolledBack++
  switch (release.status) {
    case 'completed':
      tally.completed++
      break
    case 'recovered':
      tally.recovered++
      break
    case 'failed':
      tally.failed++
      countRestore(tally, release)
      break
    default:
      if (query.untilMs - release.lastEventMs > query.abandonedAfterMs) tally.abandoned++
      else tally.unfinished++
  }
  release.outcome.forEach((outcome, i) => {
    const phase = tally.phases[i] as Tally['phases'][number]
    phase.outcomes.set(outcome, (phase.outcomes.get(outcome) ?? 0) + 1)
    if (outcome === 'timed') phase.took.push(release.took[i] as number)
  })
}

const merged = (tallies: ReadonlyArray<Tally>): Tally => {
  const all = emptyTally()
  for (const tally of tallies) {
    for (const key of ['created', 'completed', 'failed', 'recovered', 'unfinished', 'abandoned', 'rolledBack'] as const)
      all[key] += tally[key]
    for (const took of tally.restores) all.restores.push(took)
    all.restoreNoTiming += tally.restoreNoTiming
    all.restoreClockWentBack += tally.restoreClockWentBack
    for (const release of tally.unrestored) all.unrestored.push(release)
    tally.phases.forEach((phase, i) => {
      const into = all.phases[i] as Tally['phases'][number]
      for (const took of phase.took) into.took.push(took)
      for (const [outcome, n] of phase.outcomes) into.outcomes.set(outcome, (into.outcomes.get(outcome) ?? 0) + n)
    })
  }
  all.unrestored.sort((a, b) => a.seq - b.seq)
  return all
}

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole)
const perDays = (count: number, days: number): number | null => (days > 0 ? count / days : null)

const restoreOf = (tally: Tally): RestoreStats => ({
  failures: tally.failed,
  ...summarize(tally.restores),
  noTiming: tally.restoreNoTiming,
  clockWentBack: tally.restoreClockWentBack,
  unrestored: tally.unrestored.length,
  unrestoredIds: tally.unrestored.map((release) => release.id),
})

const phasesOf = (tally: Tally): ReadonlyArray<PhaseStats> =>
  PHASES.map((phase, i) => {
    const { took, outcomes } = tally.phases[i] as Tally['phases'][number]
    const n = (outcome: PhaseOutcome): number => outcomes.get(outcome) ?? 0
    return {
      phase,
      ...summarize(took),
      noTiming: n('no timing'),
      unfinished: n('running'),
      notRun: n('not run'),
      closedByRecovery: n('closed by recovery'),
      clockWentBack: n('clock went back'),
    }
  })

const figuresOf = (tally: Tally, days: number): StatsFigures => {
  const finished = tally.completed + tally.failed + tally.recovered
  return {
    frequency: {
      created: tally.created,
      completed: tally.completed,
      createdPerDay: perDays(tally.created, days),
      createdPerWeek: perDays(tally.created * 7, days),
      completedPerDay: perDays(tally.completed, days),
      completedPerWeek: perDays(tally.completed * 7, days),
    },
    outcomes: {
      completed: tally.completed,
      failed: tally.failed,
      recovered: tally.recovered,
      unfinished: tally.unfinished,
      abandoned: tally.abandoned,
    },
    changeFailure: {
      finished,
      failed: tally.failed,
      changeFailureRate: rate(tally.failed, finished),
      rolledBack: tally.rolledBack,
      rollbackRate: rate(tally.rolledBack, tally.created),
    },
    timeToRestore: restoreOf(tally),
    phases: phasesOf(tally),
  }
}

/** The figures of the counted releases among `releases` created in `query`'s window. */
export const tallyStats = (query: StatsQuery, releases: Iterable<StatsRelease>): DeployStats => {
  const byEnvironment = new Map<string, Tally>()
  for (const release of releases) {
    // A counted release was created in the fold's window; the query's may start later (StatsFold.result).
    if (!release.counted || release.createdMs < query.sinceMs) continue
    let tally = byEnvironment.get(release.environment)
    if (tally === undefined) byEnvironment.set(release.environment, (tally = emptyTally()))
    countRelease(tally, release, query)
  }
  const days = Math.max(0, query.untilMs - query.sinceMs) / DAY_MS
  const names = [...byEnvironment.keys()].sort()
  const environments: EnvironmentStats[] = names.map((environment) => ({
    environment,
    ...figuresOf(byEnvironment.get(environment) as Tally, days),
  }))
  return {
    since: formatTimestamp(query.sinceMs),
    until: formatTimestamp(query.untilMs),
    days,
    environment: query.environment ?? null,
    abandonedAfterMs: query.abandonedAfterMs,
    overall: figuresOf(merged([...byEnvironment.values()]), days),
    environments,
  }
}
