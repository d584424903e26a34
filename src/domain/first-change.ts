/**
 * Where a state's releases first differ from the ones a `releases.json` being rewritten showed,
 * found from the few ids that changed between the two versions of the release map, not from a
 * walk of every release: the walk was 1.5 ms of a 9 ms write at 10,000 releases.
 *
 * Both versions are sealed release maps sharing one base (release-map.ts), so only the ids in
 * their changes can differ, and the releases a file shows are in the map's order: ids ascending,
 * those added since the base last. Anything else (no earlier version, another base, an id that
 * comes back in the middle) is left to the walk.
 */
import type { Release } from './release.js'
import { compareIds, type ReleaseId } from './release-id.js'
import { ReleaseMap } from './release-map.js'

/** Where rewriting starts: how many records stay, and the releases after them, in order. */
export interface FirstChange {
  readonly kept: number
  readonly changed: ReadonlyArray<Release>
}

/** The index of the first record of `id` in `records` (ids ascending), or `records.length`. */
const firstIndexOf = (records: ReadonlyArray<Release>, id: ReleaseId): number => {
  let low = 0
  let high = records.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareIds((records[middle] as Release).id, id) < 0) low = middle + 1
    else high = middle
  }
  return low
}

/**
 * Where `releases` first differ from `shown`, whose releases `records` are, every one of them;
 * `undefined` when that cannot be told without walking every release.
 */
export const firstChange = (releases: ReadonlyMap<ReleaseId, ReadonlyArray<Release>>, shown: ReleaseMap, records: ReadonlyArray<Release>): FirstChange | undefined => {
  if (!(releases instanceof ReleaseMap) || !releases.sealed) return undefined
  const differing = releases.idsDifferingFrom(shown)
  const added = releases.idsAddedSince(shown)
  if (differing === undefined || added === undefined) return undefined
  const last = records.at(-1)
  // Added ids come after every other, so after every record.
  if (last !== undefined && added.length > 0 && compareIds(added[0] as ReleaseId, last.id) <= 0) return undefined

  let kept = records.length
  for (const id of differing) {
    const before = shown.get(id)
    if (before === releases.get(id) || before === undefined) continue // unchanged, or added (after every record)
    const at = firstIndexOf(records, id)
    if (records[at]?.id !== id) return undefined // not where the map's order puts it
    if (at < kept) kept = at
  }

  const changed: Release[] = []
  for (let i = kept; i < records.length; ) {
    const { id } = records[i] as Release
    changed.push(...(releases.get(id) ?? []))
    while (i < records.length && (records[i] as Release).id === id) i++
  }
  for (const id of added) changed.push(...(releases.get(id) ?? []))
  return { kept, changed }
}
