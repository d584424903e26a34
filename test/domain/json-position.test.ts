import { fc, it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { projectSnapshot } from '../../src/domain/index.js'
import { jsonErrorOffset, lineAt, releaseRecordLines } from '../../src/domain/json-position.js'
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
  test('a text that merely ends too early goes wrong at its end', () => expect(jsonErrorOffset('{"releases": [')).toBe('{"releases": ['.length))
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
