/**
 * The projection of the state into the exact text of `releases.json`: `{"releases": [...]}`,
 * two-space indentation, records in id order, keys in the spec's order, no trailing newline
 * (as the Go Stagecraft writes it).
 */
import type { Release } from './release.js'
import { type OrderedFields, recordFields } from './release-record.js'
import { type FirstChange, firstChange } from './first-change.js'
import { ReleaseMap } from './release-map.js'
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
 * A buffer holding the last `releases.json` assembled in it, and which releases its records show
 * (frozen ones, in order) and where each record ends: the next projection into it rewrites only
 * from the first release that changed. A new release or a phase update changes the newest
 * releases, at the end of the file, so a write assembles a few records instead of all of them.
 * One per writer whose writes are serialised: the bytes of one write are read until it is done.
 */
export interface SnapshotScratch {
  buffer: Uint8Array
  readonly records: Release[]
  readonly ends: number[]
  /** The release map whose every release `records` shows, when one does: what the next state is compared with. */
  shown: ReleaseMap | undefined
}

/** An empty {@link SnapshotScratch}. */
export const snapshotScratch = (): SnapshotScratch => ({ buffer: new Uint8Array(0), records: [], ends: [], shown: undefined })

/** Walks every release: how many records stay, and the releases after them. */
const walk = (state: State, records: ReadonlyArray<Release>): FirstChange => {
  // The records already in the buffer that the state still shows, in the same places, stay.
  // Only a frozen release is known not to have changed since.
  let kept = 0
  const changed: Release[] = []
  // forEach: the cheapest walk of every release of a state (see release-map.ts).
  state.releases.forEach((group) => {
    for (const release of group) {
      if (changed.length === 0 && kept < records.length && records[kept] === release && Object.isFrozen(release)) kept++
      else changed.push(release)
    }
  })
  return { kept, changed }
}

// The room a buffer gets: the file's length, and some to grow into before the next allocation.
const roomFor = (bytes: number): number => Math.ceil(bytes * 1.25) + 64 * 1024

/**
 * The exact bytes (UTF-8) of `releases.json` for a state: a view of `scratch`'s buffer (of a new
 * one when none is given), valid until the next projection into it.
 */
export const projectSnapshotBytes = (state: State, scratch: SnapshotScratch = snapshotScratch()): Uint8Array => {
  const { records, ends } = scratch
  const { kept, changed } = (scratch.shown === undefined ? undefined : firstChange(state.releases, scratch.shown, records)) ?? walk(state, records)
  records.length = kept
  ends.length = kept
  const others = Object.entries(state.otherFields).filter(([key]) => key !== 'releases')
  const end = encoder.encode(`${others.map(fieldText).join('')}\n}`)
  if (kept === 0 && changed.length === 0) {
    scratch.shown = undefined
    return concat([EMPTY, end], EMPTY.length + end.length)
  }

  const start = kept === 0 ? OPEN.length : (ends[kept - 1] as number)
  const bytes = changed.map(releaseRecordBytes)
  let total = start + CLOSE.length + end.length
  for (const [i, record] of bytes.entries()) total += record.length + (kept + i > 0 ? SEPARATOR.length : 0)
  if (scratch.buffer.length < total) {
    const grown = new Uint8Array(roomFor(total))
    grown.set(scratch.buffer.subarray(0, start))
    scratch.buffer = grown
  }
  const out = scratch.buffer
  if (kept === 0) out.set(OPEN, 0)
  let at = start
  for (const [i, record] of bytes.entries()) {
    if (kept + i > 0) {
      out.set(SEPARATOR, at)
      at += SEPARATOR.length
    }
    out.set(record, at)
    at += record.length
    const release = changed[i] as Release
    // A release still being built by a fold may change: nothing after it is kept next time.
    if (records.length === kept + i && Object.isFrozen(release)) {
      records.push(release)
      ends.push(at)
    }
  }
  out.set(CLOSE, at)
  out.set(end, at + CLOSE.length)
  scratch.shown = records.length === kept + changed.length && state.releases instanceof ReleaseMap && state.releases.sealed ? state.releases : undefined
  return out.subarray(0, total)
}

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
