import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import { decodeSnapshotBytes, decodeUtf8, firstInvalidUtf8 } from '../../src/domain/index.js'
import { failure, right } from './helpers.js'

const strict = new TextDecoder('utf-8', { fatal: true })
const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    strict.decode(bytes)
    return true
  } catch {
    return false
  }
}
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)

describe('strict UTF-8', () => {
  test('given text in UTF-8, then it decodes to that text, a byte order mark included', () => {
    expect(right(decodeUtf8(new TextEncoder().encode('prod é 中 🚀'), 'f'))).toBe('prod é 中 🚀')
    expect(right(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d), 'f'))).toBe('\ufeff{}')
  })
  test('given a byte that is not UTF-8, then CORRUPT_STATE names the file, the line and the offset of the sequence', () => {
    const text = new TextEncoder().encode('{\n  "releases": [\n    {"version": "v1')
    const damaged = Uint8Array.from([...text, 0xff, ...new TextEncoder().encode('"}\n  ]\n}')])
    failure(
      decodeUtf8(damaged, 'releases.json'),
      'CORRUPT_STATE',
      `releases.json:3: not valid UTF-8 at byte offset ${text.length} (bytes ff 22 7d 0a)`,
    )
  })
  test.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a character cut short', [0x61, 0xe4, 0xb8], 1],
    ['an overlong form', [0xc0, 0xaf], 0],
    ['a surrogate', [0x61, 0x61, 0xed, 0xa0, 0x80], 2],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('%s is found where it starts', (_, values, offset) => expect(firstInvalidUtf8(bytes(...values))).toBe(offset))
  it.prop([fc.uint8Array({ maxLength: 24 })], { numRuns: 1000 })(
    'the first invalid sequence is found exactly where TextDecoder fails: all before it is UTF-8',
    (raw) => {
      const offset = firstInvalidUtf8(raw)
      expect(offset === undefined).toBe(isUtf8(raw))
      if (offset !== undefined) expect(isUtf8(raw.subarray(0, offset))).toBe(true)
    },
  )
  it.prop([fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'grapheme' })], { numRuns: 300 })(
    'no text encoded as UTF-8 is refused',
    (a, b) => {
      expect(firstInvalidUtf8(new TextEncoder().encode(a + b))).toBeUndefined()
    },
  )
  test('a releases.json decoded from bytes is refused before JSON is parsed, rather than read with U+FFFD', () => {
    const damaged = Uint8Array.from([
      ...new TextEncoder().encode('{"releases": [], "note": "caf'),
      0xe9,
      ...new TextEncoder().encode('"}'),
    ])
    const message = failure(
      decodeSnapshotBytes(damaged, 'releases.json'),
      'CORRUPT_STATE',
      'releases.json:1: not valid UTF-8 at byte offset 29 (bytes e9 22 7d)',
    )
    expect(message).not.toContain('\ufffd')
    expect(E.isRight(decodeSnapshotBytes(new TextEncoder().encode('{"releases": []}'), 'releases.json'))).toBe(true)
  })
})
