import { describe, expect, test } from 'vitest'
import { decodeSnapshot, decodeSnapshotBytes } from '../../src/domain/index.js'
import { MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_DEPTH, tooDeep } from '../../src/domain/json-limits.js'
import { decoded, failure } from './helpers.js'

/** `value` inside `depth` arrays: `[[[value]]]`. */
const nested = (depth: number, value = '0'): string => `${'['.repeat(depth)}${value}${']'.repeat(depth)}`
/** A releases.json whose top-level field `deep` holds a value nesting `depth` levels below the file's own object. */
const fileWithDepth = (depth: number): string => `{\n  "releases": [],\n  "deep": ${nested(depth - 1)}\n}`

describe('the depth of a JSON text, measured without recursion', () => {
  test('given nesting up to the limit, then it is within it; one more, and the line of the bracket past it is named', () => {
    expect(tooDeep(nested(5), 5)).toBeUndefined()
    expect(tooDeep(`{\n"a":\n${nested(6)}}`, 6)).toEqual({ line: 3, limit: 6 })
  })
  test('given brackets inside strings (escaped quotes included), then they do not count', () => {
    expect(tooDeep('["[[[[", "\\"[[[[", "\\\\", {"k{{": "]]]"}]', 2)).toBeUndefined()
    expect(tooDeep('["\\\\", [[1]]]', 2)).toEqual({ line: 1, limit: 2 })
  })
  test('given a million levels, then it answers (a recursive walk would exhaust the stack)', () => {
    expect(tooDeep(nested(1_000_000), MAX_SNAPSHOT_DEPTH)).toEqual({ line: 1, limit: MAX_SNAPSHOT_DEPTH })
  })
  test('given text that is not JSON (an unterminated string), then it does not claim a depth', () => {
    expect(tooDeep('["abc', 1)).toBeUndefined()
  })
})

describe('a releases.json nested too deeply, or too long', () => {
  test(`given a value nested 3,000 deep, then CORRUPT_STATE names the file, the line and the limit of ${MAX_SNAPSHOT_DEPTH}`, () => {
    failure(
      decodeSnapshot(fileWithDepth(3000), 'releases.json'),
      'CORRUPT_STATE',
      'releases.json:3: arrays and objects nest more than 64 deep',
    )
  })
  test('given nesting exactly at the limit, then the file reads, the value kept', () => {
    expect(decoded(fileWithDepth(MAX_SNAPSHOT_DEPTH)).otherFields).toEqual({
      deep: JSON.parse(nested(MAX_SNAPSHOT_DEPTH - 1)),
    })
    failure(decodeSnapshot(fileWithDepth(MAX_SNAPSHOT_DEPTH + 1), 'releases.json'), 'CORRUPT_STATE', 'releases.json:3:')
  })
  test('given a record nested too deeply, then it is refused too (not only top-level fields)', () => {
    const text = `{"releases": [{"id": "rel-1", "environment": "prod", "version": "v1", "timestamp": "2025-01-01T12:00:00Z",\n "x": ${nested(70)}}]}`
    failure(
      decodeSnapshot(text, 'releases.json'),
      'CORRUPT_STATE',
      'releases.json:2: arrays and objects nest more than 64 deep',
    )
  })
  test(`given more bytes than ${MAX_SNAPSHOT_BYTES}, then CORRUPT_STATE names the size and the limit, before decoding`, () => {
    const bytes = new Uint8Array(MAX_SNAPSHOT_BYTES + 1) // zeros: not even UTF-8 worth reading
    failure(
      decodeSnapshotBytes(bytes, 'releases.json'),
      'CORRUPT_STATE',
      `releases.json: the file is ${MAX_SNAPSHOT_BYTES + 1} bytes long, more than the ${MAX_SNAPSHOT_BYTES} bytes`,
    )
  })
})
