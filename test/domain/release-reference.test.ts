import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import { allReleases, resolveReleaseReference, type State } from '../../src/domain/index.js'
import { generatedState } from '../arbitraries.js'
import { failure, right } from './helpers.js'
import {
  completedAll,
  created,
  imported,
  newRelease,
  phaseUpdated,
  stateAfter,
  storedRelease,
} from './specification.js'

// prod: p1 completed, p2 completed, p3 failed (current); staging: s1 pending.
const p1 = newRelease('2025-01-01T12:00:00Z', { version: 'p1' })
const p2 = newRelease('2025-01-02T12:00:00Z', { version: 'p2', previousId: p1.id })
const p3 = newRelease('2025-01-03T12:00:00Z', { version: 'p3', previousId: p2.id })
const s1 = newRelease('2025-01-03T13:00:00Z', { version: 's1', environment: 'staging' })
const state = stateAfter([
  created(p1),
  ...completedAll(p1.id),
  created(p2),
  ...completedAll(p2.id),
  created(p3),
  phaseUpdated(p3.id, 'build', 'pending', 'failed'),
  created(s1),
])
const resolved = (reference: string, from: State = state): string => right(resolveReleaseReference(from, reference)).id

describe('resolveReleaseReference: an exact id or a unique prefix always wins', () => {
  test('an exact id, trimmed as findRelease trims it', () => {
    expect(resolved(p2.id)).toBe(p2.id)
    expect(resolved(` ${s1.id}\t`)).toBe(s1.id)
  })
  test('a prefix only one id starts with', () => {
    expect(resolved('rel-20250102')).toBe(p2.id)
    expect(resolved(s1.id.slice(0, -2))).toBe(s1.id)
  })
  test('a prefix several ids start with is refused as ambiguous, naming them', () => {
    failure(
      resolveReleaseReference(state, 'rel-2025010'),
      'INVALID_INPUT',
      `release reference "rel-2025010" is ambiguous: 4 release ids start with it (${p1.id}, ${p2.id}, ${p3.id}, ` +
        `${s1.id}); type more of the id`,
    )
  })
  test('an ambiguous prefix names five candidates and counts the rest', () => {
    const many = stateAfter(
      Array.from({ length: 8 }, (_, i) =>
        created(newRelease(`2025-01-0${i + 1}T12:00:00Z`, { version: `v${i}`, environment: `env-${i}` })),
      ),
    )
    failure(resolveReleaseReference(many, 'rel-'), 'INVALID_INPUT', 'ambiguous: 8 release ids', ' and 3 more)')
  })
  test('an unknown id, and an empty one, are refused as findRelease refuses them', () => {
    failure(resolveReleaseReference(state, 'rel-2099'), 'RELEASE_NOT_FOUND', 'release rel-2099 not found')
    failure(resolveReleaseReference(state, '  '), 'INVALID_INPUT', 'release id is empty')
  })
  test('an id holding an @ is found by its id and its prefix, before any position', () => {
    const odd = storedRelease({ id: 'prod@current', timestamp: '2024-01-01T00:00:00Z' })
    const other = storedRelease({ id: 'rel-b', timestamp: '2025-01-01T00:00:00Z', version: 'v2' })
    const from = stateAfter([imported([odd, other])])
    expect(resolved('prod@current', from)).toBe('prod@current')
    expect(resolved('prod@cur', from)).toBe('prod@current')
    expect(resolved('prod@~0', from)).toBe('rel-b')
  })

  it.prop([generatedState.filter((s) => s.releases.size > 0), fc.nat(), fc.nat()])(
    'a prefix of an existing id that no other id starts with resolves to its release',
    (from, pick, cut) => {
      const ids = [...from.releases.keys()].filter((id) => (from.releases.get(id)?.length ?? 0) === 1)
      fc.pre(ids.length > 0)
      const id = ids[pick % ids.length] as string
      const prefix = id.slice(0, 1 + (cut % id.length))
      fc.pre(prefix.trim() === prefix)
      fc.pre([...from.releases.keys()].filter((other) => other.startsWith(prefix)).length === 1)
      expect(resolved(prefix, from)).toBe(id)
    },
  )
  it.prop([generatedState])('every release with an id of its own resolves by its id', (from) => {
    for (const release of allReleases(from))
      if (from.releases.get(release.id)?.length === 1)
        expect(resolveReleaseReference(from, release.id)).toEqual(E.right(release))
  })
})

describe('resolveReleaseReference: ENV@POSITION, split at the last @', () => {
  test("ENV@current is the environment's current release", () => {
    expect(resolved('prod@current')).toBe(p3.id)
    expect(resolved('staging@current')).toBe(s1.id)
  })
  test('ENV@~N is the Nth release before the current one, newest first as list shows them; ~ is ~1, ~0 current', () => {
    expect(resolved('prod@~0')).toBe(p3.id)
    expect(resolved('prod@~1')).toBe(p2.id)
    expect(resolved('prod@~')).toBe(p2.id)
    expect(resolved('prod@~2')).toBe(p1.id)
  })
  test('ENV@~N past the oldest release says how many there are', () => {
    failure(
      resolveReleaseReference(state, 'prod@~3'),
      'RELEASE_NOT_FOUND',
      'environment prod has 3 releases; prod@~2 is its oldest',
    )
  })
  test('ENV@last-good is the newest release whose status is completed, the current one included', () => {
    expect(resolved('prod@last-good')).toBe(p2.id)
    const after = stateAfter([...completedAll(s1.id)], state)
    expect(resolved('staging@last-good', after)).toBe(s1.id)
    failure(
      resolveReleaseReference(state, 'staging@last-good'),
      'RELEASE_NOT_FOUND',
      'environment staging has no release whose status is completed',
    )
  })
  test('an environment holding an @ is split at the last one', () => {
    const odd = newRelease('2025-02-01T00:00:00Z', { environment: 'team@eu' })
    expect(resolved('team@eu@current', stateAfter([created(odd)]))).toBe(odd.id)
  })
  test('an unknown position names the accepted forms', () => {
    failure(
      resolveReleaseReference(state, 'prod@previous'),
      'INVALID_INPUT',
      'unknown release position "previous" in "prod@previous"; after ENV@ give current, ~N',
      'last-good',
    )
    failure(resolveReleaseReference(state, 'prod@~-1'), 'INVALID_INPUT', 'unknown release position "~-1"')
  })
  test('an environment without releases, or none named, is refused as currentRelease refuses it', () => {
    failure(resolveReleaseReference(state, 'dev@current'), 'RELEASE_NOT_FOUND', 'environment dev has no releases')
    failure(resolveReleaseReference(state, 'dev@~1'), 'RELEASE_NOT_FOUND', 'environment dev has no releases')
    failure(resolveReleaseReference(state, '@current'), 'INVALID_INPUT', 'environment is empty')
  })
  test('a reference that is not text is refused as findRelease refuses it', () => {
    failure(resolveReleaseReference(state, 42), 'INVALID_INPUT')
  })
})
