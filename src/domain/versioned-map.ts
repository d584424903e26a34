/**
 * A map a state holds, by version: a persistent map, so that a fold does not copy it whole, since a fold must leave the
 * state it read as it was (a failed append leaves the manager where it stood). A version is a base shared with earlier
 * versions (never changed once built) and the few entries changed since; the changes are merged into a new base once
 * they grow past a small share of it, so lookups stay two probes and iteration stays linear. Iteration follows the
 * base's order, then the ids added since, in the order they were added.
 */
import type { Release } from './release.js'
import type { ReleaseId } from './release-id.js'

const REMOVED: unique symbol = Symbol('removed')

// Merged when there are more than this many changes and more than a sixteenth of the base: a copy amortised over folds.
const MERGE_AT = 64
const MERGE_SHARE = 16

/** A map of a state, shared in part with earlier versions; read-only once sealed, changed in place only as a draft. */
export class VersionedMap<K, V> implements ReadonlyMap<K, V> {
  readonly #base: ReadonlyMap<K, V>
  readonly #changes: Map<K, V | typeof REMOVED>
  #size: number
  #sealed: boolean

  private constructor(base: ReadonlyMap<K, V>, changes: Map<K, V | typeof REMOVED>, size: number, sealed: boolean) {
    this.#base = base
    this.#changes = changes
    this.#size = size
    this.#sealed = sealed
  }

  /** A sealed map of these entries, in this order; nothing else may change `entries` after. */
  static of<K, V>(entries: ReadonlyMap<K, V>): VersionedMap<K, V> {
    const map = new VersionedMap(entries, new Map(), entries.size, true)
    Object.freeze(map)
    return map
  }

  /** Drafts the next version of `map` (which stays as it is), to be changed, then sealed. */
  static draft<K, V>(map: ReadonlyMap<K, V>): VersionedMap<K, V> {
    return map instanceof VersionedMap
      ? new VersionedMap<K, V>(
          map.#base as ReadonlyMap<K, V>,
          new Map(map.#changes as Map<K, V | typeof REMOVED>),
          map.#size,
          false,
        )
      : new VersionedMap(map, new Map(), map.size, false)
  }

  #open(): Map<K, V | typeof REMOVED> {
    if (this.#sealed) throw new TypeError('a state cannot be changed: this map is one of its versions, sealed')
    return this.#changes
  }

  set(id: K, value: V): this {
    const changes = this.#open()
    if (!this.has(id)) this.#size++
    changes.set(id, value)
    return this
  }

  delete(id: K): boolean {
    const changes = this.#open()
    if (!this.has(id)) return false
    if (this.#base.has(id)) changes.set(id, REMOVED)
    else changes.delete(id)
    this.#size--
    return true
  }

  /** Ends a draft: the version it made, which nothing can change (possibly a new map). */
  seal(): VersionedMap<K, V> {
    const changes = this.#open()
    this.#sealed = true
    // Drafted from an empty map, with nothing removed: the changes are the map.
    if (this.#base.size === 0 && this.#size === changes.size) return VersionedMap.of(changes as Map<K, V>)
    if (changes.size > MERGE_AT && changes.size * MERGE_SHARE > this.#base.size)
      return VersionedMap.of(new Map(this.entries()))
    Object.freeze(this)
    return this
  }

  /** Whether this version is done: a state's, never a draft's. */
  get sealed(): boolean {
    return this.#sealed
  }

  /** The ids whose releases may differ from `other`'s when both share a base (only changes can), else `undefined`. */
  idsDifferingFrom(other: VersionedMap<K, V>): ReadonlySet<K> | undefined {
    if (other.#base !== this.#base) return undefined
    const ids = new Set(this.#changes.keys())
    for (const id of other.#changes.keys()) ids.add(id)
    return ids
  }

  /**
   * The ids this version holds and `other` (of the same base) does not, in this version's order; `undefined` when an id
   * comes back in the base's order instead (removed, then added again) or `other` is of another base.
   */
  idsAddedSince(other: ReadonlyMap<K, V>): ReadonlyArray<K> | undefined {
    if (!(other instanceof VersionedMap) || other.#base !== this.#base) return undefined
    const added: K[] = []
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

  get(id: K): V | undefined {
    // lookUp, by hand: a replay asks this once per event.
    const changes = this.#changes
    if (changes.size > 0) {
      const change = changes.get(id)
      if (change !== undefined) return change === REMOVED ? undefined : change
    }
    return this.#base.get(id)
  }

  has(id: K): boolean {
    return this.get(id) !== undefined
  }

  // The one walk of a version with changes, in plain loops: a write projects every release through it, and a generator
  // costs several times as much.
  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    const base = this.#base
    const changes = this.#changes
    if (changes.size === 0) {
      for (const [id, value] of base) callback.call(thisArg, value, id, this)
      return
    }
    for (const [id, value] of base) {
      const change = changes.get(id)
      if (change === undefined) callback.call(thisArg, value, id, this)
      else if (change !== REMOVED) callback.call(thisArg, change, id, this)
    }
    for (const [id, change] of changes)
      if (change !== REMOVED && !base.has(id)) callback.call(thisArg, change, id, this)
  }

  // With changes, the iterators walk a list that forEach made: the walk is written once.
  entries(): MapIterator<[K, V]> {
    if (this.#changes.size === 0) return this.#base.entries()
    const pairs: Array<[K, V]> = []
    this.forEach((value, id) => pairs.push([id, value]))
    return pairs.values()
  }

  keys(): MapIterator<K> {
    return this.#changes.size === 0 ? this.#base.keys() : Array.from(this.entries(), ([id]) => id).values()
  }

  values(): MapIterator<V> {
    return this.#changes.size === 0 ? this.#base.values() : Array.from(this.entries(), ([, value]) => value).values()
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'VersionedMap'
  }
}

/** The releases of a state, by id (several releases may share an id, as the Go tool wrote them). */
export type ReleaseMap = VersionedMap<ReleaseId, ReadonlyArray<Release>>
export const ReleaseMap = VersionedMap
