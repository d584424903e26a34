/**
 * The releases of a state, by id: a persistent map, so that a fold over a long history does not
 * copy it whole.
 *
 * Every write folds its events into the state it read, and the fold must leave that state as it
 * was (a failed append leaves the manager where it stood; readers may hold it). Copying a map of
 * 10,000 releases for the one or two a command changes cost more than the rest of the fold. A
 * version here is a map shared with the versions before it (`base`, never changed once built)
 * and the few entries changed since (`changes`, an override or a removal per id). A fold copies
 * only the changes; once they grow past a small share of the base they are merged into a new
 * base, so lookups stay two probes at most and a full iteration stays linear.
 *
 * Iteration follows the base's order (ids ascending, as the fold keeps them), then the ids added
 * since, in the order they were added.
 */
import type { Release } from './release.js'
import type { ReleaseId } from './release-id.js'

type Group = ReadonlyArray<Release>

const REMOVED: unique symbol = Symbol('removed')
type Change = Group | typeof REMOVED

// Changes are merged into a new base when there are more than this many and they are more than
// a sixteenth of the base: a copy of the whole map then, amortised over many folds.
const MERGE_AT = 64
const MERGE_SHARE = 16

/**
 * The releases of a state, by id, shared in part with the versions before it. Read-only once
 * sealed, which every map a state holds is; only the fold that drafts the next version changes
 * it, in place, until it seals it.
 */
export class ReleaseMap implements ReadonlyMap<ReleaseId, Group> {
  readonly #base: ReadonlyMap<ReleaseId, Group>
  readonly #changes: Map<ReleaseId, Change>
  #size: number
  #sealed: boolean

  private constructor(base: ReadonlyMap<ReleaseId, Group>, changes: Map<ReleaseId, Change>, size: number, sealed: boolean) {
    this.#base = base
    this.#changes = changes
    this.#size = size
    this.#sealed = sealed
  }

  /** A sealed map of these entries, in this order; nothing else may change `entries` after. */
  static of(entries: ReadonlyMap<ReleaseId, Group>): ReleaseMap {
    const map = new ReleaseMap(entries, new Map(), entries.size, true)
    Object.freeze(map)
    return map
  }

  /** Drafts the next version of `map` (which stays as it is), to be changed, then sealed. */
  static draft(map: ReadonlyMap<ReleaseId, Group>): ReleaseMap {
    return map instanceof ReleaseMap ? new ReleaseMap(map.#base, new Map(map.#changes), map.#size, false) : new ReleaseMap(map, new Map(), map.size, false)
  }

  #open(): Map<ReleaseId, Change> {
    if (this.#sealed) throw new TypeError('the releases of a state cannot be changed')
    return this.#changes
  }

  /** Sets the releases of an id, in a draft. */
  set(id: ReleaseId, group: Group): this {
    const changes = this.#open()
    if (!this.has(id)) this.#size++
    changes.set(id, group)
    return this
  }

  /** Removes an id, in a draft; whether it was there. */
  delete(id: ReleaseId): boolean {
    const changes = this.#open()
    if (!this.has(id)) return false
    if (this.#base.has(id)) changes.set(id, REMOVED)
    else changes.delete(id)
    this.#size--
    return true
  }

  /** Ends a draft: the version it made, which nothing can change (possibly a new map). */
  seal(): ReleaseMap {
    const changes = this.#open()
    this.#sealed = true
    // Drafted from an empty map, with nothing removed: the changes are the map.
    if (this.#base.size === 0 && this.#size === changes.size) return ReleaseMap.of(changes as Map<ReleaseId, Group>)
    if (changes.size > MERGE_AT && changes.size * MERGE_SHARE > this.#base.size) return ReleaseMap.of(new Map(this.entries()))
    Object.freeze(this)
    return this
  }

  /** Whether this version is done: a state's, never a draft's. */
  get sealed(): boolean {
    return this.#sealed
  }

  /**
   * The ids whose releases may differ between this version and `other`, when both share one base
   * (only their changes can differ: a few, where a walk of every release would be thousands);
   * `undefined` when they do not.
   */
  idsDifferingFrom(other: ReleaseMap): ReadonlySet<ReleaseId> | undefined {
    if (other.#base !== this.#base) return undefined
    const ids = new Set(this.#changes.keys())
    for (const id of other.#changes.keys()) ids.add(id)
    return ids
  }

  /**
   * The ids this version holds and `other` (which shares its base) does not, in this version's
   * order: after all the others. `undefined` when one of them comes back in the base's order
   * instead (an id removed, then added again), or the bases differ.
   */
  idsAddedSince(other: ReleaseMap): ReadonlyArray<ReleaseId> | undefined {
    if (other.#base !== this.#base) return undefined
    const added: ReleaseId[] = []
    for (const [id, change] of this.#changes) {
      if (change === REMOVED || other.has(id)) continue
      if (this.#base.has(id)) return undefined
      added.push(id)
    }
    return added
  }

  get size(): number {
    return this.#size
  }

  get(id: ReleaseId): Group | undefined {
    // lookUp, by hand: a replay asks this once per event.
    const changes = this.#changes
    if (changes.size > 0) {
      const change = changes.get(id)
      if (change !== undefined) return change === REMOVED ? undefined : change
    }
    return this.#base.get(id)
  }

  has(id: ReleaseId): boolean {
    return this.get(id) !== undefined
  }

  // The one walk of a version with changes, in plain loops: a write projects every release into
  // releases.json through it, and a generator costs several times as much.
  forEach(callback: (value: Group, key: ReleaseId, map: ReadonlyMap<ReleaseId, Group>) => void, thisArg?: unknown): void {
    const base = this.#base
    const changes = this.#changes
    if (changes.size === 0) {
      for (const [id, group] of base) callback.call(thisArg, group, id, this)
      return
    }
    for (const [id, group] of base) {
      const change = changes.get(id)
      if (change === undefined) callback.call(thisArg, group, id, this)
      else if (change !== REMOVED) callback.call(thisArg, change, id, this)
    }
    for (const [id, change] of changes) if (change !== REMOVED && !base.has(id)) callback.call(thisArg, change, id, this)
  }

  // With changes, the iterators walk a list that forEach made: the walk is written once.
  entries(): MapIterator<[ReleaseId, Group]> {
    if (this.#changes.size === 0) return this.#base.entries()
    const pairs: Array<[ReleaseId, Group]> = []
    this.forEach((group, id) => pairs.push([id, group]))
    return pairs.values()
  }

  keys(): MapIterator<ReleaseId> {
    return this.#changes.size === 0 ? this.#base.keys() : Array.from(this.entries(), ([id]) => id).values()
  }

  values(): MapIterator<Group> {
    return this.#changes.size === 0 ? this.#base.values() : Array.from(this.entries(), ([, group]) => group).values()
  }

  [Symbol.iterator](): MapIterator<[ReleaseId, Group]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'ReleaseMap'
  }
}
