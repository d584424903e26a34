/**
 * The projection of the state into the exact text of `releases.json`: `{"releases": [...]}`,
 * two-space indentation, records in id order, keys in the spec's order, no trailing newline
 * (as the Go Stagecraft writes it).
 */
import type { Release } from './release.js'
import { type OrderedFields, recordFields } from './release-record.js'
import type { State } from './state.js'

// JSON.stringify's layout (two-space indentation), written field by field so that the order of
// the fields is the record's, whatever their names.
const valueText = (value: unknown, indent: string): string => (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`)

const objectText = (fields: OrderedFields, indent: string): string => {
  if (fields.length === 0) return '{}'
  const inner = `${indent}  `
  // `phases` is the one field whose value is itself ordered fields.
  const line = ([key, value]: readonly [string, unknown]): string =>
    `${inner}${JSON.stringify(key)}: ${key === 'phases' ? objectText(value as OrderedFields, inner) : valueText(value, inner)}`
  return `{\n${fields.map(line).join(',\n')}\n${indent}}`
}

const recordText = (release: Release): string => `    ${objectText(recordFields(release), '    ')}`

// A frozen release never changes, so what its record looks like is kept, per release: a write
// serialises only the releases the last events replaced and reuses all the others. (A release
// still being built by a fold is not frozen, and not cached.) Bytes for writing the file,
// text for comparing releases; each made only when asked for.
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

const releaseRecordBytes = (release: Release): Uint8Array => {
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

const fieldText = ([key, value]: readonly [string, unknown]): string =>
  `,\n  ${JSON.stringify(key)}: ${(JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', '\n  ')}`

const OPEN = encoder.encode('{\n  "releases": [\n')
const SEPARATOR = encoder.encode(',\n')
const CLOSE = encoder.encode('\n  ]')
const EMPTY = encoder.encode('{\n  "releases": []')

/**
 * The exact bytes (UTF-8) of `releases.json` for a state. Given `into`, a buffer at least as long
 * as needed, they are written there and a view of it is returned (a writer that serialises its
 * writes reuses one buffer, instead of a new one of the file's size per write); else into a new one.
 */
export const projectSnapshotBytes = (state: State, into?: Uint8Array): Uint8Array => {
  const records: Uint8Array[] = []
  let length = 0
  for (const group of state.releases.values()) {
    for (const release of group) {
      const bytes = releaseRecordBytes(release)
      records.push(bytes)
      length += bytes.length
    }
  }
  const others = Object.entries(state.otherFields).filter(([key]) => key !== 'releases')
  const end = encoder.encode(`${others.map(fieldText).join('')}\n}`)
  if (records.length === 0) return concat([EMPTY, end], EMPTY.length + end.length)
  const total = OPEN.length + length + SEPARATOR.length * (records.length - 1) + CLOSE.length + end.length
  const out = into !== undefined && into.length >= total ? into.subarray(0, total) : new Uint8Array(total)
  out.set(OPEN, 0)
  let at = OPEN.length
  for (let i = 0; i < records.length; i++) {
    if (i > 0) {
      out.set(SEPARATOR, at)
      at += SEPARATOR.length
    }
    const record = records[i] as Uint8Array
    out.set(record, at)
    at += record.length
  }
  out.set(CLOSE, at)
  out.set(end, at + CLOSE.length)
  return out
}

/** The length a buffer for {@link projectSnapshotBytes} should have to hold `bytes` and grow a while. */
export const roomFor = (bytes: number): number => Math.ceil(bytes * 1.25) + 64 * 1024

const concat = (parts: ReadonlyArray<Uint8Array>, length: number): Uint8Array => {
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
