/** Invariants of deploy metrics over any history of deploys: what the figures promise whatever happened. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  type DeployStats,
  formatTimestamp,
  PHASE_STATUSES,
  PHASES,
  type Release,
  type StatsEvent,
  type StatsFigures,
} from '../../src/domain/index.js'
import { at, imported } from './specification.js'
import { deploy, type DeployPlan, recorded, releaseAt, statsOf, statsOfUnchecked } from './stats-specification.js'

const START = at('2025-03-01T00:00:00Z')
const WINDOW = { since: '2025-03-03T00:00:00Z', until: '2025-03-20T00:00:00Z', abandonedAfterMs: 3_600_000 }

const step = fc.record({
  environment: fc.constantFrom('prod', 'staging', 'dev'),
  gapMs: fc.integer({ min: 60_000, max: 86_400_000 }),
  stepMs: fc.integer({ min: 0, max: 600_000 }),
  outcome: fc.constantFrom('completed', 'failed', 'stopped', 'recovered'),
  phase: fc.constantFrom(...PHASES),
  rollback: fc.boolean(),
  version: fc.constantFrom('v1', 'v2', 'v3'),
})

/** A history of deploys, one after another, in up to three environments. */
const histories: fc.Arbitrary<StatsEvent[]> = fc.array(step, { maxLength: 25 }).map((steps) => {
  const events: StatsEvent[] = []
  const latest = new Map<string, Release[]>()
  let t = START
  for (const s of steps) {
    t += s.gapMs
    const before = latest.get(s.environment) ?? []
    const previous = before.at(-1)
    const release = releaseAt(formatTimestamp(t), {
      environment: s.environment,
      version: s.version,
      ...(previous === undefined ? {} : { previous }),
    })
    const plan: DeployPlan = {
      stepMs: s.stepMs,
      ...(s.outcome === 'failed' ? { failAt: s.phase } : {}),
      ...(s.outcome === 'stopped' || s.outcome === 'recovered' ? { stopAt: s.phase } : {}),
      ...(s.outcome === 'recovered' ? { recoveredAfterMs: s.stepMs } : {}),
      ...(s.rollback && before[0] !== undefined ? { rollbackOf: before[0].id } : {}),
    }
    const run = deploy(release, plan)
    events.push(...run)
    t = at(run.at(-1)?.recordedAt ?? '')
    latest.set(s.environment, [...before, release])
  }
  return events
})

/** The same history with some events recorded earlier than they were: a clock that stepped back. */
const clockSteppedBack: fc.Arbitrary<StatsEvent[]> = histories.chain((events) =>
  fc
    .array(fc.integer({ min: 0, max: 1_800_000 }), { minLength: events.length, maxLength: events.length })
    .map((backs) =>
      events.map((event, i) => ({ ...event, recordedAt: formatTimestamp(at(event.recordedAt) - (backs[i] ?? 0)) })),
    ),
)

/** Releases imported from a Go releases.json, their phases in any status, then a history of deploys. */
const importedThenDeployed: fc.Arbitrary<StatsEvent[]> = fc
  .tuple(
    fc.array(
      fc.record({
        environment: fc.constantFrom('prod', 'staging', 'dev'),
        offsetMs: fc.integer({ min: 0, max: 20 * 86_400_000 }),
        statuses: fc.array(fc.constantFrom(...PHASE_STATUSES), { minLength: PHASES.length, maxLength: PHASES.length }),
      }),
      { maxLength: 12 },
    ),
    histories,
  )
  .map(([records, events]) => {
    const releases = records.map((r, i) => ({
      ...releaseAt(formatTimestamp(START - 30 * 86_400_000 + r.offsetMs + i), { environment: r.environment }),
      phases: Object.fromEntries(PHASES.map((phase, p) => [phase, r.statuses[p]])) as Release['phases'],
    }))
    return [recorded(START - 1, imported(releases)), ...events]
  })

const durationsOf = (figures: StatsFigures) => [figures.timeToRestore, ...figures.phases]

const checkFigures = (figures: StatsFigures): void => {
  for (const summary of durationsOf(figures)) {
    if (summary.count === 0) expect([summary.medianMs, summary.p90Ms, summary.maxMs]).toEqual([null, null, null])
    else {
      expect(summary.medianMs).toBeGreaterThanOrEqual(0)
      expect(summary.p90Ms).toBeGreaterThanOrEqual(summary.medianMs as number)
      expect(summary.maxMs).toBeGreaterThanOrEqual(summary.p90Ms as number)
    }
  }
  for (const rate of [figures.changeFailure.changeFailureRate, figures.changeFailure.rollbackRate])
    if (rate !== null) expect(rate >= 0 && rate <= 1).toBe(true)
  const { outcomes, frequency, changeFailure, timeToRestore } = figures
  expect(outcomes.completed + outcomes.failed + outcomes.recovered + outcomes.unfinished + outcomes.abandoned).toBe(
    frequency.created,
  )
  expect(changeFailure.finished).toBe(outcomes.completed + outcomes.failed + outcomes.recovered)
  expect(timeToRestore.count + timeToRestore.noTiming + timeToRestore.clockWentBack + timeToRestore.unrestored).toBe(
    outcomes.failed,
  )
  expect(timeToRestore.unrestoredIds).toHaveLength(timeToRestore.unrestored)
  for (const phase of figures.phases) {
    const counted =
      phase.count + phase.noTiming + phase.unfinished + phase.notRun + phase.closedByRecovery + phase.clockWentBack
    expect(counted).toBeLessThanOrEqual(frequency.created)
  }
}

const COUNTS = (figures: StatsFigures) => [
  figures.frequency.created,
  figures.frequency.completed,
  ...Object.values(figures.outcomes),
  figures.changeFailure.rolledBack,
  figures.timeToRestore.count,
  figures.timeToRestore.noTiming,
  figures.timeToRestore.unrestored,
  ...figures.phases.flatMap((p) => [p.count, p.noTiming, p.unfinished, p.notRun, p.closedByRecovery, p.clockWentBack]),
]

const checkStats = (stats: DeployStats): void => {
  checkFigures(stats.overall)
  for (const environment of stats.environments) checkFigures(environment)
  // Every count of the whole is the sum of the environments'.
  const sums = stats.environments.map(COUNTS).reduce(
    (a, b) => a.map((n, i) => n + (b[i] as number)),
    COUNTS(stats.overall).map(() => 0),
  )
  expect(COUNTS(stats.overall)).toEqual(sums)
}

describe('deploy metrics of any history of deploys', () => {
  test.prop([histories])('durations are never negative, rates lie in [0, 1], counts add up', (events) => {
    checkStats(statsOf(events, WINDOW))
  })
  test.prop([clockSteppedBack])('with a clock that stepped back too: nothing negative is shown', (events) => {
    checkStats(statsOfUnchecked(events, WINDOW))
  })
  test.prop([importedThenDeployed])('with releases imported from a Go file, in any status, too', (events) => {
    checkStats(statsOfUnchecked(events, { ...WINDOW, since: '2025-01-01T00:00:00Z' }))
  })
  test.prop([histories])('the same events give the same figures', (events) => {
    expect(statsOf(events, WINDOW)).toEqual(statsOf([...events], WINDOW))
  })
  test.prop([histories, fc.constantFrom('prod', 'staging', 'dev')])(
    'one environment asked for has the figures it has among all',
    (events, environment) => {
      const all = statsOf(events, WINDOW).environments.find((e) => e.environment === environment)
      const alone = statsOf(events, { ...WINDOW, environment })
      expect(alone.environments).toEqual(all === undefined ? [] : [all])
    },
  )
})
