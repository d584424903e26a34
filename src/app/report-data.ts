/**
 * What the HTML report shows, gathered in one streaming fold of the store: per environment its releases (the newest
 * ones as bars, counts of all), the audit rows (the newest ones, and the notable ones apart), and the result of
 * `verify`. Bounded whatever the history's size: the report of a million events holds a few hundred rows.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { factsOf, type Release } from '../domain/release.js'
import { isAbandoned, releaseStatus } from '../domain/release-status.js'
import { describeForeign } from '../domain/foreign.js'
import type { EventEnvelope } from '../domain/events.js'
import type { State } from '../domain/state.js'
import type { StateError } from '../domain/state-error.js'
import { epochMsOf, type Instant, parseInstant } from '../domain/timestamp.js'
import { emptyLoaded, type EventStore, foldRead, type OnProgress } from '../store/index.js'
import { auditKind, type AuditRow, foreignRow, newestRows, NOTABLE_KINDS } from './report-audit.js'
import { verifyStore, type VerifyReport } from './verify.js'
import type { DeployStats } from '../domain/deploy-stats.js'
import { startStats } from '../domain/stats-fold.js'
import { listAllReleases } from '../domain/queries.js'
import { importOf } from './stats.js'

/** How a release stands in the report: its overall status, with a release left unfinished for long `abandoned`. */
export type ReportOutcome = 'completed' | 'failed' | 'recovered' | 'abandoned' | 'in progress'

/** Every outcome, in the order the legend shows them. */
export const REPORT_OUTCOMES: ReadonlyArray<ReportOutcome> = [
  'completed',
  'failed',
  'recovered',
  'abandoned',
  'in progress',
]

/** One release on the timeline. */
export interface ReportRelease {
  readonly id: string
  readonly version: string
  readonly createdMs: number
  /** Its last event, never before its creation: a clock stepped back draws no negative bar. */
  readonly lastMs: number
  /** False for a release read in from a releases.json (imported, adopted): it has no recorded times of its own. */
  readonly timed: boolean
  readonly outcome: ReportOutcome
  /** The earlier release it redeploys (a rollback). */
  readonly rollbackOf?: string | undefined
  /** Whether `recover` closed any of its phases. */
  readonly recovered: boolean
}

/** One environment: counts of every release in the window, and its newest releases, oldest first. */
export interface ReportEnvironment {
  readonly name: string
  readonly total: number
  readonly outcomes: Readonly<Record<ReportOutcome, number>>
  readonly rollbacks: number
  readonly releases: ReadonlyArray<ReportRelease>
}

/** Audit rows, oldest first: the newest events, and apart from them the newest notable ones. */
export interface ReportAudit {
  readonly rows: ReadonlyArray<AuditRow>
  readonly total: number
  readonly notable: ReadonlyArray<AuditRow>
  readonly notableTotal: number
}

/** The window the report covers; every bound optional. */
export interface ReportWindow {
  readonly since?: Instant | undefined
  readonly until?: Instant | undefined
  readonly environment?: string | undefined
}

/** Everything the page shows, bounded. */
export interface ReportData {
  /** When the report was made, epoch milliseconds. */
  readonly generatedMs: number
  readonly store: string
  readonly window: ReportWindow
  readonly environments: ReadonlyArray<ReportEnvironment>
  readonly audit: ReportAudit
  /** What verify found; its problems cut to the first {@link ReportLimits.problems}. */
  readonly verify: VerifyReport
  /** How many problems verify found in all. */
  readonly problemsTotal: number
  /**
   * The deploy metrics of `stats` (docs/metrics.md) over the same window: from `since`, or else the history's first
   * event, to `until`, or else now.
   */
  readonly metrics: DeployStats
}

/** How much of each list the report keeps. */
export interface ReportLimits {
  readonly releasesPerEnvironment: number
  readonly auditRows: number
  readonly notableRows: number
  readonly problems: number
}

export const REPORT_LIMITS: ReportLimits = {
  releasesPerEnvironment: 100,
  auditRows: 500,
  notableRows: 200,
  problems: 100,
}

const inWindow = (ms: number, window: ReportWindow): boolean =>
  (window.since === undefined || ms >= window.since.epochMs) &&
  (window.until === undefined || ms <= window.until.epochMs)

const outcomeOf = (release: Release, nowMs: number, abandonedAfterMs: number): ReportOutcome => {
  const status = releaseStatus(release)
  if (status === 'pending' || status === 'in progress')
    return isAbandoned(release, nowMs, abandonedAfterMs) ? 'abandoned' : 'in progress'
  return status
}

/** What the fold learns of each release beyond the final state: whether a command created it, and when. */
interface Seen {
  readonly createdByCommand: Set<string>
}

const reportRelease = (release: Release, seen: Seen, nowMs: number, abandonedAfterMs: number): ReportRelease => {
  const facts = factsOf(release)
  const created = epochMsOf(release.timestamp)
  const timed = seen.createdByCommand.has(release.id) && Number.isFinite(created)
  const createdMs = Number.isFinite(created) ? created : (facts.lastEventMs ?? 0)
  return {
    id: release.id,
    version: release.version,
    createdMs,
    lastMs: timed ? Math.max(createdMs, facts.lastEventMs ?? createdMs) : createdMs,
    timed,
    outcome: outcomeOf(release, nowMs, abandonedAfterMs),
    rollbackOf: facts.rollbackOf,
    recovered: (facts.recovered ?? []).length > 0,
  }
}

const byCreation = (a: ReportRelease, b: ReportRelease): number =>
  a.createdMs - b.createdMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The environments of the final state, in name order, with their releases created in the window. */
const environmentsOf = (
  state: State,
  seen: Seen,
  window: ReportWindow,
  context: { readonly nowMs: number; readonly abandonedAfterMs: number; readonly limits: ReportLimits },
): ReportEnvironment[] => {
  const groups = new Map<string, ReportRelease[]>()
  for (const group of state.releases.values())
    for (const release of group) {
      if (window.environment !== undefined && release.environment !== window.environment) continue
      const shown = reportRelease(release, seen, context.nowMs, context.abandonedAfterMs)
      if (!inWindow(shown.createdMs, window)) continue
      const list = groups.get(release.environment)
      if (list === undefined) groups.set(release.environment, [shown])
      else list.push(shown)
    }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, releases]) => {
      const outcomes = Object.fromEntries(REPORT_OUTCOMES.map((o) => [o, 0])) as Record<ReportOutcome, number>
      for (const release of releases) outcomes[release.outcome]++
      releases.sort(byCreation)
      return {
        name,
        total: releases.length,
        outcomes,
        rollbacks: releases.filter((release) => release.rollbackOf !== undefined).length,
        releases: releases.slice(-context.limits.releasesPerEnvironment),
      }
    })
}

/** The earliest of `fromMs` and the creation of every release (an imported one may be older than the history). */
const earliest = (state: State, fromMs: number): number => {
  let min = fromMs
  for (const group of state.releases.values())
    for (const release of group) {
      const created = epochMsOf(release.timestamp)
      if (created < min) min = created
    }
  return min
}

/** What {@link gatherReport} needs besides the store. */
export interface GatherOptions {
  readonly window: ReportWindow
  readonly nowMs: number
  readonly abandonedAfterMs: number
  readonly limits?: ReportLimits | undefined
  readonly onProgress?: OnProgress | undefined
  /**
   * The state of a store with no event yet but a releases.json not imported (the Go Stagecraft's): its releases are
   * shown, and measured, as their import would be (no timing). Read only when the log holds nothing.
   */
  readonly unimported?: TE.TaskEither<StateError, State> | undefined
}

/**
 * Reads the store once for the releases, the audit rows and the metrics (a damaged record is skipped here: verify
 * names it), then verifies it.
 */
export const gatherReport = (store: EventStore, options: GatherOptions): TE.TaskEither<StateError, ReportData> => {
  const { window, nowMs, abandonedAfterMs } = options
  const limits = options.limits ?? REPORT_LIMITS
  const rows = newestRows(limits.auditRows)
  const notable = newestRows(limits.notableRows)
  const seen: Seen = { createdByCommand: new Set() }
  const environmentOf = new Map<string, string>()
  let firstEventMs: number | undefined
  let foreignSeen = false
  const untilMs = window.until?.epochMs ?? nowMs
  // The metrics of `stats`, folded from the same events as it reads them; without `since`, the window starts where
  // the history does, known only at the end (see `result` below), so the fold counts from -Infinity till then.
  const sinceMs = window.since?.epochMs ?? -Infinity
  const metrics = startStats({ sinceMs, untilMs, environment: window.environment, abandonedAfterMs })
  // As `stats` does, nothing after the first event past the window's end is measured.
  let measuring = true

  // An event's time is parsed again only for a window with a bound; its row is made only if it is shown (report-audit).
  const bounded = window.since !== undefined || window.until !== undefined
  const about = (envelope: EventEnvelope, position: number, environments: ReadonlyArray<string | undefined>) => {
    const at = bounded ? parseInstant(envelope.recordedAt) : undefined
    if (at !== undefined && !inWindow(at.epochMs, window)) return
    if (window.environment !== undefined && !environments.includes(window.environment)) return
    const entry = { envelope, position }
    rows.add(entry)
    if (NOTABLE_KINDS.includes(auditKind(envelope))) notable.add(entry)
  }

  return pipe(
    foldRead(store.read, emptyLoaded(store.origin), {
      watch: ({ envelope, position }) => {
        firstEventMs ??= epochMsOf(envelope.recordedAt)
        if (measuring) measuring = metrics.apply(envelope) === undefined
        let environments: Array<string | undefined>
        if (envelope.type === 'ReleaseCreated') {
          const { release } = envelope.data
          seen.createdByCommand.add(release.id)
          environmentOf.set(release.id, release.environment)
          environments = [release.environment]
        } else if (envelope.type === 'PhaseUpdated') environments = [environmentOf.get(envelope.data.releaseId)]
        else if (envelope.type === 'SnapshotImported') {
          environments = envelope.data.releases.map((release) => release.environment)
          for (const release of envelope.data.releases) environmentOf.set(release.id, release.environment)
        } else if (envelope.type === 'SnapshotReconciled') {
          const changed = envelope.data.changes.flatMap((change) => [...change.before, ...change.after])
          environments = changed.map((release) => release.environment)
          for (const change of envelope.data.changes)
            for (const release of change.after) environmentOf.set(release.id, release.environment)
        } else environments = []
        about(envelope, position, environments)
        return undefined
      },
      // Verify, below, names what cannot be read or folded; the report shows what can.
      unfolded: () => undefined,
      problem: () => undefined,
      foreign: (event) => {
        foreignSeen = true
        if (window.environment === undefined)
          rows.add(foreignRow(event.position, event.foreign.type, describeForeign(event.foreign)))
      },
    }),
    TE.flatMap((loaded) =>
      firstEventMs !== undefined || foreignSeen || options.unimported === undefined
        ? TE.right(loaded)
        : pipe(
            options.unimported,
            TE.map((state) => {
              const releases = listAllReleases(state)
              if (releases.length > 0) metrics.apply(importOf(releases, untilMs))
              return { ...loaded, state }
            }),
          ),
    ),
    TE.bindTo('loaded'),
    TE.bind('verify', () => verifyStore(store, options.onProgress)),
    TE.map(({ loaded, verify }) => {
      const audit = rows.result()
      const notables = notable.result()
      return {
        generatedMs: nowMs,
        store: store.description,
        window,
        environments: environmentsOf(loaded.state, seen, window, { nowMs, abandonedAfterMs, limits }),
        audit: { rows: audit.rows, total: audit.total, notable: notables.rows, notableTotal: notables.total },
        verify: { ...verify, problems: verify.problems.slice(0, limits.problems) },
        problemsTotal: verify.problems.length,
        metrics: metrics.result(
          window.since?.epochMs ?? Math.min(earliest(loaded.state, firstEventMs ?? nowMs), untilMs),
        ),
      }
    }),
  )
}
