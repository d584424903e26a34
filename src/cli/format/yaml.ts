/**
 * YAML for the JSON values the CLI prints (objects, arrays, strings, numbers, booleans, null), in block style. A string
 * is written plain only when no YAML 1.1 or 1.2 reader could take it for anything else (a letter, then letters, digits
 * and `-_./`, and not a word such as `yes`, `off` or `null`); any other is double-quoted with JSON's escapes, which
 * YAML's double-quoted scalars read the same way. Keys likewise. So the text parses back to the JSON value exactly.
 */

const PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/
// Words YAML 1.1 (y, n, yes, on, ...) or 1.2 (true, null) reads as something other than a string.
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null|nan|inf)$/i

// What a YAML reader would not take raw in a double-quoted scalar (C1 controls, DEL, line separators, a BOM, lone
// surrogates), and JSON.stringify leaves raw: written as \uXXXX, which both read the same.
const RAW =
  /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const quoted = (text: string): string =>
  JSON.stringify(text).replace(RAW, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)

const scalarText = (text: string): string => (PLAIN.test(text) && !RESERVED.test(text) ? text : quoted(text))

// YAML 1.1 reads an exponent only after a fraction (`1e+21` is a string to it, `1.0e+21` a number, to 1.2 too).
const numberText = (value: number): string => String(value).replace(/^(-?\d+)e/, '$1.0e')

/** A value that takes one line: a scalar, an empty array or an empty object. */
const inline = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return scalarText(value)
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : 'null'
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '{}' : undefined
  return 'null'
}

const entriesOf = (value: object): Array<[string, unknown]> =>
  Object.entries(value).filter(([, entry]) => entry !== undefined)

/** The lines of a value that does not fit on one, without indentation. */
const blockLines = (value: unknown): string[] => {
  if (Array.isArray(value))
    return value.flatMap((item: unknown) => {
      const one = inline(item)
      if (one !== undefined) return [`- ${one}`]
      const [first, ...rest] = blockLines(item)
      // An object's first key goes on the dash's line; an array inside an array starts its own dash there too.
      return [`- ${first ?? ''}`, ...rest.map((line) => `  ${line}`)]
    })
  return entriesOf(value as object).flatMap(([key, entry]) => {
    const one = inline(entry)
    return one !== undefined
      ? [`${scalarText(key)}: ${one}`]
      : [`${scalarText(key)}:`, ...blockLines(entry).map((line) => `  ${line}`)]
  })
}

/** A YAML document holding `value`, ending with a newline. */
export const toYaml = (value: unknown): string => {
  const one = inline(value)
  return `${one !== undefined ? one : blockLines(value).join('\n')}\n`
}

/** One item of a YAML sequence (a streamed list), ending with a newline. */
export const yamlItem = (value: unknown): string => toYaml([value])
