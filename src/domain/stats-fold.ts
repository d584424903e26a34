/**
 * Deploy metrics, folded event by event (pure: every time comes from the events, the window from the caller). A fold
 * keeps one small record per release, never the events, so a store is read once, streamed, at any size.
 */
import type { DeployStats, StatsQuery } from './deploy-stats.js'
import type { DomainEvent, EventEnvelope, ReleaseChange } from './events.js'
import { PHASES, type PhaseStatus } from './phase.js'
import type { Release } from './release.js'
import { changePhase, newStatsRelease, type PhaseChange, phaseChangeOf, type StatsRelease } from './stats-release.js'
import { tallyStats } from './stats-tally.js'
import { epochMsOf, epochMsOfChecked } from './timestamp.js'

/** What metrics read of an event: its type, its data and when it was recorded. */
export type StatsEvent = DomainEvent & Pick<EventEnvelope, 'recordedAt'>

/**
 * A fold of deploy metrics: apply events oldest first, then take the result (as often as wished). `apply` says when
 * the event was recorded after the window's end (and left out): a reader may stop there.
 */
export interface StatsFold {
  readonly apply: (event: StatsEvent) => 'after the window' | undefined
  /**
   * The figures. `sinceMs`, not before the query's, starts the window later: for a caller that learns its start only
   * from the events themselves (the report's, from the history's first event), folded with a query from -Infinity.
   */
  readonly result: (sinceMs?: number) => DeployStats
}

// Whether the next release is a rollback of the one it follows: it says so, or it redeploys that one's predecessor.
const sameCommit = (a: string, b: string): boolean => a === b || a === '' || b === ''
const rollsBack = (next: Release, rollbackOf: string | undefined, current: StatsRelease): boolean => {
  if (rollbackOf !== undefined) return true
  const before = current.previous
  return before !== undefined && before.version === next.version && sameCommit(before.commitSha, next.commitSha)
}

/** Starts a fold of the metrics `query` asks for. */
export const startStats = (query: StatsQuery): StatsFold => {
  const releases = new Map<string, StatsRelease>()
  const current = new Map<string, StatsRelease>()
  // Failed releases of each environment not restored yet, oldest first.
  const open = new Map<string, StatsRelease[]>()
  let seq = 0

  const wanted = (environment: string): boolean => query.environment === undefined || query.environment === environment
  const inWindow = (ms: number): boolean => ms >= query.sinceMs && ms <= query.untilMs

  // A later release that completed restores every failure of its environment created before it.
  const restoreBy = (release: StatsRelease, atMs: number): void => {
    const failures = open.get(release.environment) ?? []
    const restored = new Set(failures.filter((failed) => failed.seq < release.seq && failed.status === 'failed'))
    for (const failed of restored) {
      const took = atMs - failed.failedAtMs
      failed.restore = Number.isNaN(took) ? 'no timing' : took < 0 ? 'clock went back' : 'timed'
      failed.restoreMs = took
    }
    open.set(
      release.environment,
      failures.filter((failed) => !restored.has(failed) && failed.status === 'failed'),
    )
  }

  const change = (release: StatsRelease, phaseChange: PhaseChange, eventMs: number): void => {
    const before = changePhase(release, phaseChange)
    release.lastEventMs = eventMs
    if (release.status === 'failed' && before !== 'failed') {
      const failures = open.get(release.environment) ?? []
      failures.push(release)
      open.set(release.environment, failures)
    }
    if (release.status === 'completed' && before !== 'completed') restoreBy(release, phaseChange.atMs)
    forget(release)
  }

  // A release not measured is kept only while it may still matter: unfinished, or its environment's current one.
  const forget = (release: StatsRelease): void => {
    const unfinished = release.status === 'pending' || release.status === 'in progress'
    if (!release.counted && !unfinished && current.get(release.environment) !== release) releases.delete(release.id)
  }

  const track = (release: Release, createdMs: number, rollbackOf?: string): StatsRelease | undefined => {
    if (!wanted(release.environment)) return undefined
    const was = current.get(release.environment)
    const previous = release.previousId === undefined ? undefined : releases.get(release.previousId)
    const { id, environment, version, commitSha } = release
    const tracked = newStatsRelease(
      { id, environment, version, commitSha, createdMs, seq: seq++, previous },
      inWindow(createdMs) && !Number.isNaN(createdMs),
    )
    releases.set(release.id, tracked)
    // A release that follows the current one replaces it (as a create always does, whatever the clocks said); one read
    // back from a file, older than the current one, does not.
    if (was !== undefined && release.previousId !== was.id && createdMs < was.createdMs) return tracked
    current.set(release.environment, tracked)
    if (was !== undefined) {
      if (release.previousId === was.id && rollsBack(release, rollbackOf, was)) was.rolledBack = true
      // Only the current release's predecessor is looked at: dropping the link lets the history before it go.
      was.previous = undefined
      forget(was)
    }
    return tracked
  }

  // A release read from a file (an import, an adopted or accepted change): its phases as they are, with no times.
  const trackRead = (release: Release, eventMs: number): void => {
    const tracked = track(release, epochMsOf(release.timestamp))
    if (tracked === undefined) return
    for (const phase of PHASES) {
      const to = release.phases[phase]
      if (to !== 'pending')
        change(tracked, { phase, from: 'pending', to, atMs: Number.NaN, byRecovery: false }, eventMs)
    }
    tracked.lastEventMs = tracked.createdMs
  }

  const reconciled = ({ releaseId, after }: ReleaseChange, eventMs: number): void => {
    const tracked = releases.get(releaseId)
    const now = after[0]
    if (now === undefined) {
      releases.delete(releaseId)
      return
    }
    if (tracked === undefined) return trackRead(now, eventMs)
    tracked.version = now.version
    tracked.commitSha = now.commitSha
    for (const phase of PHASES) {
      const from = tracked.phases[PHASES.indexOf(phase)] as PhaseStatus
      const to = now.phases[phase]
      if (from !== to) change(tracked, { phase, from, to, atMs: Number.NaN, byRecovery: false }, eventMs)
    }
  }

  const apply = (event: StatsEvent): 'after the window' | undefined => {
    const atMs = epochMsOfChecked(event.recordedAt)
    if (atMs > query.untilMs) return 'after the window'
    switch (event.type) {
      case 'ReleaseCreated':
        track(event.data.release, atMs, event.data.rollbackOf)
        return
      case 'PhaseUpdated': {
        const tracked = releases.get(event.data.releaseId)
        if (tracked !== undefined) change(tracked, phaseChangeOf(event.data, atMs), atMs)
        return
      }
      case 'SnapshotImported':
        for (const release of [...event.data.releases].sort(byCreation)) trackRead(release, atMs)
        return
      case 'SnapshotReconciled':
        for (const releaseChange of event.data.changes) reconciled(releaseChange, atMs)
        return
    }
  }

  return { apply, result: (sinceMs = query.sinceMs) => tallyStats({ ...query, sinceMs }, releases.values()) }
}

const byCreation = (a: Release, b: Release): number =>
  epochMsOf(a.timestamp) - epochMsOf(b.timestamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The deploy metrics of `events` (oldest first) over `query`'s window. */
export const deployStats = (events: Iterable<StatsEvent>, query: StatsQuery): DeployStats => {
  const fold = startStats(query)
  for (const event of events) fold.apply(event)
  return fold.result()
}
