import { it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import {
  allReleases,
  compareInstants,
  currentRelease,
  environments,
  findRelease,
  type Instant,
  isNewer,
  listAllReleases,
  parseEnvironment,
  parseInstant,
  type Release,
  releaseCount,
  releasesOf,
  type State,
} from '../../src/domain/index.js'
import { generatedState } from '../arbitraries.js'
import { readGoFixture } from '../fixtures/index.js'
import { failure, loaded, right } from './helpers.js'
import { created, imported, newRelease, stateAfter, storedRelease } from './specification.js'

const p1 = newRelease('2025-01-01T12:00:00Z', { version: 'p1' })
const s1 = newRelease('2025-01-01T13:00:00Z', { version: 's1', environment: 'staging' })
const p2 = newRelease('2025-01-02T12:00:00Z', { version: 'p2', previousId: p1.id })
const d1 = newRelease('2025-01-03T12:00:00Z', { version: 'd1', environment: 'dev' })
const state = stateAfter([created(p1), created(s1), created(p2), created(d1)])
const versions = (releases: ReadonlyArray<Release>) => releases.map((r) => r.version)

describe('findRelease', () => {
  test('finds a release by id, trimmed', () => expect(right(findRelease(state, ` ${s1.id}\t`))).toEqual(s1))
  test('an unknown id is RELEASE_NOT_FOUND naming it', () =>
    failure(
      findRelease(state, 'rel-20000101-000000000'),
      'RELEASE_NOT_FOUND',
      'release rel-20000101-000000000 not found',
    ))
  test('an empty id is INVALID_INPUT', () => failure(findRelease(state, ''), 'INVALID_INPUT', 'release id is empty'))
  test('an id two releases share is refused as ambiguous, naming the id and both versions', () => {
    failure(
      findRelease(loaded(readGoFixture('same-ms-diff-ns.json')), 'rel-20250101-120000123'),
      'INVALID_INPUT',
      'release id rel-20250101-120000123 is ambiguous: 2 releases hold it (versions v1.0.0, v1.0.1)',
    )
  })
})

describe('currentRelease: the newest release of an environment by timestamp, ties broken by id', () => {
  test('the newest of prod', () => expect(right(currentRelease(state, 'prod'))).toEqual(p2))
  test('the environment name is trimmed', () => expect(right(currentRelease(state, ' staging '))).toEqual(s1))
  test('by timestamp, not by id: a lower id with a later timestamp is current', () => {
    const early = storedRelease({ id: 'rel-b', timestamp: '2025-01-01T00:00:00Z', version: 'early' })
    const late = storedRelease({ id: 'rel-a', timestamp: '2025-06-01T00:00:00Z', version: 'late' })
    expect(right(currentRelease(stateAfter([imported([early, late])]), 'prod')).version).toBe('late')
  })
  test('offsets count: 05:00:00.5-07:00 is later than 12:00:00.12Z (roundtrip-normalize.json)', () => {
    expect(right(currentRelease(loaded(readGoFixture('roundtrip-normalize.json')), 'prod')).version).toBe('v1.0.1')
  })
  test('nanoseconds count: .1239Z is later than .1231Z (same-ms-diff-ns.json)', () => {
    expect(right(currentRelease(loaded(readGoFixture('same-ms-diff-ns.json')), 'prod')).version).toBe('v1.0.1')
  })
  test('the same instant: the greater id is current', () => {
    const x = storedRelease({ id: 'rel-x', timestamp: '2025-01-01T12:00:00Z', version: 'x' })
    const y = storedRelease({ id: 'rel-y', timestamp: '2025-01-01T13:00:00+01:00', version: 'y' })
    expect(right(currentRelease(stateAfter([imported([y, x])]), 'prod')).version).toBe('y')
  })
  test('an environment without releases is RELEASE_NOT_FOUND naming it', () =>
    failure(currentRelease(state, 'qa'), 'RELEASE_NOT_FOUND', 'environment qa has no releases'))
  test('an invalid environment name is INVALID_INPUT', () =>
    failure(currentRelease(state, ''), 'INVALID_INPUT', 'environment is empty'))
})

describe('releasesOf and listAllReleases', () => {
  test('the releases of an environment, newest first', () =>
    expect(versions(right(releasesOf(state, 'prod')))).toEqual(['p2', 'p1']))
  test('an environment never deployed has none', () => expect(right(releasesOf(state, 'qa'))).toEqual([]))
  test('an empty environment name is INVALID_INPUT; any other name is looked up, none refused', () => {
    failure(releasesOf(state, ' '), 'INVALID_INPUT', 'environment is empty')
    expect(right(releasesOf(state, 'a\u0000b'))).toEqual([])
  })
  test('a Go-written environment of 80 characters is listed and current, given as held or with blanks around', () => {
    const name = 'e'.repeat(80)
    const goWritten = stateAfter([
      imported([
        storedRelease({ id: 'rel-1', timestamp: '2025-01-01T12:00:00Z', environment: name, version: 'v'.repeat(300) }),
      ]),
    ])
    for (const given of [name, ` ${name}\t`]) {
      expect(right(releasesOf(goWritten, given)).map((r) => r.id)).toEqual(['rel-1'])
      expect(right(currentRelease(goWritten, given)).version).toHaveLength(300)
    }
  })
  test('a name not found is shown escaped in the message, as it is when plain', () => {
    failure(currentRelease(state, 'q\u001ba'), 'RELEASE_NOT_FOUND', 'environment "q\\u001ba" has no releases')
    failure(findRelease(state, 'rel-\u200b'), 'RELEASE_NOT_FOUND', 'release "rel-\\u200b" not found')
  })
  test('newest first by timestamp with offsets, not by id (roundtrip-normalize.json)', () => {
    expect(right(releasesOf(loaded(readGoFixture('roundtrip-normalize.json')), 'prod')).map((r) => r.id)).toEqual([
      'rel-20250101-050000',
      'rel-20250101-120000',
      'rel-20241231-120000',
    ])
  })
  test('all releases: environments ascending, each newest first', () =>
    expect(versions(listAllReleases(state))).toEqual(['d1', 'p2', 'p1', 's1']))
  test('environments are ordered by code unit: "Prod" before "dev" before "prod"', () => {
    const upper = newRelease('2025-01-04T00:00:00Z', { environment: 'Prod', version: 'P1' })
    expect(versions(listAllReleases(stateAfter([created(upper)], state)))).toEqual(['P1', 'd1', 'p2', 'p1', 's1'])
    expect(environments(stateAfter([created(upper)], state))).toEqual(['Prod', 'dev', 'prod', 'staging'])
  })
  test('duplicate ids are both listed', () =>
    expect(versions(listAllReleases(loaded(readGoFixture('same-ms-diff-ns.json'))))).toEqual(['v1.0.1', 'v1.0.0']))
  test('the state counts and iterates every release once, in id order', () => {
    expect(releaseCount(state)).toBe(4)
    expect(versions([...allReleases(state)])).toEqual(['p1', 's1', 'p2', 'd1'])
    expect(isNewer(p2, p1)).toBe(true)
    expect(isNewer(p1, p2)).toBe(false)
  })
})

describe('query properties', () => {
  const instant = (r: Release) => parseInstant(r.timestamp) as Instant
  /** Newest by the plain definition: later instant, then greater id. */
  const newest = (releases: ReadonlyArray<Release>): Release | undefined =>
    releases.reduce<Release | undefined>(
      (best, r) =>
        best === undefined ||
        compareInstants(instant(r), instant(best)) > 0 ||
        (compareInstants(instant(r), instant(best)) === 0 && r.id > best.id)
          ? r
          : best,
      undefined,
    )
  const queryable = (s: State) =>
    [...s.current.keys()].filter((env) => E.isRight(parseEnvironment(env)) && right(parseEnvironment(env)) === env)

  it.prop([generatedState], { numRuns: 300 })(
    "an environment's releases are exactly its own, newest first, the first being its current release",
    (s) => {
      for (const env of queryable(s)) {
        const listed = right(releasesOf(s, env))
        const own = [...allReleases(s)].filter((r) => r.environment === env)
        expect(listed).toHaveLength(own.length)
        for (const r of own) expect(listed).toContain(r)
        for (let i = 1; i < listed.length; i++)
          expect(isNewer(listed[i] as Release, listed[i - 1] as Release)).toBe(false)
        expect(right(currentRelease(s, env))).toBe(listed[0])
        expect(listed[0]).toBe(newest(own))
      }
    },
  )
  it.prop([generatedState], { numRuns: 300 })(
    'all releases: every release exactly once, environments ascending',
    (s) => {
      const all = listAllReleases(s)
      expect(all).toHaveLength(releaseCount(s))
      expect(new Set(all).size).toBe(all.length)
      for (let i = 1; i < all.length; i++)
        expect((all[i - 1] as Release).environment <= (all[i] as Release).environment).toBe(true)
    },
  )
})
