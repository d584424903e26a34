import { describe, expect, test } from 'vitest'
import { projectSnapshot } from '../../src/domain/index.js'
import { fieldsKey, topLevelFieldTexts } from '../../src/domain/top-level-fields.js'
import { decoded, loaded } from './helpers.js'

// What JSON.parse and JSON.stringify would change: precision, a number's spelling, escapes, layout.
const fields = [
  ['big', '12345678901234567890'],
  ['ratio', '1.50'],
  ['thousand', '1e3'],
  ['escaped', '"\\u003cb\\u003e \\/"'],
  ['nested', '{\n    "z": 1.0,\n    "a": [ 2 ,3 ]\n  }'],
  ['1', 'true'],
] as const
const file = `{\n  "schema": -0,\n  "releases": [],\n${fields.map(([key, text]) => `  ${JSON.stringify(key)}: ${text}`).join(',\n')}\n}`

describe('the top-level fields of a releases.json, as written', () => {
  test('given a file, then each field but releases is its value text as written, blanks around it left out, in file order', () => {
    expect(topLevelFieldTexts(file)).toEqual([['schema', '-0'], ...fields])
    expect(topLevelFieldTexts('{"a":"}{,\\"","releases":[{"id":"x"}] ,"b" : [ ] }')).toEqual([
      ['a', '"}{,\\""'],
      ['b', '[ ]'],
    ])
    expect(topLevelFieldTexts('{"releases": []}')).toEqual([])
  })

  test('given a file imported, then its projection writes every field byte for byte, after the releases', () => {
    const projected = projectSnapshot(loaded(file))
    expect(projected).toBe(
      `{\n  "releases": [],\n  "schema": -0,\n${fields.map(([key, text]) => `  ${JSON.stringify(key)}: ${text}`).join(',\n')}\n}`,
    )
  })

  test('given two texts of the same fields, then they are the same fields when only blanks differ, not when a number is spelled otherwise', () => {
    const one = decoded('{"releases": [], "n": 1.50, "o": {"a": [1, 2]}}')
    expect(fieldsKey(decoded('{\n"o":{"a":[1,2]},\n"n":1.50,"releases":[]}'))).toBe(fieldsKey(one))
    expect(fieldsKey(decoded('{"releases": [], "n": 1.5, "o": {"a": [1, 2]}}'))).not.toBe(fieldsKey(one))
    expect(fieldsKey({ otherFields: { n: 1.5 } })).toBe(fieldsKey(decoded('{"releases": [], "n": 1.5}'))) // a history without the texts
  })
})
