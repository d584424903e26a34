/**
 * The exact text of `releases.json` for a state, laid out as the Go Stagecraft writes it, its records in time order (by
 * instant, ties by id: what id order is for ids that read their instants in UTC).
 */
import type { Release } from './release.js'
import { type ReleaseId } from './release-id.js'
import { type OrderedFields, recordFields } from './release-record.js'
import { compareInTime, type State } from './state.js'
import { sameInstant, type Timestamp } from './timestamp.js'
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

// The record with another text of its timestamp.
const recordTextAt = (release: Release, timestamp: Timestamp): string =>
  `    ${objectText(
    recordFields(release).map(([key, value]) => (key === 'timestamp' ? [key, timestamp] : [key, value])),
    '    ',
  )}`

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

/**
 * Whether two releases are the same record, their timestamps compared by instant: `.120Z` and `.12Z` (as the Go tool
 * rewrites the first), `+00:00` and `Z`, are one value.
 */
const sameRecord = (a: Release, b: Release): boolean =>
  releaseRecordText(a) === releaseRecordText(b) ||
  (a.timestamp !== b.timestamp &&
    sameInstant(a.timestamp, b.timestamp) &&
    releaseRecordText(a) === recordTextAt(b, a.timestamp))

/** Whether two lists of releases hold the same records (timestamps compared by instant). */
export const sameReleases = (a: ReadonlyArray<Release>, b: ReadonlyArray<Release>): boolean =>
  a.length === b.length && a.every((release, i) => sameRecord(release, b[i] as Release))

type Group = ReadonlyArray<Release>

/** The order of groups of releases (one id each) in `releases.json`: their first releases' in time. */
export const compareGroupsInTime = (a: Group, b: Group): number => compareInTime(a[0] as Release, b[0] as Release)

// A state holds its releases by id, in id order: in time order as well, unless some id does not read its instant in
// UTC (written by the Go tool from a local clock, legacy or foreign), or two groups' first releases tie.
const inTimeOrder = (releases: ReadonlyMap<ReleaseId, Group>): Iterable<Group> => {
  let last: Group | undefined
  let ordered = true
  releases.forEach((group) => {
    if (ordered && last !== undefined && compareGroupsInTime(last, group) > 0) ordered = false
    last = group
  })
  return ordered ? releases.values() : [...releases.values()].sort(compareGroupsInTime)
}

const fieldText = ([key, text]: readonly [string, string]): string => `,\n  ${JSON.stringify(key)}: ${text}`

/** What comes before the first record. */
export const SNAPSHOT_OPEN = encoder.encode('{\n  "releases": [\n')
export const RECORD_SEPARATOR = encoder.encode(',\n')
export const SNAPSHOT_CLOSE = encoder.encode('\n  ]')
const EMPTY = encoder.encode('{\n  "releases": []')

/** What follows the array of records: the other top-level fields (as the file wrote them), and the closing brace. */
export const snapshotEnd = (fields: TopLevelFields): Uint8Array =>
  encoder.encode(`${fieldTexts(fields).map(fieldText).join('')}\n}`)

/** The exact bytes (UTF-8) of `releases.json` for a state: its records in time order. */
export const projectSnapshotBytes = (state: State): Uint8Array => snapshotBytesOf(state, inTimeOrder(state.releases))

/**
 * The bytes of `releases.json` as written before time ordered it, records in id order: what an older file may hold
 * (the same bytes, but for ids that do not read their instants in UTC).
 */
export const projectSnapshotBytesInIdOrder = (state: State): Uint8Array => {
  let last: ReleaseId | undefined
  let ordered = true
  for (const id of state.releases.keys()) {
    if (last !== undefined && last > id) ordered = false
    last = id
  }
  const releases = ordered ? state.releases : new Map([...state.releases].sort(([a], [b]) => (a < b ? -1 : 1)))
  return snapshotBytesOf(state, releases.values())
}

const snapshotBytesOf = (state: State, groups: Iterable<Group>): Uint8Array => {
  const end = snapshotEnd(state)
  const records: Uint8Array[] = []
  for (const group of groups) for (const release of group) records.push(releaseRecordBytes(release))
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
