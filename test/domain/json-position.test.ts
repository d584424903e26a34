import { fc, it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { projectSnapshot } from '../../src/domain/index.js'
import { firstDuplicateKey, jsonErrorOffset, lineAt, releaseRecordLines } from '../../src/domain/json-position.js'
import { generatedState } from '../arbitraries.js'

const pretty = ['{', '  "releases": [', '    {', '      "id": "a"', '    },', '    ', '    {}', '  ]', '}'].join('\n')

describe('line numbers inside JSON text', () => {
  test('lineAt counts newlines before an offset, from 1', () => {
    expect(lineAt('a\nb\nc', 0)).toBe(1)
    expect(lineAt('a\nb\nc', 2)).toBe(2)
    expect(lineAt('a\nb\nc', 4)).toBe(3)
    expect(lineAt('a\nb', 99)).toBe(2)
  })
  test('releaseRecordLines finds where each record of the top-level "releases" starts', () => {
    expect(releaseRecordLines(pretty)).toEqual([3, 7])
    expect(releaseRecordLines('{"releases": [{}, 1, "x", [2]]}')).toEqual([1, 1, 1, 1])
  })
  test('brackets, escaped quotes and a "releases" key inside strings or nested objects do not confuse it', () => {
    const text = '{\n "a": {"releases": [{}]},\n "b": "releases\\"[{",\n "releases": [\n  {"x": "]}"},\n  {}\n ]\n}'
    expect(releaseRecordLines(text)).toEqual([5, 6])
  })
})

describe('jsonErrorOffset: where JSON text first goes wrong, for parser messages without a position', () => {
  test('valid JSON has none', () => {
    expect(jsonErrorOffset('{"releases": []}')).toBeUndefined()
    expect(jsonErrorOffset(' [1, "}"] ')).toBeUndefined()
  })
  test('a stray token: its offset', () => {
    expect(jsonErrorOffset('{"releases": [}')).toBe(14)
    expect(jsonErrorOffset('{\n  "releases": [\n  }\n}')).toBe(20)
    expect(jsonErrorOffset('[1, 2,]')).toBe(6)
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9)
  })
  test('a text that merely ends too early goes wrong at its end', () =>
    expect(jsonErrorOffset('{"releases": [')).toBe('{"releases": ['.length))
  test('valid JSON has no error offset', () => expect(jsonErrorOffset('{"releases": []}')).toBeUndefined())
  it.prop([generatedState, fc.nat(), fc.constantFrom(',', ':', 'x', '#')], { numRuns: 200 })(
    'a character put where JSON allows only whitespace is found at its offset',
    (state, pick, bad) => {
      const text = projectSnapshot(state)
      // Offsets right after a newline are indentation: only whitespace may stand there.
      const starts = [...text.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1)
      const at = starts[pick % starts.length] as number
      const broken = `${text.slice(0, at)}${bad}${text.slice(at)}`
      const offset = jsonErrorOffset(broken)
      // (A closing bracket is left out: it may close a scope validly and only fail much later.)
      // The parser may only notice a misplaced separator at the next token: never before it.
      expect(offset === undefined ? -1 : offset).toBeGreaterThanOrEqual(at)
      expect(lineAt(broken, offset ?? 0)).toBeLessThanOrEqual(lineAt(broken, at) + 1)
      if (bad !== ',') expect(offset).toBe(at)
    },
  )
})

describe('duplicate keys in a JSON text', () => {
  test('given a record with "id" twice, then the key, the line of the second and the record are found', () => {
    const text = [
      '{',
      '  "releases": [',
      '    {"id": "a"},',
      '    {',
      '      "id": "a",',
      '      "id": "b"',
      '    }',
      '  ]',
      '}',
    ].join('\n')
    expect(firstDuplicateKey(text)).toEqual({ key: 'id', line: 6, path: 'releases[1]' })
  })
  test('keys are compared unescaped, in nested objects and at the top level too', () => {
    expect(firstDuplicateKey('{"releases": [], "x": 1, "\\u0078": 2}')).toEqual({ key: 'x', line: 1, path: '' })
    expect(firstDuplicateKey('{"releases": [{"phases": {"build": "running", "build": "completed"}}]}')).toEqual({
      key: 'build',
      line: 1,
      path: 'releases[0].phases',
    })
    expect(firstDuplicateKey('{"a": {"b": 1}, "c": {"b": 2}}')).toBeUndefined()
  })
  test('strings that look like keys, escaped quotes and values equal to keys are not keys', () => {
    expect(firstDuplicateKey('{"a": "a", "b": ["a", "a"], "c": "x\\":1, \\"c\\": 2", "d": "\\\\"}')).toBeUndefined()
  })
  test('an object with many keys is checked as well as a short one', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `"k${i}": ${i}`)
    expect(firstDuplicateKey(`{${keys.join(', ')}}`)).toBeUndefined()
    expect(firstDuplicateKey(`{${keys.join(', ')}, "k3": 0}`)).toEqual({ key: 'k3', line: 1, path: '' })
  })
  it.prop([fc.jsonValue()], { numRuns: 200 })('no text JSON.stringify writes holds a duplicate key', (value) => {
    expect(firstDuplicateKey(JSON.stringify(value, null, 2) ?? 'null')).toBeUndefined()
  })
  it.prop(
    [
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 20 }),
      fc.nat(),
      fc.jsonValue({ maxDepth: 1 }),
    ],
    { numRuns: 200 },
  )('a key written again in the same object is found, whatever its escapes', (object, pick, value) => {
    const keys = Object.keys(object)
    const key = keys[pick % keys.length] as string
    const text = JSON.stringify(object, null, 2)
    const again = `${text.slice(0, -2)},\n  ${JSON.stringify(key).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}: ${JSON.stringify(value)}\n}`
    expect(firstDuplicateKey(again)).toMatchObject({ key, path: '' })
  })
})
