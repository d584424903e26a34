import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import { recordFields, Release, ReleaseRecord, releaseRecordText, type StoredRelease } from '../../src/domain/index.js'
import { importedRelease } from '../arbitraries.js'
import { newRelease, storedRelease } from './specification.js'

const isIndex = (key: string): boolean => /^(0|[1-9]\d*)$/.test(key)

const decode = (json: unknown): StoredRelease => {
  const result = ReleaseRecord.decode(json)
  if (E.isLeft(result)) throw new Error('expected the record to decode')
  return result.right
}

describe('ReleaseRecord.encode: a release as a record of releases.json', () => {
  test('keys id, environment, version, commit_sha, timestamp, phases, previous_id; phases in phase order', () => {
    const record = ReleaseRecord.encode(newRelease('2025-01-01T12:00:00Z', { previousId: 'rel-20241231-120000' }))
    expect(Object.keys(record)).toEqual([
      'id',
      'environment',
      'version',
      'commit_sha',
      'timestamp',
      'phases',
      'previous_id',
    ])
    expect(Object.keys(record.phases as object)).toEqual([
      'build',
      'push',
      'migrate_pre',
      'rollout',
      'migrate_post',
      'finalize',
    ])
  })
  test('previous_id is left out when there is none; commit_sha is always written', () => {
    expect(ReleaseRecord.encode(newRelease('2025-01-01T12:00:00Z'))).toEqual({
      id: 'rel-20250101-120000000',
      environment: 'prod',
      version: 'v1.0.0',
      commit_sha: '',
      timestamp: '2025-01-01T12:00:00Z',
      phases: {
        build: 'pending',
        push: 'pending',
        migrate_pre: 'pending',
        rollout: 'pending',
        migrate_post: 'pending',
        finalize: 'pending',
      },
    })
  })
  test('preserved: absent phases left out, unknown phases after the known ones, unknown fields after previous_id, in their order', () => {
    const release: StoredRelease = {
      ...storedRelease({
        id: 'x',
        timestamp: '2025-01-01T12:00:00+02:00',
        phases: { build: 'completed' },
        previousId: 'w',
      }),
      preserved: {
        absentPhases: ['push', 'migrate_pre', 'rollout', 'migrate_post'],
        otherPhases: { zz: 1, aa: 'two' },
        otherFields: { zeta: true, alpha: null },
      },
    }
    const record = ReleaseRecord.encode(release)
    expect(Object.keys(record)).toEqual([
      'id',
      'environment',
      'version',
      'commit_sha',
      'timestamp',
      'phases',
      'previous_id',
      'zeta',
      'alpha',
    ])
    expect(Object.entries(record.phases as object)).toEqual([
      ['build', 'completed'],
      ['finalize', 'pending'],
      ['zz', 1],
      ['aa', 'two'],
    ])
  })
  test('a preserved field or phase cannot override a known one', () => {
    const release: StoredRelease = {
      ...newRelease('2025-01-01T12:00:00Z'),
      preserved: { otherFields: { id: 'forged', environment: 'dev' }, otherPhases: { build: 'completed' } },
    }
    const record = ReleaseRecord.encode(release)
    expect(record.id).toBe('rel-20250101-120000000')
    expect(record.environment).toBe('prod')
    expect((record.phases as Record<string, unknown>).build).toBe('pending')
  })
  test('an unknown field named like an array index ("7") is still written after the known keys', () => {
    // JavaScript objects list integer-like keys first, so the record is written from its ordered
    // fields, not from an object.
    const release: StoredRelease = {
      ...newRelease('2025-01-01T12:00:00Z'),
      preserved: { otherFields: { '7': 'x' }, otherPhases: { '3': 'weird' } },
    }
    const written = releaseRecordText(release)
    expect(written.indexOf('"id"')).toBeLessThan(written.indexOf('"7"'))
    expect(written.indexOf('"finalize"')).toBeLessThan(written.indexOf('"3"'))
    expect(recordFields(release).map(([key]) => key)).toEqual([
      'id',
      'environment',
      'version',
      'commit_sha',
      'timestamp',
      'phases',
      '7',
    ])
  })
  test('a preserved "__proto__" field is written as an own, plain field', () => {
    const release: StoredRelease = {
      ...newRelease('2025-01-01T12:00:00Z'),
      preserved: { otherFields: JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown> },
    }
    const record = ReleaseRecord.encode(release)
    expect(Object.getOwnPropertyNames(record)).toContain('__proto__')
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
    expect(JSON.stringify(record)).toContain('"__proto__":{"x":1}')
  })
})

describe('ReleaseRecord.decode: a record as the Go tool or a person wrote it', () => {
  test('a full record, keys in any order', () => {
    const json = {
      phases: { rollout: 'running' },
      previous_id: 'p',
      timestamp: '2025-01-01T12:00:00.123456789Z',
      commit_sha: 'abcd',
      version: 'v',
      environment: 'e',
      id: 'i',
    }
    expect(decode(json)).toEqual({
      id: 'i',
      environment: 'e',
      version: 'v',
      commitSha: 'abcd',
      timestamp: '2025-01-01T12:00:00.123456789Z',
      phases: {
        build: 'pending',
        push: 'pending',
        migrate_pre: 'pending',
        rollout: 'running',
        migrate_post: 'pending',
        finalize: 'pending',
      },
      previousId: 'p',
      preserved: { absentPhases: ['build', 'push', 'migrate_pre', 'migrate_post', 'finalize'] },
    })
  })
  test('a record with every phase and no unknown key preserves nothing', () => {
    expect(decode(ReleaseRecord.encode(newRelease('2025-01-01T12:00:00Z'))).preserved).toBeUndefined()
  })
  test('a bad status is refused, anything else missing or mistyped too', () => {
    expect(
      E.isLeft(
        ReleaseRecord.decode({
          id: 'i',
          environment: 'e',
          version: 'v',
          timestamp: '2025-01-01T12:00:00Z',
          phases: { build: 'Done' },
        }),
      ),
    ).toBe(true)
    expect(E.isLeft(ReleaseRecord.decode({ id: 'i', environment: 'e', version: 'v' }))).toBe(true)
    expect(E.isLeft(ReleaseRecord.decode('i'))).toBe(true)
  })
})

describe('release record properties', () => {
  it.prop([importedRelease], { numRuns: 300 })(
    'any release survives encode -> JSON text -> decode unchanged',
    (release) => {
      const again = decode(JSON.parse(JSON.stringify(ReleaseRecord.encode(release))))
      expect(again).toEqual(release)
      expect(Release.is(again)).toBe(true)
    },
  )
  it.prop([importedRelease], { numRuns: 200 })(
    'the encoded record has the known keys first, in order (unknown keys that are not array indexes)',
    (release) => {
      fc.pre(!Object.keys(release.preserved?.otherFields ?? {}).some(isIndex))
      const keys = Object.keys(ReleaseRecord.encode(release))
      const known = [
        'id',
        'environment',
        'version',
        'commit_sha',
        'timestamp',
        'phases',
        ...(release.previousId === undefined ? [] : ['previous_id']),
      ]
      expect(keys.slice(0, known.length)).toEqual(known)
      expect(keys.slice(known.length)).toEqual(Object.keys(release.preserved?.otherFields ?? {}))
    },
  )
})
