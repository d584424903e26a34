import { it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import {
  changedFields,
  decodeSnapshot,
  projectSnapshot,
  type Release,
  ReleaseRecord,
  sameReleases,
  type StoredRelease,
} from '../../src/domain/index.js'
import { goSnapshot, goSnapshotText, snapshot } from '../arbitraries.js'
import { readGoFixture, readSpecExample } from '../fixtures/index.js'
import { decoded, failure, importedState, inFileOrder, loaded } from './helpers.js'
import { allCompleted, storedRelease } from './specification.js'

const record = (fields: string, extra = ''): string => `{"releases": [{${fields}}]${extra}}`
const minimal =
  '"id": "rel-20250101-120000", "environment": "prod", "version": "v1", "timestamp": "2025-01-01T12:00:00Z"'
const only = (text: string): StoredRelease => {
  const { releases } = decoded(text)
  expect(releases).toHaveLength(1)
  return releases[0] as Release
}

describe("the spec's example file", () => {
  test('loads exactly: every field as written, the dangling previous_id kept', () => {
    expect(decoded(readSpecExample())).toEqual({
      releases: [
        storedRelease({
          id: 'rel-20250101-120000',
          environment: 'prod',
          version: 'v1.2.3',
          commitSha: 'abc123def456',
          timestamp: '2025-01-01T12:00:00Z',
          phases: allCompleted(),
          previousId: 'rel-20241231-120000',
        }),
      ],
      otherFields: {},
    })
  })
  test('is projected back byte for byte', () => {
    expect(projectSnapshot(loaded(readSpecExample()))).toBe(readSpecExample())
  })
})

describe('decodeSnapshot accepts what the Go tool or a person may have written', () => {
  test('keys in any order', () => {
    const shuffled =
      '{"releases": [{"phases": {"finalize": "completed", "build": "running"}, "timestamp": "2025-01-01T12:00:00Z", "previous_id": "rel-a", "commit_sha": "abcd", "version": "v1", "environment": "prod", "id": "rel-20250101-120000"}]}'
    const release = only(shuffled)
    expect(release).toMatchObject({
      id: 'rel-20250101-120000',
      environment: 'prod',
      version: 'v1',
      commitSha: 'abcd',
      previousId: 'rel-a',
    })
    expect(release.phases).toMatchObject({ build: 'running', finalize: 'completed', push: 'pending' })
  })
  test("Go's escapes (\\u003c, \\u003e, \\u0026, \\u2028) read as the characters", () => {
    expect(only(record(minimal.replace('"v1"', '"\\u003cb\\u003e \\u0026 \\u2028"'))).version).toBe('<b> & \u2028')
  })
  test('timestamps with offsets and nanoseconds are kept byte for byte', () => {
    for (const timestamp of [
      '2025-01-01T05:00:00.5-07:00',
      '2025-01-01T12:00:00.123456789Z',
      '2025-01-01T12:00:00.120000Z',
      '2025-01-01T12:00:00+00:00',
    ]) {
      expect(only(record(minimal.replace('2025-01-01T12:00:00Z', timestamp))).timestamp).toBe(timestamp)
    }
  })
  test('legacy and foreign ids are kept as they are', () => {
    expect(only(record(minimal)).id).toBe('rel-20250101-120000')
    expect(only(record(minimal.replace('rel-20250101-120000', 'deploy #42'))).id).toBe('deploy #42')
  })
  test('missing or null phases read as all pending, remembered as absent, and written back as {}', () => {
    for (const text of [record(minimal), record(`${minimal}, "phases": null`)]) {
      const release = only(text)
      expect(Object.values(release.phases)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending'])
      expect(release.preserved).toEqual({
        absentPhases: ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'],
      })
      expect(ReleaseRecord.encode(release).phases).toEqual({})
    }
  })
  test('some phases missing: those read as pending and are not written back', () => {
    const release = only(record(`${minimal}, "phases": {"rollout": "failed"}`))
    expect(release.phases.rollout).toBe('failed')
    expect(release.preserved?.absentPhases).toEqual(['build', 'push', 'migrate_pre', 'migrate_post', 'finalize'])
  })
  test('a missing or null commit_sha reads as empty; an empty or null previous_id as none', () => {
    expect(only(record(minimal)).commitSha).toBe('')
    expect(only(record(`${minimal}, "commit_sha": null`)).commitSha).toBe('')
    expect(only(record(`${minimal}, "previous_id": ""`)).previousId).toBeUndefined()
    expect(only(record(`${minimal}, "previous_id": null`)).previousId).toBeUndefined()
  })
  test('a commit_sha that is not hex (Go never checked) is kept', () =>
    expect(only(record(`${minimal}, "commit_sha": "old"`)).commitSha).toBe('old'))
  test('a dangling previous_id is kept', () =>
    expect(only(record(`${minimal}, "previous_id": "rel-19990101-000000"`)).previousId).toBe('rel-19990101-000000'))
  test('duplicate ids are kept, both, in file order', () => {
    const text = `{"releases": [{${minimal}}, {${minimal.replace('"v1"', '"v2"')}}]}`
    expect(decoded(text).releases.map((r) => [r.id, r.version])).toEqual([
      ['rel-20250101-120000', 'v1'],
      ['rel-20250101-120000', 'v2'],
    ])
  })
  test('"releases" null (as Go writes an empty list), an empty list, or an empty object: no releases; other top-level fields kept', () => {
    expect(decoded('{"releases": null}')).toEqual({ releases: [], otherFields: {} })
    expect(decoded('{"releases": null, "version": 2}')).toEqual({
      releases: [],
      otherFields: { version: 2 },
      otherFieldsJson: [['version', '2']],
    })
    expect(decoded(' \n{"releases": []}\n')).toEqual({ releases: [], otherFields: {} })
    expect(decoded('{}')).toEqual({ releases: [], otherFields: {} })
  })
  test('an object with fields but no "releases" (a config.json) is not a releases file: CORRUPT_STATE naming it and its fields', () => {
    failure(
      decodeSnapshot('{"name": "shop", "port": 8080}', 'config.json'),
      'CORRUPT_STATE',
      'config.json is not a releases file: it has no "releases" array (its top-level fields are "name", "port"); every write rewrites the state file',
    )
  })
  test('unknown phase keys, unknown fields and top-level fields survive a project -> decode, in file order', () => {
    const text = `{"meta": {"by": "ops"}, "releases": [{${minimal}, "phases": {"zzz_custom": "weird", "build": "completed", "aaa": 1}, "deployed_by": "ana", "ticket": null}], "z": [1]}`
    const release = only(text)
    expect(release.preserved).toEqual({
      absentPhases: ['push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'],
      otherPhases: { zzz_custom: 'weird', aaa: 1 },
      otherFields: { deployed_by: 'ana', ticket: null },
    })
    const again = decoded(projectSnapshot(loaded(text)))
    expect(sameReleases(again.releases, [release])).toBe(true)
    expect(Object.keys(again.releases[0]?.preserved?.otherPhases ?? {})).toEqual(['zzz_custom', 'aaa'])
    expect(Object.entries(again.otherFields)).toEqual([
      ['meta', { by: 'ops' }],
      ['z', [1]],
    ])
  })
  test('a "__proto__" key, in a record, its phases or the top level, is kept as a plain field and written back', () => {
    const text = `{"__proto__": {"polluted": true}, "releases": [{${minimal}, "phases": {"__proto__": "x"}, "__proto__": {"polluted": true}}]}`
    const file = decoded(text)
    const release = file.releases[0] as StoredRelease
    expect(Object.getOwnPropertyNames(release.preserved?.otherFields)).toEqual(['__proto__'])
    expect(Object.getOwnPropertyNames(release.preserved?.otherPhases)).toEqual(['__proto__'])
    expect(Object.getOwnPropertyNames(file.otherFields)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const written = projectSnapshot(importedState(file))
    expect(written).toContain('"__proto__": "x"')
    expect(JSON.parse(written)).toEqual(
      JSON.parse(text.replace('"version": "v1",', '"version": "v1", "commit_sha": "",')),
    )
    expect(written.match(/"__proto__"/g)).toHaveLength(3)
  })
  it.prop([snapshot], { numRuns: 300 })(
    'any snapshot an older file may hold survives project -> decode release for release',
    (file) => {
      const text = projectSnapshot(importedState(file))
      const again = decoded(text)
      expect(sameReleases(again.releases, inFileOrder(file.releases))).toBe(true)
      expect(again.otherFields).toEqual(file.otherFields)
    },
  )
  it.prop([goSnapshot], { numRuns: 200 })(
    'any file as the Go tool would write it decodes to its releases in file order',
    ({ snapshot: file, text }) => {
      const again = decoded(text)
      // Go sorts unknown phase keys in with the known ones, so compare values, not key order.
      expect(again.releases).toEqual(file.releases)
      expect(again.otherFields).toEqual(file.otherFields)
      expect(/[<>&]/.test(text)).toBe(false)
    },
  )
})

describe('the Go-style writer of the test generators', () => {
  test.each(['single-prod.json', 'same-ms-diff-ns.json', 'roundtrip-normalize.json'] as const)(
    'writes %s byte for byte as the Go tool did',
    (name) => {
      expect(goSnapshotText(decoded(readGoFixture(name)))).toBe(readGoFixture(name))
    },
  )
})

describe('changedFields: which top-level fields two versions of a file disagree on', () => {
  test('none when they are the same, whatever their values', () => {
    expect(changedFields({ generator: 'go', nested: { a: [1] } }, { generator: 'go', nested: { a: [1] } })).toEqual([])
  })
  test('added and changed in the order of the newer file, then removed ones', () => {
    expect(
      changedFields({ kept: 1, region: 'eu', generator: 'go 1.2' }, { kept: 1, generator: 'go 1.3', schema: 2 }),
    ).toEqual(['generator', 'schema', 'region'])
  })
  test('a reordering alone is a difference (the file keeps its order): the fields that moved', () => {
    expect(changedFields({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual(['b', 'a'])
  })
})
