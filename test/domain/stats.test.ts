import { describe, expect, test } from 'vitest'
import { type DomainEvent, formatTimestamp, PHASES, type StatsEvent } from '../../src/domain/index.js'
import { at, imported, phaseUpdated, storedRelease, allCompleted } from './specification.js'
import { deploy, phaseOf, recorded, releaseAt, statsOf, statsOfUnchecked } from './stats-specification.js'

const MARCH = { since: '2025-03-01T00:00:00Z', until: '2025-03-31T00:00:00Z' }

describe('given no release in the window', () => {
  test('then every count is 0, every rate and duration null, and no environment is listed', () => {
    const stats = statsOf([], MARCH)
    expect(stats).toMatchObject({ since: '2025-03-01T00:00:00Z', until: '2025-03-31T00:00:00Z', days: 30 })
    expect(stats.environments).toEqual([])
    expect(stats.overall.frequency).toEqual({
      created: 0,
      completed: 0,
      createdPerDay: 0,
      createdPerWeek: 0,
      completedPerDay: 0,
      completedPerWeek: 0,
    })
    expect(stats.overall.changeFailure).toEqual({
      finished: 0,
      failed: 0,
      changeFailureRate: null,
      rolledBack: 0,
      rollbackRate: null,
    })
    expect(stats.overall.timeToRestore).toMatchObject({ failures: 0, count: 0, medianMs: null, unrestoredIds: [] })
    expect(phaseOf(stats.overall, 'build')).toMatchObject({ count: 0, medianMs: null, p90Ms: null, maxMs: null })
  })
  test('a window of no length: frequencies are null, not a division by zero', () => {
    const stats = statsOf([], { since: MARCH.since, until: MARCH.since })
    expect(stats.overall.frequency.createdPerDay).toBeNull()
  })
})

describe('given one release that completed', () => {
  const a = releaseAt('2025-03-02T10:00:00Z')
  const stats = statsOf(deploy(a, { stepMs: 5000 }), MARCH)
  test('then one created and completed, per day over the 30 days, and nothing failed', () => {
    expect(stats.overall.frequency).toMatchObject({ created: 1, completed: 1, completedPerDay: 1 / 30 })
    expect(stats.overall.frequency.completedPerWeek).toBeCloseTo(7 / 30)
    expect(stats.overall.changeFailure).toMatchObject({ finished: 1, failed: 0, changeFailureRate: 0 })
  })
  test('then each phase took its time from running to completed', () => {
    for (const phase of PHASES)
      expect(phaseOf(stats.overall, phase)).toMatchObject({ count: 1, medianMs: 5000, p90Ms: 5000, maxMs: 5000 })
  })
  test('then its environment has the same figures as the whole', () => {
    expect(stats.environments).toEqual([{ environment: 'prod', ...stats.overall }])
  })
})

describe('given a failed release and a later one that completed', () => {
  const a = releaseAt('2025-03-02T10:00:00Z')
  const b = releaseAt('2025-03-02T11:00:00Z', { previous: a })
  const events = [...deploy(a, { failAt: 'rollout' }), ...deploy(b)]
  const stats = statsOf(events, MARCH)
  test('then the change failure rate is one in two', () => {
    expect(stats.overall.changeFailure).toMatchObject({ finished: 2, failed: 1, changeFailureRate: 0.5 })
    expect(stats.overall.outcomes).toMatchObject({ completed: 1, failed: 1 })
  })
  test('then the time to restore runs from the event that failed a to the one that completed b', () => {
    const failedAt = at(events.find((e) => e.type === 'PhaseUpdated' && e.data.to === 'failed')?.recordedAt ?? '')
    const completedAt = at(events.at(-1)?.recordedAt ?? '')
    expect(stats.overall.timeToRestore).toMatchObject({
      failures: 1,
      count: 1,
      medianMs: completedAt - failedAt,
      unrestored: 0,
    })
  })
  test('then the failed phase is timed like any other; the phases after it never ran', () => {
    expect(phaseOf(stats.overall, 'rollout')).toMatchObject({ count: 2 })
    expect(phaseOf(stats.overall, 'finalize')).toMatchObject({ count: 1, noTiming: 0, unfinished: 0 })
  })
})

describe('given a failure no later release completed', () => {
  const a = releaseAt('2025-03-02T10:00:00Z')
  const b = releaseAt('2025-03-02T11:00:00Z', { previous: a })
  const stats = statsOf([...deploy(a, { failAt: 'build' }), ...deploy(b, { failAt: 'push' })], MARCH)
  test('then both are unrestored, listed oldest first, and no time to restore is shown', () => {
    expect(stats.overall.timeToRestore).toMatchObject({
      failures: 2,
      count: 0,
      medianMs: null,
      unrestored: 2,
      unrestoredIds: [a.id, b.id],
    })
  })
})

describe('given rollbacks', () => {
  const a = releaseAt('2025-03-02T10:00:00Z', { version: 'v1', commitSha: 'aaaaaaa' })
  const b = releaseAt('2025-03-02T11:00:00Z', { version: 'v2', commitSha: 'bbbbbbb', previous: a })
  test('when the next release names a release it redeploys (rollbackOf), the one it follows was rolled back', () => {
    const c = releaseAt('2025-03-02T12:00:00Z', { version: 'v1', commitSha: 'aaaaaaa', previous: b })
    const stats = statsOf([...deploy(a), ...deploy(b), ...deploy(c, { rollbackOf: a.id })], MARCH)
    expect(stats.overall.changeFailure).toMatchObject({ rolledBack: 1, rollbackRate: 1 / 3 })
  })
  test('when the next release redeploys the predecessor without saying so, it was rolled back too', () => {
    const c = releaseAt('2025-03-02T12:00:00Z', { version: 'v1', commitSha: 'aaaaaaa', previous: b })
    const stats = statsOf([...deploy(a), ...deploy(b), ...deploy(c)], MARCH)
    expect(stats.overall.changeFailure.rolledBack).toBe(1)
  })
  test('when the next release deploys something else, nothing was rolled back', () => {
    const c = releaseAt('2025-03-02T12:00:00Z', { version: 'v3', previous: b })
    const stats = statsOf([...deploy(a), ...deploy(b), ...deploy(c)], MARCH)
    expect(stats.overall.changeFailure.rolledBack).toBe(0)
  })
})

describe('given a phase that never finished', () => {
  const a = releaseAt('2025-03-30T23:00:00Z')
  const events = deploy(a, { stopAt: 'rollout' })
  test('then it is unfinished, not a duration, and the release is unfinished within the threshold', () => {
    const stats = statsOf(events, { ...MARCH, abandonedAfterMs: 2 * 3_600_000 })
    expect(phaseOf(stats.overall, 'rollout')).toMatchObject({ count: 0, unfinished: 1, medianMs: null })
    expect(stats.overall.outcomes).toMatchObject({ unfinished: 1, abandoned: 0 })
    expect(stats.overall.changeFailure).toMatchObject({ finished: 0, changeFailureRate: null })
  })
  test('then past the threshold the release counts as abandoned', () => {
    const stats = statsOf(events, { ...MARCH, abandonedAfterMs: 60_000 })
    expect(stats.overall.outcomes).toMatchObject({ unfinished: 0, abandoned: 1 })
  })
  test('when recover closed it, it is recovered; the running phase is closed by recovery, the rest not run', () => {
    const stats = statsOf(deploy(a, { stopAt: 'rollout', recoveredAfterMs: 600_000 }), MARCH)
    expect(stats.overall.outcomes).toMatchObject({ recovered: 1, failed: 0 })
    expect(phaseOf(stats.overall, 'rollout')).toMatchObject({ count: 0, closedByRecovery: 1 })
    expect(phaseOf(stats.overall, 'finalize')).toMatchObject({ notRun: 1 })
    expect(stats.overall.changeFailure).toMatchObject({ finished: 1, failed: 0, changeFailureRate: 0 })
  })
})

describe('given releases imported from a Go releases.json', () => {
  const old = storedRelease({ id: 'rel-1', timestamp: '2025-03-03T09:00:00-07:00', phases: allCompleted() })
  const failed = storedRelease({
    id: 'rel-2',
    timestamp: '2025-03-04T09:00:00Z',
    previousId: 'rel-1',
    phases: { ...allCompleted(), rollout: 'failed', migrate_post: 'pending', finalize: 'pending' },
  })
  const events = [recorded('2025-03-10T00:00:00Z', imported([old, failed]))]
  const stats = statsOf(events, MARCH)
  test('then they are counted by their own timestamps, with no timing for any phase', () => {
    expect(stats.overall.frequency).toMatchObject({ created: 2, completed: 1 })
    expect(phaseOf(stats.overall, 'build')).toMatchObject({ count: 0, noTiming: 2, medianMs: null })
  })
  test('then a later completed release restores the failure, with no timing: when it failed is not known', () => {
    const next = releaseAt('2025-03-11T00:00:00Z', { previous: failed as never })
    const after = statsOf([...events, ...deploy(next)], MARCH)
    expect(after.overall.timeToRestore).toMatchObject({ failures: 1, count: 0, noTiming: 1, unrestored: 0 })
    expect(phaseOf(after.overall, 'build')).toMatchObject({ count: 1, noTiming: 2 })
  })
})

describe('given a clock that stepped back (a log edited or merged by hand)', () => {
  const a = releaseAt('2025-03-02T10:00:00Z')
  const events = deploy(a).map((event) =>
    event.type === 'PhaseUpdated' && event.data.phase === 'push' && event.data.to === 'completed'
      ? { ...event, recordedAt: formatTimestamp(at(a.timestamp) - 60_000) }
      : event,
  )
  test('then the negative duration is never shown: left out and counted as clock went back', () => {
    const stats = statsOfUnchecked(events, MARCH)
    expect(phaseOf(stats.overall, 'push')).toMatchObject({ count: 0, clockWentBack: 1, medianMs: null })
    expect(phaseOf(stats.overall, 'build')).toMatchObject({ count: 1, clockWentBack: 0 })
  })
})

describe('given a window', () => {
  const before = releaseAt('2025-02-27T10:00:00Z')
  const inside = releaseAt('2025-03-02T10:00:00Z', { previous: before })
  const late = releaseAt('2025-03-31T10:00:00Z', { previous: inside })
  const events = [...deploy(before), ...deploy(inside), ...deploy(late)]
  test('then only releases created in it are counted', () => {
    expect(statsOf(events, MARCH).overall.frequency.created).toBe(1)
  })
  test('then events after its end are not read: a release still running then is unfinished', () => {
    const until = formatTimestamp(at(inside.timestamp) + 1500)
    const stats = statsOf(events, { since: MARCH.since, until })
    expect(stats.overall.outcomes).toMatchObject({ unfinished: 1, completed: 0 })
    expect(phaseOf(stats.overall, 'build')).toMatchObject({ count: 1 })
    expect(phaseOf(stats.overall, 'push')).toMatchObject({ unfinished: 1 })
  })
})

describe('given several environments', () => {
  const p1 = releaseAt('2025-03-02T10:00:00Z', { environment: 'prod' })
  const s1 = releaseAt('2025-03-02T11:00:00Z', { environment: 'staging' })
  const p2 = releaseAt('2025-03-02T12:00:00Z', { environment: 'prod', previous: p1 })
  const events = [...deploy(p1, { failAt: 'build' }), ...deploy(s1), ...deploy(p2)]
  test('then each is measured alone, in name order, and the whole adds them up', () => {
    const stats = statsOf(events, MARCH)
    expect(stats.environments.map((e) => [e.environment, e.frequency.created, e.changeFailure.failed])).toEqual([
      ['prod', 2, 1],
      ['staging', 1, 0],
    ])
    expect(stats.overall.frequency.created).toBe(3)
    expect(stats.overall.changeFailure.changeFailureRate).toBeCloseTo(1 / 3)
  })
  test('with an environment asked for, only it is measured', () => {
    const stats = statsOf(events, { ...MARCH, environment: 'staging' })
    expect(stats.environment).toBe('staging')
    expect(stats.environments.map((e) => e.environment)).toEqual(['staging'])
    expect(stats.overall.frequency.created).toBe(1)
  })
  test('a phase moved straight from pending to completed has no timing', () => {
    const q = releaseAt('2025-03-05T00:00:00Z', { environment: 'qa' })
    const stats = statsOf(
      [
        ...events,
        recorded(q.timestamp, deploy(q)[0]!),
        recorded(q.timestamp, phaseUpdated(q.id, 'build', 'pending', 'completed')),
      ],
      { ...MARCH, environment: 'qa' },
    )
    expect(phaseOf(stats.overall, 'build')).toMatchObject({ count: 0, noTiming: 1 })
  })
})

describe('given changes the Go Stagecraft made to releases.json, adopted into the history', () => {
  const a = releaseAt('2025-03-02T10:00:00Z')
  const b = storedRelease({ id: 'rel-20250302-110000000', timestamp: '2025-03-02T11:00:00Z', previousId: a.id })
  const running = deploy(a, { stopAt: 'rollout' })
  const after = (phases: Partial<Record<(typeof PHASES)[number], 'completed' | 'failed'>>) =>
    storedRelease({
      id: a.id,
      timestamp: a.timestamp,
      phases: { build: 'completed', push: 'completed', migrate_pre: 'completed', rollout: 'running', ...phases },
    })
  const adopted = (changes: ReadonlyArray<object>): StatsEvent =>
    recorded('2025-03-02T12:00:00Z', {
      type: 'SnapshotReconciled',
      data: { changes, otherFields: {}, adopted: true },
    } as DomainEvent)
  test('a phase it moved on has no timing; a release it appended is counted by its own timestamp', () => {
    const moved = adopted([
      {
        releaseId: a.id,
        before: [after({})],
        after: [after({ rollout: 'completed', migrate_post: 'completed', finalize: 'completed' })],
      },
      { releaseId: b.id, before: [], after: [b] },
    ])
    const stats = statsOf([...running, moved], MARCH)
    expect(phaseOf(stats.overall, 'rollout')).toMatchObject({ count: 0, noTiming: 1, unfinished: 0 })
    expect(phaseOf(stats.overall, 'build')).toMatchObject({ count: 1 })
    expect(stats.overall.frequency).toMatchObject({ created: 2, completed: 1 })
    expect(stats.overall.outcomes).toMatchObject({ completed: 1, unfinished: 0, abandoned: 1 })
  })
  test('a release an accepted edit removed is no longer measured', () => {
    const removed = adopted([{ releaseId: a.id, before: [after({})], after: [] }])
    expect(statsOfUnchecked([...running, removed], MARCH).overall.frequency.created).toBe(0)
  })
})

describe('given an imported release stamped ahead of the clock that then recorded a rollback', () => {
  const ahead = storedRelease({ id: 'rel-1', timestamp: '2025-03-20T00:00:00Z', version: 'v1', phases: allCompleted() })
  const bad = releaseAt('2025-03-05T00:00:00Z', { version: 'v2', previous: ahead as never })
  const back = releaseAt('2025-03-05T01:00:00Z', { version: 'v1', previous: bad })
  test('then each create still follows the one before it: the redeploy of v1 rolls back v2', () => {
    const events = [recorded('2025-03-04T00:00:00Z', imported([ahead])), ...deploy(bad), ...deploy(back)]
    expect(statsOfUnchecked(events, MARCH).overall.changeFailure.rolledBack).toBe(1)
  })
})
