/** The exact text of `releases.json` for a state, laid out as the Go Stagecraft writes it (records in id order). */
import type { Release } from './release.js'
import { type OrderedFields, recordFields } from './release-record.js'
import type { State } from './state.js'
import { fieldTexts, type TopLevelFields } from './top-level-fields.js'

// JSON.stringify's layout, written field by field so that the fields keep the record's order whatever their names.
const valueText = (value: unknown, indent: string): string =>
  (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`)

const objectText = (fields: OrderedFields, indent: string): string => {
  if (fields.length === 0) return '{}'
  const inner = `${indent}  `
  // `phases` is the one field whose value is itself ordered fields.
  const line = ([key, value]: readonly [string, unknown]): string =>
    `${inner}${JSON.stringify(key)}: ` +
    `${key === 'phases' ? objectText(value as OrderedFields, inner) : valueText(value, inner)}`
  return `{\n${fields.map(line).join(',\n')}\n${indent}}`
}

const recordText = (release: Release): string => `    ${objectText(recordFields(release), '    ')}`

// A frozen release never changes, so its record text is cached: a write serialises only the releases the last events
// replaced. Releases a fold is still building are not frozen, and not cached.
const recordTexts = new WeakMap<Release, string>()
const recordBytes = new WeakMap<Release, Uint8Array>()
const encoder = new TextEncoder()

/** The canonical text of one record as it appears in the file (indented as an array element). */
export const releaseRecordText = (release: Release): string => {
  let text = recordTexts.get(release)
  if (text === undefined) {
    text = recordText(release)
    if (Object.isFrozen(release)) recordTexts.set(release, text)
  }
  return text
}

/** The UTF-8 bytes of one record as it appears in the file (cached per frozen release). */
export const releaseRecordBytes = (release: Release): Uint8Array => {
  let bytes = recordBytes.get(release)
  if (bytes === undefined) {
    bytes = encoder.encode(recordText(release))
    if (Object.isFrozen(release)) recordBytes.set(release, bytes)
  }
  return bytes
}

/** Whether two lists of releases would be written as the same records. */
export const sameReleases = (a: ReadonlyArray<Release>, b: ReadonlyArray<Release>): boolean =>
  a.length === b.length && a.every((release, i) => releaseRecordText(release) === releaseRecordText(b[i] as Release))

const fieldText = ([key, text]: readonly [string, string]): string => `,\n  ${JSON.stringify(key)}: ${text}`

/** What comes before the first record. */
export const SNAPSHOT_OPEN = encoder.encode('{\n  "releases": [\n')
export const RECORD_SEPARATOR = encoder.encode(',\n')
export const SNAPSHOT_CLOSE = encoder.encode('\n  ]')
const EMPTY = encoder.encode('{\n  "releases": []')

/** What follows the array of records: the other top-level fields (as the file wrote them), and the closing brace. */
export const snapshotEnd = (fields: TopLevelFields): Uint8Array =>
  encoder.encode(`${fieldTexts(fields).map(fieldText).join('')}\n}`)

/** The exact bytes (UTF-8) of `releases.json` for a state. */
export const projectSnapshotBytes = (state: State): Uint8Array => {
  const end = snapshotEnd(state)
  const records: Uint8Array[] = []
  // forEach: the cheapest walk of every release of a state (see versioned-map.ts).
  state.releases.forEach((group) => {
    for (const release of group) records.push(releaseRecordBytes(release))
  })
  if (records.length === 0) return concat([EMPTY, end])
  const parts: Uint8Array[] = [SNAPSHOT_OPEN]
  for (const [i, record] of records.entries()) {
    if (i > 0) parts.push(RECORD_SEPARATOR)
    parts.push(record)
  }
  parts.push(SNAPSHOT_CLOSE, end)
  return concat(parts)
}

/** The bytes of `parts`, one after the other, in a new array. */
export const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** The exact text of `releases.json` for a state. */
export const projectSnapshot = (state: State): string => new TextDecoder().decode(projectSnapshotBytes(state))
