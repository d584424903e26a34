/**
 * Given these events at these times, then these stats: builders for deploy histories with times, checked to be
 * histories that could have happened (the real fold refuses any other), and the metrics asked of them.
 */
import {
  type DeployStats,
  type DomainEvent,
  deployStats,
  formatTimestamp,
  initialState,
  PHASES,
  type Release,
  type ReleasePhase,
  type StatsEvent,
  type StatsQuery,
  startFold,
  type Timestamp,
} from '../../src/domain/index.js'
import { at, created, newRelease, phaseUpdated, recoveryUpdated } from './specification.js'

/** An event recorded at `iso`. */
export const recorded = (iso: string | number, event: DomainEvent): StatsEvent => ({
  ...event,
  recordedAt: (typeof iso === 'number' ? formatTimestamp(iso) : iso) as Timestamp,
})

/** How a deploy goes: each phase runs `stepMs`; it fails at `failAt`, or stops while `stopAt` runs. */
export interface DeployPlan {
  readonly stepMs?: number
  readonly failAt?: ReleasePhase
  readonly stopAt?: ReleasePhase
  readonly rollbackOf?: string
  /** The orchestrator died while `stopAt` ran, and `recover` closed the release this long after. */
  readonly recoveredAfterMs?: number
}

/** The events of one deploy of `release`, created at its timestamp: every phase running, then final. */
export const deploy = (release: Release, plan: DeployPlan = {}): StatsEvent[] => {
  const stepMs = plan.stepMs ?? 1000
  let t = at(release.timestamp)
  const events = [recorded(t, created(release, plan.rollbackOf === undefined ? {} : { rollbackOf: plan.rollbackOf }))]
  for (const [i, phase] of PHASES.entries()) {
    events.push(recorded(++t, phaseUpdated(release.id, phase, 'pending', 'running')))
    if (phase === plan.stopAt) {
      if (plan.recoveredAfterMs === undefined) return events
      t += plan.recoveredAfterMs
      events.push(recorded(t, recoveryUpdated(release.id, phase, 'running', 'failed', 'runner gone')))
      for (const rest of PHASES.slice(i + 1))
        events.push(recorded(t, recoveryUpdated(release.id, rest, 'pending', 'skipped', 'runner gone')))
      return events
    }
    t += stepMs
    const to = phase === plan.failAt ? 'failed' : 'completed'
    events.push(recorded(t, phaseUpdated(release.id, phase, 'running', to)))
    if (to === 'failed') return events
  }
  return events
}

/** A release created at `iso` after `previous` (of its environment). */
export const releaseAt = (
  iso: string,
  fields: { environment?: string; version?: string; commitSha?: string; previous?: Release } = {},
): Release =>
  newRelease(iso, {
    ...(fields.environment === undefined ? {} : { environment: fields.environment }),
    ...(fields.version === undefined ? {} : { version: fields.version }),
    ...(fields.commitSha === undefined ? {} : { commitSha: fields.commitSha }),
    ...(fields.previous === undefined ? {} : { previousId: fields.previous.id }),
  })

/** Throws unless every event could have happened, in order (a mistake in the test, not in the metrics). */
export const checkHistory = (events: ReadonlyArray<StatsEvent>): void => {
  const fold = startFold(initialState)
  events.forEach((event, i) => {
    const problem = fold.apply(event, event.recordedAt)
    if (problem !== undefined) throw new Error(`given event ${i} (${event.type}) could not have happened: ${problem}`)
  })
}

/** A window, as ISO instants. */
export interface Window {
  readonly since: string
  readonly until: string
  readonly environment?: string
  readonly abandonedAfterMs?: number
}

export const queryOf = (window: Window): StatsQuery => ({
  sinceMs: at(window.since),
  untilMs: at(window.until),
  ...(window.environment === undefined ? {} : { environment: window.environment }),
  abandonedAfterMs: window.abandonedAfterMs ?? 3_600_000,
})

/** The stats of a history that could have happened (checked), over a window. */
export const statsOf = (events: ReadonlyArray<StatsEvent>, window: Window): DeployStats => {
  checkHistory(events)
  return deployStats(events, queryOf(window))
}

/** The stats of a history as it is, checked or not (a log edited by hand: clocks stepping back). */
export const statsOfUnchecked = (events: ReadonlyArray<StatsEvent>, window: Window): DeployStats =>
  deployStats(events, queryOf(window))

/** The figures of one phase. */
export const phaseOf = (figures: DeployStats['overall'], phase: ReleasePhase) =>
  figures.phases.find((entry) => entry.phase === phase)
