/** Release records in a byte buffer in order (of ids, or of groups), found by binary search, rewritten by splicing. */
import { compareIds, type ReleaseId } from '../domain/release-id.js'
import type { Release } from '../domain/release.js'
import { ReleaseMap } from '../domain/versioned-map.js'

/** Where records are in a file and how their ids are read: enough to search them. */
export interface RecordPlacement {
  /** What every record starts with, from the byte before it (a newline) on. */
  readonly marker: Uint8Array
  /** Where the id's JSON string starts, from the record's start. */
  readonly idOffset: number
  /** What stands between two records (a record's own bytes do not include it). */
  readonly separator: Uint8Array
}

type Group = ReadonlyArray<Release>

/** How records of releases are laid out in a file. */
export interface RecordLayout extends RecordPlacement {
  readonly encode: (release: Release) => Uint8Array
  /** The order of the groups of records, when not their ids' (`releases.json`: time). */
  readonly order?: (a: Group, b: Group) => number
}

/** A layout's records in a buffer: from `start` (the first record's start) to `end`. */
export interface RecordRegion {
  readonly buffer: Buffer
  readonly start: number
  readonly end: number
}

/** `bytes` as a Buffer, without copying. */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** The id of the record that starts at `start`. */
export const idAt = (layout: RecordPlacement, buffer: Buffer, start: number): string => {
  const open = start + layout.idOffset
  let close = open + 1
  let escaped = false
  while (close < buffer.length && buffer[close] !== QUOTE) {
    if (buffer[close] === BACKSLASH) {
      escaped = true
      close++
    }
    close++
  }
  const text = buffer.toString('utf8', open, close + 1)
  return escaped ? (JSON.parse(text) as string) : text.slice(1, -1)
}

/** The first record start at or after `from`, or -1. */
export const startFrom = (layout: RecordPlacement, region: RecordRegion, from: number): number => {
  const found = region.buffer.indexOf(layout.marker, Math.max(from, region.start) - 1)
  return found === -1 || found + 1 >= region.end ? -1 : found + 1
}

/** The last record start at or before `at`, or -1. */
export const startUpTo = (layout: RecordPlacement, region: RecordRegion, at: number): number => {
  const found = region.buffer.lastIndexOf(layout.marker, Math.min(at, region.end) - 1)
  return found === -1 || found + 1 < region.start ? -1 : found + 1
}

/** Where the records of one id stand: the first one's start and the last one's end. */
export interface Place {
  readonly start: number
  readonly end: number
}

/** Whether the record of id `probe` comes before the one looked for: by default, whether its id sorts before `id`. */
export type Below = (probe: string) => boolean

const idBelow =
  (id: string): Below =>
  (probe) =>
    compareIds(probe, id) < 0

/** The start of the first record not `below` the one looked for (`id`, by default), or -1 when every record is. */
export const firstNotBelow = (
  layout: RecordPlacement,
  region: RecordRegion,
  id: string,
  below: Below = idBelow(id),
): number => {
  const { buffer } = region
  // Every record starting before `low` is below `id`, and the one at `found` is not.
  let low = region.start
  let high = region.end
  let found = -1
  while (low < high) {
    let probe = startUpTo(layout, region, low + ((high - low) >>> 1))
    if (probe < low) probe = startFrom(layout, region, low)
    if (probe === -1 || probe >= high) break
    if (below(idAt(layout, buffer, probe))) low = probe + 1
    else {
      found = probe
      high = probe
    }
  }
  return found
}

/** The records of `id`, or `undefined` when there are none. */
export const findGroup = (
  layout: RecordPlacement,
  region: RecordRegion,
  id: string,
  below: Below = idBelow(id),
): Place | undefined => {
  const found = firstNotBelow(layout, region, id, below)
  if (found === -1 || idAt(layout, region.buffer, found) !== id) return undefined
  for (let last = found; ;) {
    const next = startFrom(layout, region, last + 1)
    if (next === -1) return { start: found, end: region.end }
    if (idAt(layout, region.buffer, next) !== id) return { start: found, end: next - layout.separator.length }
    last = next
  }
}

/** Every record of a region, in order: its start and end. */
export function* placesIn(layout: RecordPlacement, region: RecordRegion): Generator<Place> {
  let start = startFrom(layout, region, region.start)
  while (start !== -1) {
    const next = startFrom(layout, region, start + 1)
    yield { start, end: next === -1 ? region.end : next - layout.separator.length }
    start = next
  }
}

/** New records for a region: the region's first `keep` bytes stay, `rest` follows them up to its new end. */
export interface Splice {
  readonly keep: number
  readonly rest: ReadonlyArray<Uint8Array>
}

const groupBytes = (layout: RecordLayout, group: Group): Uint8Array[] =>
  group.flatMap((release, i) => (i === 0 ? [layout.encode(release)] : [layout.separator, layout.encode(release)]))

// Whether the groups added come after the last record, each after the one before, in the layout's order.
const addedInOrder = (
  layout: RecordLayout,
  lastId: string,
  added: ReadonlyArray<ReleaseId>,
  shown: ReadonlyMap<ReleaseId, Group>,
  next: ReadonlyMap<ReleaseId, Group>,
): boolean => {
  const { order } = layout
  if (order === undefined) return added.length === 0 || compareIds(added[0] as ReleaseId, lastId) > 0
  let before = shown.get(lastId as ReleaseId)
  for (const id of added) {
    const group = next.get(id)
    if (before === undefined || group === undefined || order(before, group) >= 0) return false
    before = group
  }
  return true
}

// Where the records of `id` stand, when they can be replaced in place by `after` (in time order: at the same instant).
const placeOf = (
  layout: RecordLayout,
  region: RecordRegion,
  id: ReleaseId,
  shown: ReadonlyMap<ReleaseId, Group>,
  after: Group,
): Place | undefined => {
  const { order } = layout
  if (order === undefined) return findGroup(layout, region, id)
  const before = shown.get(id) as Group
  if (order(before, after) !== 0) return undefined
  return findGroup(layout, region, id, (probe) => {
    const group = shown.get(probe as ReleaseId)
    return group !== undefined && order(group, before) < 0
  })
}

/** The records of `next` spliced from a region holding exactly `shown`'s, or `undefined` when no splice can. */
export const spliceRecords = (
  layout: RecordLayout,
  region: RecordRegion,
  shown: ReadonlyMap<ReleaseId, Group>,
  next: ReadonlyMap<ReleaseId, Group>,
): Splice | undefined => {
  if (!(shown instanceof ReleaseMap) || !(next instanceof ReleaseMap) || shown.size === 0) return undefined
  const differing = next.idsDifferingFrom(shown)
  const added = next.idsAddedSince(shown)
  if (differing === undefined || added === undefined) return undefined
  const last = startUpTo(layout, region, region.end)
  if (last === -1 || !addedInOrder(layout, idAt(layout, region.buffer, last), added, shown, next)) return undefined

  const replaced: Array<Place & { readonly group: Group }> = []
  for (const id of differing) {
    const before = shown.get(id)
    const after = next.get(id)
    if (before === after || before === undefined) continue // unchanged, or added (after every record)
    if (after === undefined) return undefined
    const place = placeOf(layout, region, id, shown, after)
    if (place === undefined) return undefined
    replaced.push({ ...place, group: after })
  }
  replaced.sort((a, b) => a.start - b.start)

  const keep = replaced[0]?.start ?? region.end
  const rest: Uint8Array[] = []
  let at = keep
  for (const { start, end, group } of replaced) {
    if (start > at) rest.push(region.buffer.subarray(at, start))
    rest.push(...groupBytes(layout, group))
    at = end
  }
  if (region.end > at) rest.push(region.buffer.subarray(at, region.end))
  for (const id of added) rest.push(layout.separator, ...groupBytes(layout, next.get(id) ?? []))
  return { keep, rest }
}

/** The bytes of `parts` one after another, written at `at` in `target` (which has room). */
export const writeParts = (target: Uint8Array, at: number, parts: ReadonlyArray<Uint8Array>): number => {
  let offset = at
  for (const part of parts) {
    target.set(part, offset)
    offset += part.length
  }
  return offset
}

/** The total length of `parts`. */
export const lengthOf = (parts: ReadonlyArray<Uint8Array>): number =>
  parts.reduce((total, part) => total + part.length, 0)
