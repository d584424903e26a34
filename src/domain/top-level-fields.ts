/**
 * The top-level fields of `releases.json` besides `releases`, kept as the file wrote them: `JSON.parse` turns `1.50`
 * into `1.5` and rounds long integers, so their texts are written back byte for byte. A history recorded before the
 * texts were kept writes the parsed values back as `JSON.stringify` does.
 */
import type { SnapshotFields, SnapshotFieldTexts } from './events.js'

/** What a state or a decoded snapshot holds of the top-level fields. */
export interface TopLevelFields {
  readonly otherFields: SnapshotFields
  readonly otherFieldsJson?: SnapshotFieldTexts | undefined
}

const isBlank = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9

/** Where the string that starts at `start` (its opening quote) ends: the offset after its closing quote. */
const stringEnd = (text: string, start: number): number => {
  let end = text.indexOf('"', start + 1)
  for (;;) {
    let run = 0
    while (text.charCodeAt(end - 1 - run) === 92) run++
    if (run % 2 === 0) return end + 1
    end = text.indexOf('"', end + 1)
  }
}

/** Where the value that starts at `start` ends (before any blank after it). */
const valueEnd = (text: string, start: number): number => {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) i = stringEnd(text, i) - 1
    else if (c === 123 || c === 91) depth++
    else if (c === 125 || c === 93) {
      if (depth === 0) return i
      depth--
    } else if (c === 44 && depth === 0) return i
  }
  return text.length
}

/** Each top-level field of valid JSON `text` but `releases`, with its value's text as written, in file order. */
export const topLevelFieldTexts = (text: string): SnapshotFieldTexts => {
  const fields: Array<[string, string]> = []
  let i = text.indexOf('{') + 1
  for (;;) {
    while (isBlank(text.charCodeAt(i))) i++
    if (text.charCodeAt(i) !== 34) return fields // the closing brace
    const keyEnd = stringEnd(text, i)
    const key = JSON.parse(text.slice(i, keyEnd)) as string
    i = text.indexOf(':', keyEnd) + 1
    while (isBlank(text.charCodeAt(i))) i++
    let end = valueEnd(text, i)
    const next = end
    while (end > i && isBlank(text.charCodeAt(end - 1))) end--
    if (key !== 'releases') fields.push([key, text.slice(i, end)])
    i = text.charCodeAt(next) === 44 ? next + 1 : next
  }
}

// JSON.stringify's layout (two-space indentation), indented as a value of the top-level object.
const canonicalText = (value: unknown): string => (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', '\n  ')

/** The fields with the text each is written back as: the file's own, else `JSON.stringify`'s. */
export const fieldTexts = (fields: TopLevelFields): SnapshotFieldTexts =>
  fields.otherFieldsJson ??
  Object.entries(fields.otherFields)
    .filter(([key]) => key !== 'releases')
    .map(([key, value]) => [key, canonicalText(value)] as const)

const compact = (text: string): string => {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34) {
      const end = stringEnd(text, i)
      out += text.slice(i, end)
      i = end - 1
    } else if (!isBlank(c)) out += text[i]
  }
  return out
}

/**
 * A key two sets of fields share when a file showing one shows the other: the same names and values written the same
 * but for blanks (a reformatted file is in step; `1.50` and `1.5` are not).
 */
export const fieldsKey = (fields: TopLevelFields): string => {
  const entries = fieldTexts(fields).map(([key, text]): [string, string] => [key, compact(text)])
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return JSON.stringify(entries)
}
