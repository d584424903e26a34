import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  preservedOf,
  allReleases,
  currentRelease,
  findRelease,
  projectSnapshot,
  releaseRecordText,
  releasesOf,
  sameReleases,
} from '../../src/domain/index.js'
import { GO_FIXTURES, readGoFixture } from '../fixtures/index.js'
import { decoded, failure, loaded, right } from './helpers.js'
import { allCompleted, at, stateAfter, storedRelease, decideInput } from './specification.js'

describe.each(GO_FIXTURES)('the Go-written %s', (name) => {
  const text = readGoFixture(name)
  test('loads', () => {
    expect(decoded(text, name).releases.length).toBeGreaterThan(0)
  })
  test('import -> project -> decode gives the same releases', () => {
    const again = decoded(projectSnapshot(loaded(text)))
    expect(sameReleases(again.releases, decoded(text).releases)).toBe(true)
  })
  test('the projection holds the same JSON values as the Go file, in its order: time order (phases in phase order)', () => {
    const projected = JSON.parse(projectSnapshot(loaded(text))) as { releases: Array<{ id: string }> }
    const original = JSON.parse(text) as { releases: Array<{ id: string }> }
    expect(projected.releases).toEqual(original.releases)
  })
  test('after a new release, every original record is still there with the same content', () => {
    const state = loaded(text)
    const events = right(
      decideInput(
        { type: 'CreateRelease', environment: 'prod', version: 'v2.0.0', now: at('2025-01-01T12:00:00Z') },
        state,
      ),
    )
    const after = [...allReleases(stateAfter(events, state))].map(releaseRecordText)
    expect(after).toHaveLength(decoded(text).releases.length + 1)
    for (const release of decoded(text).releases) expect(after).toContain(releaseRecordText(release))
  })
})

describe('what each Go file holds', () => {
  test('single-prod.json: one prod release, every phase completed, no previous release', () => {
    expect(decoded(readGoFixture('single-prod.json')).releases).toEqual([
      storedRelease({
        id: 'rel-20250101-120000000',
        environment: 'prod',
        version: 'v1.2.3',
        commitSha: 'abc123def456',
        timestamp: '2025-01-01T12:00:00Z',
        phases: allCompleted(),
      }),
    ])
  })
  test('single-prod.json is written back as the Go tool wrote it, but for the phase order', () => {
    const goPhaseOrder =
      /"build": "completed",\n {8}"finalize": "completed",\n {8}"migrate_post": "completed",\n {8}"migrate_pre": "completed",\n {8}"push": "completed",\n {8}"rollout": "completed"/
    const ours =
      '"build": "completed",\n        "push": "completed",\n        "migrate_pre": "completed",\n        "rollout": "completed",\n        "migrate_post": "completed",\n        "finalize": "completed"'
    expect(projectSnapshot(loaded(readGoFixture('single-prod.json')))).toBe(
      readGoFixture('single-prod.json').replace(goPhaseOrder, ours),
    )
  })
  test('unicode-escape.json: the version with every troublesome character, read and written back intact', () => {
    const expected = 'v1-é-中-🚀-\u2028-\u2029-"q"-\\-/-\t-\u0001-\u007f-\ufffd'
    const state = loaded(readGoFixture('unicode-escape.json'))
    expect(right(findRelease(state, 'rel-20250101-120000000')).version).toBe(expected)
    expect(decoded(projectSnapshot(state)).releases[0]?.version).toBe(expected)
  })
  test('same-ms-diff-ns.json: both releases of the shared id are kept, the later by nanoseconds is current', () => {
    const state = loaded(readGoFixture('same-ms-diff-ns.json'))
    const twins = [...allReleases(state)]
    expect(twins.map((r) => [r.id, r.version, r.timestamp, r.previousId])).toEqual([
      ['rel-20250101-120000123', 'v1.0.0', '2025-01-01T12:00:00.1231Z', undefined],
      ['rel-20250101-120000123', 'v1.0.1', '2025-01-01T12:00:00.1239Z', 'rel-20250101-120000123'],
    ])
    expect(twins[0]?.phases.build).toBe('completed')
    expect(right(currentRelease(state, 'prod')).version).toBe('v1.0.1')
    failure(findRelease(state, 'rel-20250101-120000123'), 'INVALID_INPUT', 'is ambiguous')
  })
  test('roundtrip-normalize.json: legacy ids, unknown phase kept, the -07:00 release is current', () => {
    const state = loaded(readGoFixture('roundtrip-normalize.json'))
    expect(right(currentRelease(state, 'prod')).id).toBe('rel-20250101-050000')
    expect(right(releasesOf(state, 'prod')).map((r) => r.version)).toEqual(['v1.0.1', 'v1.0.0', 'v0.9.0'])
    const custom = right(findRelease(state, 'rel-20250101-120000'))
    expect(preservedOf(custom)?.otherPhases).toEqual({ zzz_custom: 'weird' })
    expect(custom.timestamp).toBe('2025-01-01T12:00:00.12Z')
    expect(right(findRelease(state, 'rel-20241231-120000')).commitSha).toBe('old')
    expect(E.isRight(findRelease(state, 'rel-20250101-050000'))).toBe(true)
  })
})
