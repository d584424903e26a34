import { it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import {
  type StoredRelease,
  DomainEvent,
  envelope,
  EventEnvelope,
  type EventMetadata,
  releaseIdsOf,
  isAbandoned,
  keepFacts,
  releaseStatus,
  type Release,
  type Timestamp,
  Ulid,
} from '../../src/domain/index.js'
import { historyScenario } from '../arbitraries.js'
import { runScenario } from '../scenario.js'
import { allCompleted, created, imported, newRelease, phaseUpdated, storedRelease } from './specification.js'

const ULID = '01JDQ4Z8X5K3M2N1P0QRSTVWXY'
const meta = { actor: 'ana', host: 'ci-7', pid: 4242, command: ULID } as EventMetadata

describe('the event envelope', () => {
  test('wraps an event with its id, time and metadata, schema version 1', () => {
    const event = created(newRelease('2025-01-01T12:00:00Z'))
    const wrapped = envelope(event, { id: ULID as Ulid, recordedAt: '2025-01-01T12:00:00.001Z' as Timestamp, meta })
    expect(wrapped).toEqual({
      v: 1,
      id: ULID,
      recordedAt: '2025-01-01T12:00:00.001Z',
      meta,
      type: 'ReleaseCreated',
      data: event.data,
    })
    expect(EventEnvelope.is(wrapped)).toBe(true)
  })
  test('ULIDs are 26 Crockford base-32 characters', () => {
    expect(Ulid.is(ULID)).toBe(true)
    expect(Ulid.is(ULID.toLowerCase())).toBe(false)
    expect(Ulid.is(`${ULID.slice(0, 25)}U`)).toBe(false)
    expect(Ulid.is(ULID.slice(1))).toBe(false)
  })
  test('an envelope with a bad field does not decode', () => {
    const good = envelope(created(newRelease('2025-01-01T12:00:00Z')), {
      id: ULID as Ulid,
      recordedAt: '2025-01-01T12:00:00Z' as Timestamp,
      meta,
    })
    expect(E.isLeft(EventEnvelope.decode({ ...good, v: 2 }))).toBe(true)
    expect(E.isLeft(EventEnvelope.decode({ ...good, meta: { ...meta, pid: 1.5 } }))).toBe(true)
    expect(E.isLeft(EventEnvelope.decode({ ...good, type: 'ReleaseDeleted' }))).toBe(true)
    expect(E.isLeft(EventEnvelope.decode({ ...good, recordedAt: 'now' }))).toBe(true)
  })
})

describe('releaseIdsOf: the releases an event is about', () => {
  const a = newRelease('2025-01-01T12:00:00Z')
  const b = storedRelease({ id: 'legacy', timestamp: '2025-01-01T00:00:00Z' })
  test('each event type', () => {
    expect(releaseIdsOf(created(a))).toEqual([a.id])
    expect(releaseIdsOf(phaseUpdated(a.id, 'build', 'pending', 'running'))).toEqual([a.id])
    expect(releaseIdsOf(imported([b, a]))).toEqual(['legacy', a.id])
    expect(
      releaseIdsOf({
        type: 'SnapshotReconciled',
        data: { changes: [{ releaseId: a.id, before: [a], after: [] }], otherFields: {} },
      }),
    ).toEqual([a.id])
  })
})

describe('releaseStatus: where a release stands as a whole', () => {
  const withPhases = (phases: Partial<Release['phases']>): Release =>
    storedRelease({ id: 'x', timestamp: '2025-01-01T00:00:00Z', phases })
  test('every phase pending: pending', () => expect(releaseStatus(withPhases({}))).toBe('pending'))
  test('some phase started or done, none failed, not all done: in progress', () => {
    expect(releaseStatus(withPhases({ build: 'running' }))).toBe('in progress')
    expect(releaseStatus(withPhases({ build: 'completed' }))).toBe('in progress')
  })
  test('any phase failed: failed', () =>
    expect(releaseStatus(withPhases({ build: 'completed', push: 'failed' }))).toBe('failed'))
  test('every phase completed or skipped: completed', () => {
    expect(
      releaseStatus(
        withPhases({
          build: 'completed',
          push: 'completed',
          migrate_pre: 'skipped',
          rollout: 'completed',
          migrate_post: 'skipped',
          finalize: 'completed',
        }),
      ),
    ).toBe('completed')
  })
})

describe('isAbandoned: pending or in progress, with no event for longer than the threshold', () => {
  const at = (iso: string): number => Date.parse(iso)
  const running = (facts: Parameters<typeof keepFacts>[1]): Release => {
    const release = { ...storedRelease({ id: 'x', timestamp: '2025-01-01T12:00:00Z', phases: { build: 'running' } }) }
    keepFacts(release, facts)
    return release
  }
  test('counted from its last event, when the history knows it', () => {
    const release = running({ lastEventMs: at('2025-01-01T13:00:00Z') })
    expect(isAbandoned(release, at('2025-01-01T13:59:59Z'), 3_600_000)).toBe(false)
    expect(isAbandoned(release, at('2025-01-01T14:00:01Z'), 3_600_000)).toBe(true)
  })
  test('counted from its creation otherwise', () =>
    expect(isAbandoned(running({}), at('2025-01-01T13:00:01Z'), 3_600_000)).toBe(true))
  test('a release left pending (a create, then nothing) counts too, from its creation', () => {
    const pending = storedRelease({ id: 'x', timestamp: '2025-01-01T12:00:00Z' })
    expect(isAbandoned(pending, at('2025-01-01T12:59:59Z'), 3_600_000)).toBe(false)
    expect(isAbandoned(pending, at('2025-01-01T13:00:01Z'), 3_600_000)).toBe(true)
  })
  test('never once it is over: completed, failed', () => {
    const done = storedRelease({ id: 'x', timestamp: '2025-01-01T12:00:00Z', phases: allCompleted() })
    const failed = storedRelease({ id: 'x', timestamp: '2025-01-01T12:00:00Z', phases: { build: 'failed' } })
    expect(isAbandoned(done, at('2026-01-01T00:00:00Z'), 0)).toBe(false)
    expect(isAbandoned(failed, at('2026-01-01T00:00:00Z'), 0)).toBe(false)
  })
})

describe('events in JSON text', () => {
  test('an imported "__proto__" field comes back from the event log as a plain own field', () => {
    const release: StoredRelease = {
      ...storedRelease({ id: 'x', timestamp: '2025-01-01T00:00:00Z' }),
      preserved: { otherFields: JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown> },
    }
    const decoded = DomainEvent.decode(JSON.parse(JSON.stringify(imported([release]))))
    if (E.isLeft(decoded) || decoded.right.type !== 'SnapshotImported') throw new Error('expected a SnapshotImported')
    const fields = decoded.right.data.releases[0]?.preserved?.otherFields
    expect(Object.getOwnPropertyNames(fields)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })
})

describe('event codec properties', () => {
  it.prop([historyScenario], { numRuns: 200 })(
    'every event decide produces is valid for its codec and survives JSON text unchanged (as the event log stores it)',
    (scenario) => {
      for (const event of runScenario(scenario).events) {
        expect(DomainEvent.is(event)).toBe(true)
        const decoded = DomainEvent.decode(JSON.parse(JSON.stringify(event)))
        if (E.isLeft(decoded)) throw new Error(`event ${event.type} did not decode from its JSON`)
        expect(decoded.right).toEqual(event)
        expect(JSON.stringify(decoded.right)).toBe(JSON.stringify(event))
      }
    },
  )
})
