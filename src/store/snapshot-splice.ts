/**
 * Rewriting `releases.json` by splicing: the previous bytes (known by their recorded SHA-256 to be the projection of
 * the state given) with the changed records replaced and new ones (later in time) added at the end; where a splice
 * cannot make the projection, the whole state is projected. Each record starts with a line of four spaces and `{`,
 * which no nested value shares, so records are found by a binary search over the bytes (records are in time order:
 * the state's releases say where each one stands).
 */
import {
  compareGroupsInTime,
  projectSnapshotBytes,
  RECORD_SEPARATOR,
  releaseRecordBytes,
  SNAPSHOT_CLOSE,
  SNAPSHOT_OPEN,
  snapshotEnd,
} from '../domain/projection.js'
import type { State } from '../domain/state.js'
import { fieldTexts } from '../domain/top-level-fields.js'
import {
  asBuffer,
  lengthOf,
  type RecordLayout,
  type RecordRegion,
  spliceRecords,
  writeParts,
} from './sorted-records.js'

const MARKER = new TextEncoder().encode('\n    {\n      "id": ')

/** The records of `releases.json`, in time order. */
export const SNAPSHOT_LAYOUT: RecordLayout = {
  marker: MARKER,
  idOffset: MARKER.length - 1,
  separator: RECORD_SEPARATOR,
  encode: releaseRecordBytes,
  order: compareGroupsInTime,
}

/** A `releases.json` held in memory: its bytes are the first `length` of `buffer`, the projection of `state`. */
export interface HeldSnapshot {
  readonly buffer: Uint8Array
  readonly length: number
  readonly state: State
}

/** The bytes of a held snapshot. */
export const heldBytes = (held: HeldSnapshot): Uint8Array => held.buffer.subarray(0, held.length)

const regionOf = (held: HeldSnapshot): RecordRegion => ({
  buffer: asBuffer(held.buffer),
  start: SNAPSHOT_OPEN.length,
  end: held.length - snapshotEnd(held.state).length - SNAPSHOT_CLOSE.length,
})

// The same bytes after the records: the end of the held file can stay as it is.
const sameFields = (a: State, b: State): boolean =>
  (a.otherFields === b.otherFields && a.otherFieldsJson === b.otherFieldsJson) ||
  JSON.stringify(fieldTexts(a)) === JSON.stringify(fieldTexts(b))

/** The `releases.json` of `next` and how many first bytes are `held`'s: spliced into its buffer, else whole. */
export const projectFrom = (
  held: HeldSnapshot | undefined,
  next: State,
): { readonly held: HeldSnapshot; readonly unchanged: number } => {
  const splice =
    held === undefined || !sameFields(held.state, next)
      ? undefined
      : spliceRecords(SNAPSHOT_LAYOUT, regionOf(held), held.state.releases, next.releases)
  if (held === undefined || splice === undefined) {
    const bytes = projectSnapshotBytes(next)
    return { held: { buffer: bytes, length: bytes.length, state: next }, unchanged: 0 }
  }
  const region = regionOf(held)
  // The parts may show bytes of the buffer about to be written over: copied out first (a Buffer's slice is a view).
  const rest = [...splice.rest, held.buffer.subarray(region.end, held.length)].map((part) =>
    part.buffer === held.buffer.buffer ? new Uint8Array(part) : part,
  )
  const length = splice.keep + lengthOf(rest)
  let buffer = held.buffer
  if (buffer.length < length) {
    buffer = new Uint8Array(Math.ceil(length * 1.25) + 64 * 1024)
    buffer.set(held.buffer.subarray(0, splice.keep))
  }
  writeParts(buffer, splice.keep, rest)
  return { held: { buffer, length, state: next }, unchanged: splice.keep }
}
