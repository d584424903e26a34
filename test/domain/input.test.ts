import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import {
  looksLikeCommitSha,
  MAX_COMMIT_SHA_LENGTH,
  MAX_ENVIRONMENT_LENGTH,
  MAX_VERSION_LENGTH,
  parseCommitSha,
  parseEnvironment,
  parseNewEnvironment,
  parseNewVersion,
  parsePhase,
  parseReleaseId,
  parseStatus,
  parseText,
  parseVersion,
  PHASE_STATUSES,
  PHASES,
  sameCommit,
} from '../../src/domain/index.js'
import {
  anyText,
  blanks,
  commitSha,
  environmentInput,
  invalidCommitSha,
  invalidEnvironment,
  invalidVersion,
  phase,
  status,
  versionInput,
} from '../arbitraries.js'
import { failure, right } from './helpers.js'

describe('environment', () => {
  test('is trimmed of surrounding blanks', () => {
    expect(right(parseEnvironment('  prod\n'))).toBe('prod')
    expect(right(parseEnvironment('\u00a0staging\t'))).toBe('staging')
  })
  test('inner spaces are kept', () => expect(right(parseEnvironment(' eu west '))).toBe('eu west'))
  test('empty is INVALID_INPUT', () => failure(parseEnvironment(''), 'INVALID_INPUT', 'environment is empty'))
  test('blank only is INVALID_INPUT naming the blanks', () =>
    failure(parseEnvironment('  \t '), 'INVALID_INPUT', 'environment is empty after trimming "  \\t "'))
  test('a control character inside is INVALID_INPUT for a new name, naming the value and the character', () => {
    failure(parseNewEnvironment('pr\u0000od'), 'INVALID_INPUT', '"pr\\u0000od"', 'control character (U+0000)')
    failure(parseNewEnvironment('pr\nod'), 'INVALID_INPUT', '"pr\\nod"', 'U+000A')
    failure(parseNewEnvironment('prod\u007f1'), 'INVALID_INPUT', 'U+007F')
    failure(parseNewEnvironment('prod\u00851'), 'INVALID_INPUT', 'U+0085')
  })
  test('a new name may have 64 characters, not 65: INVALID_INPUT naming the length and the limit', () => {
    expect(right(parseNewEnvironment('e'.repeat(64)))).toBe('e'.repeat(64))
    failure(
      parseNewEnvironment('e'.repeat(65)),
      'INVALID_INPUT',
      `"${'e'.repeat(40)}"`,
      'is 65 characters long; the limit is 64',
    )
  })
  test('the limit counts characters, not UTF-16 units: 64 emoji pass, 65 do not', () => {
    expect(right(parseNewEnvironment('🚀'.repeat(64)))).toBe('🚀'.repeat(64))
    failure(parseNewEnvironment('🚀'.repeat(65)), 'INVALID_INPUT', 'is 65 characters long; the limit is 64')
  })
  test('a blank-padded 64-character name is measured after trimming', () =>
    expect(right(parseNewEnvironment(`  ${'e'.repeat(64)}  `))).toBe('e'.repeat(64)))
  test('a look-up has no limit but being text, trimmed, not empty: the Go Stagecraft wrote any name', () => {
    expect(right(parseEnvironment(` ${'e'.repeat(80)} `))).toBe('e'.repeat(80))
    expect(right(parseEnvironment('pr\u0000od'))).toBe('pr\u0000od')
    expect(right(parseEnvironment('pro\u200bd'))).toBe('pro\u200bd')
  })
  test('a value that is not a string is INVALID_INPUT', () => {
    failure(parseEnvironment(42), 'INVALID_INPUT', 'environment must be a string, got number')
    failure(parseEnvironment(undefined), 'INVALID_INPUT', 'got nothing')
  })

  it.prop([environmentInput], { numRuns: 300 })(
    'any valid name with blanks around parses to the trimmed name',
    ({ input, clean }) => {
      expect(right(parseEnvironment(input))).toBe(clean)
    },
  )
  it.prop([invalidEnvironment], { numRuns: 300 })(
    'any empty, control-character or over-long new name is INVALID_INPUT saying which rule',
    ({ input, rule }) => {
      const expected = {
        empty: 'is empty',
        'control character': 'contains a control character',
        'too long': 'the limit is 64',
      }[rule]
      failure(parseNewEnvironment(input), 'INVALID_INPUT', expected)
    },
  )
  it.prop([fc.string({ unit: 'binary', maxLength: 80 })], { numRuns: 300 })(
    'any string either parses to a trimmed, control-free new name of 1-64 characters or is refused',
    (raw) => {
      const result = parseNewEnvironment(raw)
      const value = raw.trim()
      const ok =
        value !== '' &&
        !/\p{Cc}|[\ud800-\udfff]|[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u.test(value) &&
        [...value].length <= MAX_ENVIRONMENT_LENGTH
      if (ok) expect(right(result)).toBe(value)
      else failure(result, 'INVALID_INPUT')
    },
  )
  it.prop([fc.string({ unit: 'binary', maxLength: 300 })], { numRuns: 300 })(
    'any string is a look-up of its trimmed self, unless nothing is left',
    (raw) => {
      for (const parse of [parseEnvironment, parseVersion, parseReleaseId]) {
        if (raw.trim() === '') failure(parse(raw), 'INVALID_INPUT', 'is empty')
        else expect(right(parse(raw))).toBe(raw.trim())
      }
    },
  )
})

describe('version', () => {
  test('is trimmed', () => expect(right(parseVersion(' v1.2.3 '))).toBe('v1.2.3'))
  test('empty or blank is INVALID_INPUT', () => {
    failure(parseVersion(''), 'INVALID_INPUT', 'version is empty')
    failure(parseVersion('   '), 'INVALID_INPUT', 'version is empty after trimming')
  })
  test('a control character is INVALID_INPUT in a new version, naming it', () =>
    failure(parseNewVersion('v1\u001b[0m'), 'INVALID_INPUT', '"v1\\u001b[0m"', 'U+001B'))
  test('a new version may have 256 characters, not 257; a look-up any number', () => {
    expect(right(parseNewVersion('中'.repeat(256)))).toBe('中'.repeat(256))
    failure(parseNewVersion('v'.repeat(257)), 'INVALID_INPUT', 'is 257 characters long; the limit is 256')
    expect(right(parseVersion('v'.repeat(300)))).toBe('v'.repeat(300))
  })
  it.prop([versionInput], { numRuns: 200 })(
    'any valid version with blanks parses to the trimmed version',
    ({ input, clean }) => {
      expect(right(parseVersion(input))).toBe(clean)
    },
  )
  it.prop([invalidVersion], { numRuns: 200 })('any invalid new version is INVALID_INPUT', ({ input }) => {
    const message = failure(parseNewVersion(input), 'INVALID_INPUT')
    expect(message).toMatch(/^version /)
  })
  test('the limits are the documented ones', () =>
    expect([MAX_ENVIRONMENT_LENGTH, MAX_VERSION_LENGTH, MAX_COMMIT_SHA_LENGTH]).toEqual([64, 256, 256]))
})

describe('commit SHA', () => {
  test('absent or empty means unknown: the empty string', () => {
    expect(right(parseCommitSha(undefined))).toBe('')
    expect(right(parseCommitSha(''))).toBe('')
    expect(right(parseCommitSha('   '))).toBe('')
  })
  test('any text is accepted, trimmed: an object name, or what the Go tests pass (commit1, ghi789)', () => {
    expect(right(parseCommitSha(' DEADbeef '))).toBe('DEADbeef')
    expect(right(parseCommitSha('a'.repeat(64)))).toBe('a'.repeat(64))
    for (const sha of ['commit1', 'ghi789', 'abc123', 'abc', 'v1.2.3 build 5', 'é'.repeat(256)])
      expect(right(parseCommitSha(` ${sha}\t`))).toBe(sha)
  })
  test('257 characters, a control character or a lone surrogate are INVALID_INPUT naming the commit', () => {
    failure(parseCommitSha('a'.repeat(257)), 'INVALID_INPUT', 'commit SHA', 'is 257 characters long; the limit is 256')
    failure(parseCommitSha('abc\u001bdef'), 'INVALID_INPUT', 'commit SHA "abc\\u001bdef"', 'U+001B')
    failure(parseCommitSha('abc\ud800'), 'INVALID_INPUT', 'commit SHA "abc\\ud800"', 'a lone surrogate')
  })
  test('an object name is 7 to 40 hexadecimal characters, or 64', () => {
    for (const sha of ['abc1234', 'ABCDEF0', 'a'.repeat(40), 'f'.repeat(64), ' 9fceb02 '])
      expect(looksLikeCommitSha(sha)).toBe(true)
    for (const sha of ['', 'abc123', 'commit1', 'ghi7890', 'a'.repeat(41), 'a'.repeat(63), 'a'.repeat(65), '0xabcdef'])
      expect(looksLikeCommitSha(sha)).toBe(false)
  })
  test('two commits are the same when equal, or object names one of which abbreviates the other, in any case', () => {
    expect(sameCommit('commit1', 'commit1')).toBe(true)
    expect(sameCommit('9fceb02', '9FCEB02D0AE598E95DC970B74767F19372D61AF8')).toBe(true)
    expect(sameCommit('9fceb02d0ae598e95dc970b74767f19372d61af8', '9fceb02')).toBe(true)
    expect(sameCommit('9fceb02', '9fceb03')).toBe(false)
    expect(sameCommit('commit1', 'Commit1')).toBe(false)
    expect(sameCommit('abc', 'abcdef0')).toBe(false) // abc is no object name: only equality counts
  })
  test('a value that is not a string is INVALID_INPUT', () =>
    failure(parseCommitSha(1234), 'INVALID_INPUT', 'commit SHA must be a string, got number'))
  it.prop([commitSha, fc.constantFrom('', ' ', '\t')], { numRuns: 200 })(
    'any valid SHA (blank-padded) parses to itself',
    (sha, blank) => {
      expect(right(parseCommitSha(`${blank}${sha}${blank}`))).toBe(sha)
    },
  )
  it.prop([invalidCommitSha], { numRuns: 200 })('any invalid commit is INVALID_INPUT naming it', (sha) => {
    failure(parseCommitSha(sha), 'INVALID_INPUT', 'commit SHA ')
  })
})

describe('phase and status names', () => {
  test('every phase name is accepted as is', () => {
    for (const name of ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'])
      expect(right(parsePhase(name))).toBe(name)
  })
  test('a phase or a status is trimmed, as an environment, a version and an id are', () => {
    expect(right(parsePhase(' build\n'))).toBe('build')
    expect(right(parseStatus('\tcompleted '))).toBe('completed')
  })
  test('an unknown phase is INVALID_INPUT naming it and listing the phases', () => {
    failure(
      parsePhase('deploy'),
      'INVALID_INPUT',
      'unknown phase "deploy"',
      'expected one of build, push, migrate_pre, rollout, migrate_post, finalize',
    )
    failure(parsePhase('Build'), 'INVALID_INPUT', '"Build"')
    failure(parsePhase('bu ild'), 'INVALID_INPUT', '"bu ild"')
    failure(parsePhase('__proto__'), 'INVALID_INPUT', '"__proto__"')
  })
  test('a phase or a status that is not a string is INVALID_INPUT saying what it was', () => {
    failure(parsePhase(undefined), 'INVALID_INPUT', 'phase must be a string, got nothing', 'expected one of build')
    failure(parsePhase(3), 'INVALID_INPUT', 'phase must be a string, got number')
    failure(parseStatus(null), 'INVALID_INPUT', 'phase status must be a string, got null')
    failure(parseStatus(['done']), 'INVALID_INPUT', 'got an array')
  })
  test('every status name is accepted as is', () => {
    for (const name of ['pending', 'running', 'completed', 'failed', 'skipped'])
      expect(right(parseStatus(name))).toBe(name)
  })
  test('an unknown status is INVALID_INPUT naming it and listing the statuses', () => {
    failure(
      parseStatus('done'),
      'INVALID_INPUT',
      'unknown phase status "done"',
      'expected one of pending, running, completed, failed, skipped',
    )
    failure(parseStatus('toString'), 'INVALID_INPUT', '"toString"')
  })
})

describe('trimming, the same for every input', () => {
  const parsers = {
    environment: parseEnvironment,
    version: parseVersion,
    'release id': parseReleaseId,
    reason: parseText('reason'),
  }
  it.prop([blanks, phase, blanks], { numRuns: 200 })(
    'any phase with blanks around it parses to the phase',
    (before, name, after) => {
      expect(right(parsePhase(`${before}${name}${after}`))).toBe(name)
    },
  )
  it.prop([blanks, status, blanks], { numRuns: 200 })(
    'any status with blanks around it parses to the status',
    (before, name, after) => {
      expect(right(parseStatus(`${before}${name}${after}`))).toBe(name)
    },
  )
  it.prop([blanks, fc.constantFrom(...PHASES, ...PHASE_STATUSES), blanks], { numRuns: 200 })(
    'every text parser removes exactly the blanks the phase and status parsers remove',
    (before, name, after) => {
      const input = `${before}${name}${after}`
      for (const parse of Object.values(parsers)) expect(right(parse(input))).toBe(name)
      expect(
        right(E.alt((): E.Either<{ code: string; message: string }, string> => parseStatus(input))(parsePhase(input))),
      ).toBe(name)
    },
  )
})

describe('values in messages', () => {
  test('a C1 control character or DEL is escaped, not printed raw', () => {
    const message = failure(parseNewEnvironment('prod\u009b31m'), 'INVALID_INPUT', '"prod\\u009b31m"', 'U+009B')
    expect(message).not.toMatch(/[\u007f-\u009f]/)
    expect(failure(parseNewVersion('v1\u007f'), 'INVALID_INPUT')).not.toMatch(/[\u007f-\u009f]/)
    expect(failure(parsePhase('bu\u0085ild'), 'INVALID_INPUT', '"bu\\u0085ild"')).not.toMatch(/[\u007f-\u009f]/)
  })
  it.prop([anyText(30)], { numRuns: 300 })('no message about a text input holds a control character', (raw) => {
    for (const result of [
      parseEnvironment(raw),
      parseNewEnvironment(raw),
      parseVersion(raw),
      parseNewVersion(raw),
      parsePhase(raw),
      parseStatus(raw),
      parseCommitSha(raw),
    ]) {
      if (E.isLeft(result)) expect(result.left.message).not.toMatch(/\p{Cc}/u)
    }
  })
})

describe('notes, reasons and release ids', () => {
  test('a reason is trimmed; an empty one is INVALID_INPUT', () => {
    expect(right(parseText('reason')('  crashed '))).toBe('crashed')
    failure(parseText('reason')(' '), 'INVALID_INPUT', 'reason is empty')
  })
  test('a reason may be 1024 characters, not 1025', () => {
    expect(right(parseText('reason')('r'.repeat(1024)))).toHaveLength(1024)
    failure(parseText('reason')('r'.repeat(1025)), 'INVALID_INPUT', 'the limit is 1024')
  })
  test('a release id is trimmed; an empty one is INVALID_INPUT', () => {
    expect(right(parseReleaseId(' rel-20250101-120000000 '))).toBe('rel-20250101-120000000')
    failure(parseReleaseId(''), 'INVALID_INPUT', 'release id is empty')
  })
})

describe('a value to record (issue 10.4)', () => {
  test('an environment name refuses bidi controls and zero-width characters, naming the code point and its position', () => {
    for (const [name, code, position] of [
      ['pro\u200bd', 'U+200B', 4],
      ['prod\u200d', 'U+200D', 5],
      ['\u2060prod', 'U+2060', 1],
      ['pr\u061cod', 'U+061C', 3],
      ['p\u200erod', 'U+200E', 2],
      ['\u202edorp', 'U+202E', 1],
      ['pr\u2066od', 'U+2066', 3],
      ['pro\ufeffd', 'U+FEFF', 4],
    ] as const) {
      failure(parseNewEnvironment(name), 'INVALID_INPUT', `contains ${code} at character ${position}`)
    }
  })
  test('the position counts characters: after an emoji, a zero-width space is the second', () =>
    failure(parseNewEnvironment('🚀\u200b'), 'INVALID_INPUT', 'at character 2'))
  test('a lone surrogate is refused in an environment, a version, a note or reason', () => {
    failure(
      parseNewEnvironment('prod\ud800'),
      'INVALID_INPUT',
      'environment "prod\\ud800" contains U+D800 at character 5: a lone surrogate',
    )
    failure(parseNewVersion('\udfffv1'), 'INVALID_INPUT', 'U+DFFF at character 1')
    failure(parseText('reason')('gone \ud800'), 'INVALID_INPUT', 'reason', 'U+D800')
  })
  test('a look-up keeps accepting what is stored: parseEnvironment and parseVersion do not refuse them', () => {
    expect(right(parseEnvironment('pro\u200bd'))).toBe('pro\u200bd')
    expect(right(parseVersion('v\ud800'))).toBe('v\ud800')
  })
  it.prop(
    [
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
      fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
    ],
    { numRuns: 300 },
  )('any text holding a lone surrogate is refused as a name, a version and a note', (text, surrogate) => {
    // Kept apart from a neighbouring surrogate, so that it stays alone.
    const input = `a${text.replace(/[\ud800-\udfff]/g, '_')}-${surrogate}-`
    for (const parse of [parseNewEnvironment, parseNewVersion, parseText('note')])
      expect(E.isLeft(parse(input))).toBe(true)
  })
})
