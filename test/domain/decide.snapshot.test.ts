import { describe, expect, test } from 'vitest'
import type { DomainEvent, Release, ReleaseChange, ReleaseId, Snapshot, Timestamp } from '../../src/domain/index.js'
import { readGoFixture } from '../fixtures/index.js'
import { decoded } from './helpers.js'
import { created, createRelease, given, imported, newRelease, phaseUpdated, storedRelease } from './specification.js'

const source = {
  file: '.stagecraft/releases.json',
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
}

describe('ImportSnapshot starts a history from a releases.json', () => {
  test('given no history, then one SnapshotImported with the releases in file order, the top-level fields and the source', () => {
    const snapshot = decoded(readGoFixture('roundtrip-normalize.json'))
    const withFields: Snapshot = { ...snapshot, otherFields: { schema: 1 } }
    given([])
      .when({ type: 'ImportSnapshot', snapshot: withFields, source })
      .then([{ type: 'SnapshotImported', data: { releases: snapshot.releases, otherFields: { schema: 1 }, source } }])
    expect(snapshot.releases.map((r) => r.id)).toEqual([
      'rel-20241231-120000',
      'rel-20250101-120000',
      'rel-20250101-050000',
    ])
  })
  test('no top-level fields and no source: the event carries neither', () => {
    const releases = [storedRelease({ id: 'rel-20250101-120000', timestamp: '2025-01-01T12:00:00Z' })]
    given([])
      .when({ type: 'ImportSnapshot', snapshot: { releases, otherFields: {} } })
      .then([{ type: 'SnapshotImported', data: { releases } }])
  })
  test('given a history with releases, an import is INVALID_INPUT saying how many it holds', () => {
    given([created(newRelease('2025-01-01T12:00:00Z'))])
      .when({ type: 'ImportSnapshot', snapshot: { releases: [], otherFields: {} } })
      .thenFails('INVALID_INPUT', 'the history already holds 1 releases; an import can only start a new history')
  })
  test('duplicate ids are imported as they are: both releases', () => {
    const snapshot = decoded(readGoFixture('same-ms-diff-ns.json'))
    const after = given([])
      .when({ type: 'ImportSnapshot', snapshot })
      .then([{ type: 'SnapshotImported', data: { releases: snapshot.releases } }])
    expect(after.releases.get('rel-20250101-120000123' as ReleaseId)?.map((r) => r.version)).toEqual([
      'v1.0.0',
      'v1.0.1',
    ])
  })
})

describe('ReconcileSnapshot accepts hand edits of releases.json', () => {
  const a = newRelease('2025-01-01T12:00:00Z', { version: 'v1' })
  const b = newRelease('2025-01-02T12:00:00Z', { version: 'v2', previousId: a.id })
  const history: ReadonlyArray<DomainEvent> = [created(a), created(b), phaseUpdated(b.id, 'build', 'pending', 'failed')]
  const bNow: Release = { ...b, phases: { ...b.phases, build: 'failed' } }
  const reconcile = (releases: ReadonlyArray<Release>, otherFields: Readonly<Record<string, unknown>> = {}) =>
    given(history).when({ type: 'ReconcileSnapshot', snapshot: { releases, otherFields }, source })
  const reconciled = (
    changes: ReadonlyArray<ReleaseChange>,
    otherFields: Readonly<Record<string, unknown>> = {},
  ): DomainEvent => ({
    type: 'SnapshotReconciled',
    data: { changes, otherFields, source },
  })

  test('nothing changed: no event', () => reconcile([a, bNow]).thenNothingHappens())
  test('the same releases in another order: no event', () => reconcile([bNow, a]).thenNothingHappens())
  test('timestamps only written otherwise for one instant (as a Go rewrite trims .120Z, writes Z for +00:00): no event', () => {
    const old = storedRelease({ id: 'rel-20250101-080001120', timestamp: '2025-01-01T08:00:01.120Z' })
    const offset = storedRelease({ id: 'rel-20250101-090000000', timestamp: '2025-01-01T09:00:00.000+00:00' })
    given([imported([old, offset])])
      .when({
        type: 'ReconcileSnapshot',
        snapshot: {
          releases: [
            { ...old, timestamp: '2025-01-01T08:00:01.12Z' as Timestamp },
            { ...offset, timestamp: '2025-01-01T09:00:00Z' as Timestamp },
          ],
          otherFields: {},
        },
      })
      .thenNothingHappens()
  })
  test('a timestamp moved by a nanosecond is a change', () => {
    const old = storedRelease({ id: 'rel-20250101-080001120', timestamp: '2025-01-01T08:00:01.120Z' })
    const moved = { ...old, timestamp: '2025-01-01T08:00:01.120000001Z' as Timestamp }
    given([imported([old])])
      .when({ type: 'ReconcileSnapshot', snapshot: { releases: [moved], otherFields: {} } })
      .then([
        {
          type: 'SnapshotReconciled',
          data: { changes: [{ releaseId: old.id, before: [old], after: [moved] }], otherFields: {} },
        },
      ])
  })
  test('an added release: a change with nothing before', () => {
    const c = storedRelease({ id: 'rel-20240101-000000', timestamp: '2024-01-01T00:00:00Z', environment: 'dev' })
    const after = reconcile([a, bNow, c]).then([reconciled([{ releaseId: c.id, before: [], after: [c] }])])
    expect([...after.releases.keys()]).toEqual([c.id, a.id, b.id])
  })
  test('a changed release: before and after', () => {
    const edited: Release = { ...bNow, phases: { ...bNow.phases, build: 'completed' } }
    const after = reconcile([a, edited]).then([reconciled([{ releaseId: b.id, before: [bNow], after: [edited] }])])
    expect(after.releases.get(b.id)).toEqual([edited])
  })
  test('a removed release: nothing after; the environment falls back to its newest remaining release', () => {
    const after = reconcile([a]).then([reconciled([{ releaseId: b.id, before: [bNow], after: [] }])])
    expect([...after.releases.keys()]).toEqual([a.id])
    expect(after.current.get('prod')).toEqual(a)
  })
  test('several changes are listed in id order', () => {
    const c = storedRelease({ id: 'rel-20240101-000000', timestamp: '2024-01-01T00:00:00Z' })
    reconcile([c, { ...a, version: 'v1-edited' }]).then([
      reconciled([
        { releaseId: c.id, before: [], after: [c] },
        { releaseId: a.id, before: [a], after: [{ ...a, version: 'v1-edited' }] },
        { releaseId: b.id, before: [bNow], after: [] },
      ]),
    ])
  })
  test('only top-level fields changed: an event with no release changes and the new fields', () => {
    reconcile([a, bNow], { note: 'edited by hand' }).then([reconciled([], { note: 'edited by hand' })])
  })
  test('one of two releases sharing an id removed: one change holding both before and the survivor after', () => {
    const [first, second] = decoded(readGoFixture('same-ms-diff-ns.json')).releases as [Release, Release]
    given([imported([first, second])])
      .when({ type: 'ReconcileSnapshot', snapshot: { releases: [second], otherFields: {} } })
      .then([
        {
          type: 'SnapshotReconciled',
          data: { changes: [{ releaseId: first.id, before: [first, second], after: [second] }], otherFields: {} },
        },
      ])
  })
  test('after a reconcile removed the current release, the next release names the one that is current now', () => {
    const removed = reconciled([{ releaseId: b.id, before: [bNow], after: [] }])
    given([...history, removed])
      .when(createRelease('2025-01-03T12:00:00Z', { version: 'v3' }))
      .then([created(newRelease('2025-01-03T12:00:00Z', { version: 'v3', previousId: a.id }))])
  })
  test('a removed release no longer holds time back: the next release is at the clock, after those that are left', () => {
    const removed = reconciled([{ releaseId: b.id, before: [bNow], after: [] }])
    given([...history, removed])
      .when(createRelease('2025-01-01T18:00:00Z'))
      .then([created(newRelease('2025-01-01T18:00:00Z', { previousId: a.id }))])
    given([...history, removed])
      .when(createRelease('2024-01-01T00:00:00Z'))
      .then([created(newRelease('2025-01-01T12:00:00.001Z', { previousId: a.id }))])
  })
})
