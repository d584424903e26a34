/**
 * The report's metrics are `stats`'s: the report folds them in its own read of the store (report-data.ts), with the
 * domain's fold `stats` uses. Given a varied history (a Go-written release imported, a failure restored, rollbacks
 * named and implicit, a recovery, a release left running), when a report is made over a window, then its metrics
 * equal those `stats` reads over the same window; over a damaged store, those `stats` reads past the damage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { gatherReport, type ReportWindow } from '../../src/app/report-data.js'
import { stats } from '../../src/app/stats.js'
import type { DeployStats } from '../../src/domain/deploy-stats.js'
import { fileStoreSpec, memoryStore, PHASES, type StoreSpec } from '../../src/index.js'
import type { EventStore } from '../../src/store/index.js'
import { freshManager, memoryManager, steppingClock } from '../support/manager.js'
import { recordStory, writeGoFile } from './report-story.js'

const HOUR = 3_600_000
const START = Date.UTC(2025, 0, 2, 12)
const NOW = Date.UTC(2025, 0, 2, 14)
/** The Go-written release's own creation (report-story.ts): before the history's first event. */
const GO_RELEASE_MS = Date.UTC(2025, 0, 1, 10)

const instant = (epochMs: number) => ({ epochMs, nanos: 0 })

const opened = (spec: StoreSpec): EventStore => {
  const store = spec.open({ lockTimeoutMs: 5_000, onWarning: () => undefined, now: () => new Date(), cwd: '/' })
  if (store._tag === 'Left') throw store.left
  return store.right
}

/** The store read past a record that cannot be used, as the report reads it. */
const pastDamage = (store: EventStore): EventStore => ({
  ...store,
  read: (cursor, visitor) => store.read(cursor, { problem: () => undefined, ...visitor }),
})

const reportMetrics = async (store: EventStore, window: ReportWindow): Promise<DeployStats> => {
  const result = await gatherReport(store, { window, nowMs: NOW, abandonedAfterMs: HOUR })()
  if (result._tag === 'Left') throw result.left
  return result.right.metrics
}

/** `stats` over the window the report states (docs/report.md): from `since` or else `historyStartMs`. */
const statsMetrics = async (store: EventStore, window: ReportWindow, historyStartMs: number): Promise<DeployStats> => {
  const query = {
    sinceMs: window.since?.epochMs ?? historyStartMs,
    untilMs: window.until?.epochMs ?? NOW,
    environment: window.environment,
    abandonedAfterMs: HOUR,
  }
  const result = await stats(pastDamage(store), query)()
  if (result._tag === 'Left') throw result.left
  return result.right
}

/** The report story, then prod moves on to v1.6.0 and goes back to v1.4.0 without saying it rolls back. */
const setUp = async (kind: 'file' | 'memory') => {
  const memory = memoryStore()
  const clock = steppingClock(START, 1000)
  const given = kind === 'file' ? freshManager({ now: clock }) : memoryManager({ now: clock, store: memory })
  if (kind === 'file') writeGoFile(given.stateFile)
  await recordStory(given.manager, given.make({ actor: 'mallory' }))
  for (const version of ['v1.6.0', 'v1.4.0']) {
    const { release } = await given.manager.createRelease('prod', version, 'abc1234')
    for (const phase of PHASES) {
      await given.manager.updatePhase(release.id, phase, 'running')
      await given.manager.updatePhase(release.id, phase, 'completed')
    }
  }
  await given.manager.close()
  const spec = kind === 'file' ? fileStoreSpec(given.stateFile) : memory
  // Without --since, the window starts at the oldest release (the imported one), or else the first event.
  return { ...given, store: opened(spec), historyStartMs: kind === 'file' ? GO_RELEASE_MS : START }
}

const WINDOWS: ReadonlyArray<[string, ReportWindow]> = [
  ['the whole history', {}],
  ['from a moment in it', { since: instant(START + 20_000) }],
  ['up to a moment in it (stats stops reading there)', { until: instant(START + 30_000) }],
  ['one environment', { environment: 'prod' }],
  [
    'a window of one environment',
    { since: instant(START + 5_000), until: instant(START + 60_000), environment: 'prod' },
  ],
]

describe.each([
  ['file', 'the file store, starting with a Go-written releases.json'] as const,
  ['memory', 'the memory store'] as const,
])('the report metrics on %s', (kind, _name) => {
  it.each(WINDOWS)('over %s: equal to stats over the same window', async (_what, window) => {
    const { store, historyStartMs } = await setUp(kind)
    expect(await reportMetrics(store, window)).toEqual(await statsMetrics(store, window, historyStartMs))
  })

  it('measure what the history holds, not nothing: failures, restores, rollbacks, a recovery, an abandoned one', async () => {
    const { store } = await setUp(kind)
    const metrics = await reportMetrics(store, {})
    expect(metrics.overall.outcomes).toMatchObject({ failed: 1, recovered: 1, abandoned: 1 })
    expect(metrics.overall.changeFailure).toMatchObject({ failed: 1, rolledBack: 2 })
    expect(metrics.overall.timeToRestore).toMatchObject({ failures: 1, count: 1 })
    expect(metrics.overall.frequency.created).toBe(kind === 'file' ? 10 : 9)
  })
})

describe('the report metrics on a damaged store', () => {
  it('equal those stats reads past the damaged record', async () => {
    const { store, eventLog, historyStartMs } = await setUp('file')
    const before = await reportMetrics(store, {})
    const lines = readFileSync(eventLog, 'utf8').split('\n')
    lines[4] = (lines[4] ?? '').replace('"running"', '"runnink"')
    writeFileSync(eventLog, lines.join('\n'))
    const damaged = opened(fileStoreSpec(eventLog.replace(/\.events\.ndjson$/, '.json')))
    const after = await reportMetrics(damaged, {})
    expect(after).toEqual(await statsMetrics(damaged, {}, historyStartMs))
    expect(after).not.toEqual(before)
  })
})

describe("the report of a Go Stagecraft's releases.json not imported yet", () => {
  it('shows and measures its releases as their import would be (no timing), as stats does, and records nothing', async () => {
    const given = freshManager({ now: () => new Date(NOW) })
    writeGoFile(given.stateFile)
    const window = { since: '2025-01-01T00:00:00Z' }
    const report = await given.manager.report(window)
    const measured = await given.manager.stats(window)
    expect([report.releases, report.environments, report.events]).toEqual([1, 1, 0])
    expect(report.html).toContain('no timing')
    expect(measured.overall.frequency.created).toBe(1)
    expect(report.html).toMatch(/v1\.3\.0/)
    expect(existsSync(given.eventLog)).toBe(false)
  })
})
