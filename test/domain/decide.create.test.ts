import { describe, test } from 'vitest'
import { type Release, type ReleaseId, type Timestamp } from '../../src/domain/index.js'
import { readGoFixture } from '../fixtures/index.js'
import { decoded } from './helpers.js'
import {
  allCompleted,
  at,
  completedAll,
  created,
  createRelease,
  given,
  imported,
  newRelease,
  storedRelease,
} from './specification.js'

const release = (fields: Omit<Release, 'phases' | 'commitSha'> & { commitSha?: string }): Release => ({
  commitSha: '',
  ...fields,
  phases: {
    build: 'pending',
    push: 'pending',
    migrate_pre: 'pending',
    rollout: 'pending',
    migrate_post: 'pending',
    finalize: 'pending',
  },
})
const rid = (s: string) => s as ReleaseId
const ts = (s: string) => s as Timestamp

describe('CreateRelease: the new release', () => {
  test('given no history, when prod v1.2.3 is created at 12:00:00.123Z, then its id and timestamp encode that instant and every phase is pending', () => {
    given([])
      .when(
        createRelease('2025-01-01T12:00:00.123Z', {
          environment: 'prod',
          version: 'v1.2.3',
          commitSha: 'abc123def456',
        }),
      )
      .then([
        created(
          release({
            id: rid('rel-20250101-120000123'),
            environment: 'prod',
            version: 'v1.2.3',
            commitSha: 'abc123def456',
            timestamp: ts('2025-01-01T12:00:00.123Z'),
          }),
        ),
      ])
  })
  test('the fraction is written as Go writes it: no trailing zeros, none for a whole second', () => {
    given([])
      .when(createRelease('2025-01-01T12:00:00.000Z'))
      .then([
        created(
          release({
            id: rid('rel-20250101-120000000'),
            environment: 'prod',
            version: 'v1.0.0',
            timestamp: ts('2025-01-01T12:00:00Z'),
          }),
        ),
      ])
  })
  test('ids and timestamps are UTC whatever zone the instant was written in', () => {
    given([])
      .when(createRelease('2025-12-31T23:30:00.5-05:00'))
      .then([
        created(
          release({
            id: rid('rel-20260101-043000500'),
            environment: 'prod',
            version: 'v1.0.0',
            timestamp: ts('2026-01-01T04:30:00.5Z'),
          }),
        ),
      ])
  })
  test('environment, version and commit SHA are recorded trimmed; no commit SHA is recorded as empty', () => {
    given([])
      .when(
        createRelease('2025-01-01T12:00:00Z', { environment: ' staging\t', version: '\nv2 ', commitSha: ' DEADBEEF ' }),
      )
      .then([
        created(
          release({
            id: rid('rel-20250101-120000000'),
            environment: 'staging',
            version: 'v2',
            commitSha: 'DEADBEEF',
            timestamp: ts('2025-01-01T12:00:00Z'),
          }),
        ),
      ])
  })
  test('a note is recorded trimmed', () => {
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { note: ' hotfix for INC-42 ' }))
      .then([created(newRelease('2025-01-01T12:00:00Z'), { note: 'hotfix for INC-42' })])
  })
})

describe('CreateRelease: previousId is the current release of the same environment', () => {
  const first = newRelease('2025-01-01T12:00:00Z')
  test("an environment's first release has none", () => {
    given([])
      .when(createRelease('2025-01-01T12:00:00Z'))
      .then([created(first)])
  })
  test('the second release of prod names the first', () => {
    given([created(first)])
      .when(createRelease('2025-01-02T12:00:00Z', { version: 'v1.1.0' }))
      .then([created(newRelease('2025-01-02T12:00:00Z', { version: 'v1.1.0', previousId: first.id }))])
  })
  test('releases of other environments do not count', () => {
    given([created(first)])
      .when(createRelease('2025-01-02T12:00:00Z', { environment: 'staging' }))
      .then([created(newRelease('2025-01-02T12:00:00Z', { environment: 'staging' }))])
  })
  test('environment names are compared after trimming, and case matters', () => {
    given([created(first)])
      .when(createRelease('2025-01-02T12:00:00Z', { environment: ' prod ' }))
      .then([created(newRelease('2025-01-02T12:00:00Z', { previousId: first.id }))])
    given([created(first)])
      .when(createRelease('2025-01-02T12:00:00Z', { environment: 'Prod' }))
      .then([created(newRelease('2025-01-02T12:00:00Z', { environment: 'Prod' }))])
  })
  test('in an imported file the current release is the newest by timestamp, offsets included: the -07:00 release', () => {
    const state = given([imported(decoded(readGoFixture('roundtrip-normalize.json')).releases)])
    state
      .when(createRelease('2025-06-01T00:00:00Z'))
      .then([created(newRelease('2025-06-01T00:00:00Z', { previousId: 'rel-20250101-050000' }))])
  })
  test('a dangling previous_id in a file does not matter: the new release names the release that is current', () => {
    const old = storedRelease({
      id: 'rel-20250101-120000',
      timestamp: '2025-01-01T12:00:00Z',
      previousId: 'rel-20241231-120000',
    })
    given([imported([old])])
      .when(createRelease('2025-02-01T00:00:00Z'))
      .then([created(newRelease('2025-02-01T00:00:00Z', { previousId: 'rel-20250101-120000' }))])
  })
})

describe('CreateRelease: time never runs ahead; the new release comes after every instant in the history', () => {
  const first = newRelease('2025-01-01T12:00:00.500Z')
  test('when the clock repeats the millisecond, the new release is 1 ms after the last, its id reading that instant', () => {
    given([created(first)])
      .when(createRelease('2025-01-01T12:00:00.500Z'))
      .then([
        created(
          release({
            id: rid('rel-20250101-120000501'),
            environment: 'prod',
            version: 'v1.0.0',
            timestamp: ts('2025-01-01T12:00:00.501Z'),
            previousId: first.id,
          }),
        ),
      ])
  })
  test('when the clock goes back a day, the new release is 1 ms after the last', () => {
    given([created(first)])
      .when(createRelease('2024-12-31T12:00:00Z'))
      .then([created(newRelease('2025-01-01T12:00:00.501Z', { previousId: first.id }))])
  })
  test('instants are global: a staging release after a prod one still comes after it', () => {
    given([created(first)])
      .when(createRelease('2025-01-01T12:00:00.200Z', { environment: 'staging' }))
      .then([created(newRelease('2025-01-01T12:00:00.501Z', { environment: 'staging' }))])
  })
  test('one millisecond after the last one of a second rolls over the second, the minute and the day', () => {
    const last = newRelease('2025-12-31T23:59:59.999Z')
    given([created(last)])
      .when(createRelease('2025-01-01T00:00:00Z'))
      .then([created(newRelease('2026-01-01T00:00:00Z', { previousId: last.id }))])
  })
  describe('a release the Go tool made at 19:11:09.546Z from a Tokyo clock (id rel-20261203-041109546)', () => {
    const tokyo = storedRelease({ id: 'rel-20261203-041109546', timestamp: '2026-12-03T04:11:09.546+09:00' })
    test('a create at 19:11:09.600Z is at the clock, not nine hours ahead at 04:11Z', () => {
      given([imported([tokyo])])
        .when(createRelease('2026-12-02T19:11:09.600Z'))
        .then([
          created(
            release({
              id: rid('rel-20261202-191109600'),
              environment: 'prod',
              version: 'v1.0.0',
              timestamp: ts('2026-12-02T19:11:09.6Z'),
              previousId: tokyo.id,
            }),
          ),
        ])
    })
    test('a create in the same millisecond is 1 ms after it', () => {
      given([imported([tokyo])])
        .when(createRelease('2026-12-02T19:11:09.546Z'))
        .then([created(newRelease('2026-12-02T19:11:09.547Z', { previousId: tokyo.id }))])
    })
    test('a second create follows the first by its clock too', () => {
      const next = newRelease('2026-12-02T19:11:09.600Z', { previousId: tokyo.id })
      given([imported([tokyo]), created(next)])
        .when(createRelease('2026-12-02T19:12:00Z'))
        .then([created(newRelease('2026-12-02T19:12:00Z', { previousId: next.id }))])
    })
  })
  test('an instant an id already names (a Go local-clock id) moves on by 1 ms, id and timestamp together', () => {
    // The Go tool at 02:00Z under UTC+10 wrote id rel-20250101-120000000, which reads 12:00Z.
    const sydney = storedRelease({ id: 'rel-20250101-120000000', timestamp: '2025-01-01T12:00:00+10:00' })
    given([imported([sydney])])
      .when(createRelease('2025-01-01T12:00:00Z'))
      .then([created(newRelease('2025-01-01T12:00:00.001Z', { previousId: sydney.id }))])
  })
  test('nanoseconds: after 12:00:00.1239Z, the next millisecond 12:00:00.124Z', () => {
    const go = storedRelease({ id: 'rel-20250101-120000123', timestamp: '2025-01-01T12:00:00.1239Z' })
    given([imported([go])])
      .when(createRelease('2025-01-01T12:00:00.123Z'))
      .then([created(newRelease('2025-01-01T12:00:00.124Z', { previousId: go.id }))])
  })
  test('a legacy id (seconds only) holds nothing back: its instant does', () => {
    const legacy = storedRelease({ id: 'rel-20250101-120000', timestamp: '2025-01-01T12:00:00Z' })
    given([imported([legacy])])
      .when(createRelease('2024-06-01T00:00:00Z'))
      .then([created(newRelease('2025-01-01T12:00:00.001Z', { previousId: legacy.id }))])
  })
  test('after a legacy id, a clock that is ahead is used as is', () => {
    const legacy = storedRelease({ id: 'rel-20250101-120000', timestamp: '2025-01-01T12:00:00Z' })
    given([imported([legacy])])
      .when(createRelease('2025-03-01T08:00:00.042Z'))
      .then([created(newRelease('2025-03-01T08:00:00.042Z', { previousId: legacy.id }))])
  })
  test('foreign ids ("zzz", "rel-2025") hold nothing back: their instants do', () => {
    const zzz = storedRelease({ id: 'zzz', timestamp: '2025-01-01T00:00:00Z' })
    const partial = storedRelease({ id: 'rel-20250615', timestamp: '2025-01-01T06:00:00Z', environment: 'dev' })
    given([imported([zzz, partial])])
      .when(createRelease('2025-01-01T12:00:00Z'))
      .then([created(newRelease('2025-01-01T12:00:00Z', { previousId: zzz.id }))])
  })
  test('a release at the last instant an id can encode (9999-12-31T23:59:59.999Z) cannot be followed', () => {
    given([])
      .when(createRelease('9999-12-31T23:59:59.999Z'))
      .then([created(newRelease('9999-12-31T23:59:59.999Z'))])
    given([created(newRelease('9999-12-31T23:59:59.999Z'))])
      .when(createRelease('2025-01-01T00:00:00Z'))
      .thenFails('INVALID_INPUT', 'past the year 9999')
  })
  test('duplicate ids of a Go file are followed by the next millisecond, previousId naming the shared id', () => {
    const events = [imported(decoded(readGoFixture('same-ms-diff-ns.json')).releases)]
    given(events)
      .when(createRelease('2025-01-01T12:00:00.123Z'))
      .then([created(newRelease('2025-01-01T12:00:00.124Z', { previousId: 'rel-20250101-120000123' }))])
  })
})

describe('CreateRelease: bad input is INVALID_INPUT naming the value', () => {
  const when = (fields: Parameters<typeof createRelease>[1]) =>
    given([]).when(createRelease('2025-01-01T12:00:00Z', fields))
  test('an empty or blank environment', () => {
    when({ environment: '' }).thenFails('INVALID_INPUT', 'environment is empty')
    when({ environment: ' \t' }).thenFails('INVALID_INPUT', 'environment is empty after trimming " \\t"')
  })
  test('an environment with a control character', () =>
    when({ environment: 'pr\u0007od' }).thenFails(
      'INVALID_INPUT',
      'environment "pr\\u0007od" contains a control character (U+0007)',
    ))
  test('an environment of 65 characters (64 are fine)', () => {
    when({ environment: 'e'.repeat(64) }).then([
      created(newRelease('2025-01-01T12:00:00Z', { environment: 'e'.repeat(64) })),
    ])
    when({ environment: 'e'.repeat(65) }).thenFails(
      'INVALID_INPUT',
      'environment',
      'is 65 characters long; the limit is 64',
    )
  })
  test('an empty version, a version with a control character, a version of 257 characters', () => {
    when({ version: '  ' }).thenFails('INVALID_INPUT', 'version is empty')
    when({ version: 'v1\u0000' }).thenFails('INVALID_INPUT', 'version "v1\\u0000"')
    when({ version: 'v'.repeat(256) }).then([created(newRelease('2025-01-01T12:00:00Z', { version: 'v'.repeat(256) }))])
    when({ version: 'v'.repeat(257) }).thenFails('INVALID_INPUT', 'is 257 characters long; the limit is 256')
  })
  test('a commit of 257 characters, or with a control character (any other text is recorded: commit1, ghi789)', () => {
    when({ commitSha: 'c'.repeat(257) }).thenFails('INVALID_INPUT', 'commit SHA', 'the limit is 256')
    when({ commitSha: 'abc\u0000' }).thenFails('INVALID_INPUT', 'commit SHA "abc\\u0000"')
    when({ commitSha: ' commit1 ' }).then([created(newRelease('2025-01-01T12:00:00Z', { commitSha: 'commit1' }))])
  })
  test('an empty note', () => when({ note: '' }).thenFails('INVALID_INPUT', 'note is empty'))
  test('a clock reading that is not a whole number of ms in the years 0000-9999', () => {
    for (const now of [Number.NaN, 1.5, Number.POSITIVE_INFINITY, at('9999-12-31T23:59:59.999Z') + 1]) {
      given([])
        .when({ type: 'CreateRelease', environment: 'prod', version: 'v1', now })
        .thenFails('INVALID_INPUT', `the clock reads ${String(now)} ms`)
    }
  })
})

describe('CreateRelease: rollbackOf', () => {
  const good = newRelease('2025-01-01T12:00:00Z', { version: 'v1.0.0', commitSha: 'abcd1234' })
  const bad = newRelease('2025-01-02T12:00:00Z', { version: 'v1.1.0', previousId: good.id })
  test('names an earlier release of the same environment, recorded on the event', () => {
    given([created(good), ...completedAll(good.id), created(bad)])
      .when(createRelease('2025-01-02T13:00:00Z', { version: 'v1.0.0', rollbackOf: ` ${good.id} ` }))
      .then([
        created(newRelease('2025-01-02T13:00:00Z', { version: 'v1.0.0', previousId: bad.id }), { rollbackOf: good.id }),
      ])
  })
  test('an unknown release is RELEASE_NOT_FOUND', () => {
    given([created(good)])
      .when(createRelease('2025-01-02T13:00:00Z', { rollbackOf: 'rel-20000101-000000000' }))
      .thenFails('RELEASE_NOT_FOUND', 'rel-20000101-000000000')
  })
  test('a release of another version, or of another commit, is INVALID_INPUT: a rollback redeploys the release it names', () => {
    const history = [created(good), ...completedAll(good.id), created(bad)]
    given(history)
      .when(createRelease('2025-01-02T13:00:00Z', { version: 'v1.2.0', rollbackOf: good.id }))
      .thenFails(
        'INVALID_INPUT',
        `release ${good.id} is version "v1.0.0", not "v1.2.0": a rollback redeploys the release it names`,
      )
    given(history)
      .when(createRelease('2025-01-02T13:00:00Z', { version: 'v1.0.0', commitSha: 'ffff0000', rollbackOf: good.id }))
      .thenFails('INVALID_INPUT', `is commit ${good.commitSha}, not ffff0000`)
  })
  test('the current release is no rollback target: RELEASE_NOT_FOUND, the code of every "nothing to roll back to"', () => {
    given([created(good), ...completedAll(good.id), created(bad)])
      .when(createRelease('2025-01-02T13:00:00Z', { version: 'v1.1.0', rollbackOf: bad.id }))
      .thenFails('RELEASE_NOT_FOUND', `release ${bad.id} (v1.1.0) is already the current release of prod`)
    given([created(good)])
      .when(createRelease('2025-01-02T13:00:00Z', { version: 'v1.0.0', rollbackOf: good.id }))
      .thenFails('RELEASE_NOT_FOUND', 'is already the current release of prod')
  })
  test('a release of another environment is INVALID_INPUT naming both environments', () => {
    given([created(good)])
      .when(createRelease('2025-01-02T13:00:00Z', { environment: 'staging', rollbackOf: good.id }))
      .thenFails(
        'INVALID_INPUT',
        `release ${good.id} belongs to environment prod; a release of staging cannot be a rollback of it`,
      )
  })
})

describe('CreateRelease: what a new release may not hold (issue 10.4)', () => {
  test('an environment with a zero-width or bidi character is INVALID_INPUT naming the character and its position: pro\\u200bd would pass for prod', () => {
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { environment: 'pro\u200bd' }))
      .thenFails('INVALID_INPUT', 'environment "pro\\u200bd" contains U+200B at character 4')
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { environment: '\u202edorp' }))
      .thenFails('INVALID_INPUT', 'U+202E at character 1', 'bidi control or zero-width')
  })
  test('a lone surrogate in the environment, the version or the note is INVALID_INPUT: UTF-8 cannot hold it', () => {
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { environment: 'prod\ud800' }))
      .thenFails('INVALID_INPUT', 'environment "prod\\ud800" contains U+D800 at character 5', 'lone surrogate')
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { version: 'v1\udc00' }))
      .thenFails('INVALID_INPUT', 'version "v1\\udc00" contains U+DC00 at character 3')
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { note: 'why \ud83d' }))
      .thenFails('INVALID_INPUT', 'note', 'U+D83D')
  })
  test('a version may hold a bidi character (only names must not pass for others), and an emoji is a whole character, not a lone surrogate', () => {
    given([])
      .when(createRelease('2025-01-01T12:00:00Z', { environment: '🚀prod', version: 'v\u202e2' }))
      .then([
        created(
          release({
            id: rid('rel-20250101-120000000'),
            environment: '🚀prod',
            version: 'v\u202e2',
            timestamp: ts('2025-01-01T12:00:00Z'),
          }),
        ),
      ])
  })
  test('given an imported release of environment pro\\u200bd, a new release of it is recorded: the name is not new text', () => {
    const stored = storedRelease({ id: 'rel-1', timestamp: '2024-12-31T00:00:00Z', environment: 'pro\u200bd' })
    given([imported([stored])])
      .when(createRelease('2025-01-01T12:00:00Z', { environment: 'pro\u200bd' }))
      .then([created(newRelease('2025-01-01T12:00:00Z', { environment: 'pro\u200bd', previousId: 'rel-1' }))])
  })
})

describe('CreateRelease: limits hold new text only (issue 12: what a Go-written history holds is not new)', () => {
  const longEnvironment = 'e'.repeat(80)
  const longVersion = 'v'.repeat(300)
  const goWritten = storedRelease({
    id: 'rel-20241231-000000000',
    timestamp: '2024-12-31T00:00:00Z',
    environment: longEnvironment,
    version: longVersion,
    commitSha: 'commit1',
    phases: allCompleted(),
  })
  const later = storedRelease({
    id: 'rel-20241231-010000000',
    timestamp: '2024-12-31T01:00:00Z',
    environment: longEnvironment,
    version: 'v2',
    previousId: goWritten.id,
  })
  const history = [imported([goWritten, later])]
  test('an environment of 80 characters the history holds takes a new release, given with blanks around it too', () => {
    given(history)
      .when(createRelease('2025-01-01T12:00:00Z', { environment: ` ${longEnvironment} `, version: 'v3' }))
      .then([
        created(
          newRelease('2025-01-01T12:00:00Z', { environment: longEnvironment, version: 'v3', previousId: later.id }),
        ),
      ])
  })
  test("a rollback to its release of a 300-character version is recorded: the version is the target's own", () => {
    given(history)
      .when(
        createRelease('2025-01-01T12:00:00Z', {
          environment: longEnvironment,
          version: longVersion,
          commitSha: 'commit1',
          rollbackOf: goWritten.id,
        }),
      )
      .then([
        created(
          newRelease('2025-01-01T12:00:00Z', {
            environment: longEnvironment,
            version: longVersion,
            commitSha: 'commit1',
            previousId: later.id,
          }),
          { rollbackOf: goWritten.id },
        ),
      ])
  })
  test('a version the environment deployed is not new either, with or without rollbackOf', () => {
    given(history)
      .when(createRelease('2025-01-01T12:00:00Z', { environment: longEnvironment, version: longVersion }))
      .then([
        created(
          newRelease('2025-01-01T12:00:00Z', {
            environment: longEnvironment,
            version: longVersion,
            previousId: later.id,
          }),
        ),
      ])
  })
  test('a new version of 257 characters in that environment is refused as before', () => {
    given(history)
      .when(createRelease('2025-01-01T12:00:00Z', { environment: longEnvironment, version: 'w'.repeat(257) }))
      .thenFails('INVALID_INPUT', 'version', 'is 257 characters long; the limit is 256')
  })
  test('the long version in another environment is new there, and an 81-character environment is new: both refused', () => {
    given(history)
      .when(createRelease('2025-01-01T12:00:00Z', { environment: 'prod', version: longVersion }))
      .thenFails('INVALID_INPUT', 'is 300 characters long; the limit is 256')
    given(history)
      .when(createRelease('2025-01-01T12:00:00Z', { environment: `${longEnvironment}e`, version: 'v3' }))
      .thenFails('INVALID_INPUT', 'environment', 'is 81 characters long; the limit is 64')
  })
  test("the commit of a rollback is compared as a commit: an abbreviation of the target's object name is the same", () => {
    const full = '9fceb02d0ae598e95dc970b74767f19372d61af8'
    const good = newRelease('2025-01-01T12:00:00Z', { version: 'v1', commitSha: full })
    const bad = newRelease('2025-01-02T12:00:00Z', { version: 'v2', previousId: good.id })
    const story = [created(good), ...completedAll(good.id), created(bad)]
    given(story)
      .when(createRelease('2025-01-03T12:00:00Z', { version: 'v1', commitSha: '9FCEB02', rollbackOf: good.id }))
      .then([
        created(newRelease('2025-01-03T12:00:00Z', { version: 'v1', commitSha: '9FCEB02', previousId: bad.id }), {
          rollbackOf: good.id,
        }),
      ])
    given(story)
      .when(createRelease('2025-01-03T12:00:00Z', { version: 'v1', commitSha: '9fceb03', rollbackOf: good.id }))
      .thenFails('INVALID_INPUT', `is commit ${full}, not 9fceb03`)
  })
})
