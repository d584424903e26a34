/** The state release history folds into: every release, each environment's current one, the greatest id. */
import type { SnapshotFields, SnapshotFieldTexts } from './events.js'
import type { Release } from './release.js'
import { compareIds, type ReleaseId } from './release-id.js'
import { ReleaseMap } from './versioned-map.js'
import { noRequests, type RequestUse } from './requests.js'
import { compareTimestamps, epochMsOfChecked } from './timestamp.js'

/** The releases, as the events so far have shaped them. Immutable: read-only maps, frozen lists and releases. */
export interface State {
  /** Every release, by id, in id order; a group holds several only for an id a Go-written file gave two releases. */
  readonly releases: ReadonlyMap<ReleaseId, ReadonlyArray<Release>>
  /** Each environment's current release: its newest by timestamp, ties broken by id. */
  readonly current: ReadonlyMap<string, Release>
  /**
   * The greatest release id (as text) the history ever held. Creates recorded before instants ordered new releases
   * sorted after it: replay accepts a created release that does, or that comes after every instant (state.ts).
   */
  readonly greatestId: ReleaseId | undefined
  /** Top-level fields of an imported `releases.json` other than `releases`, as `JSON.parse` read them. */
  readonly otherFields: SnapshotFields
  /** The same fields as the file wrote them, written back byte for byte; absent for a history recorded without them. */
  readonly otherFieldsJson?: SnapshotFieldTexts
  /** The first use of every request id the history holds, by id (read-only: a `RequestMap`). */
  readonly requests: ReadonlyMap<string, RequestUse>
}

/**
 * A read-only view of a map, so that whoever is handed a state cannot change it, and through it a manager's later
 * decisions. A view, not a copy: reads cost one call more.
 */
class ReadOnlyMap<K, V> implements ReadonlyMap<K, V> {
  readonly #map: ReadonlyMap<K, V>

  constructor(map: ReadonlyMap<K, V>) {
    this.#map = map
    Object.freeze(this)
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    return this.#map.get(key)
  }

  has(key: K): boolean {
    return this.#map.has(key)
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#map.forEach((value, key) => callback.call(thisArg, value, key, this))
  }

  entries(): MapIterator<[K, V]> {
    return this.#map.entries()
  }

  keys(): MapIterator<K> {
    return this.#map.keys()
  }

  values(): MapIterator<V> {
    return this.#map.values()
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map[Symbol.iterator]()
  }

  get [Symbol.toStringTag](): string {
    return 'ReadOnlyMap'
  }
}

/** A read-only view of `map`, which its owner must not change afterwards. */
export const readOnlyMap = <K, V>(map: ReadonlyMap<K, V>): ReadonlyMap<K, V> =>
  map instanceof ReadOnlyMap ? map : new ReadOnlyMap(map)

/** The state before any event: no releases. */
export const initialState: State = Object.freeze({
  releases: ReleaseMap.of(new Map<ReleaseId, ReadonlyArray<Release>>()),
  current: readOnlyMap(new Map<string, Release>()),
  greatestId: undefined,
  otherFields: Object.freeze({}),
  requests: noRequests,
})

/** Newest first: later timestamp, then greater id. */
export const compareNewestFirst = (a: Release, b: Release): number =>
  compareTimestamps(b.timestamp, a.timestamp) || compareIds(b.id, a.id)

/** Oldest first: earlier timestamp (by instant), then smaller id; the order of `releases.json`. */
export const compareInTime = (a: Release, b: Release): number =>
  compareTimestamps(a.timestamp, b.timestamp) || compareIds(a.id, b.id)

/**
 * The whole millisecond of the latest instant among the releases, or `undefined` for none: each environment's current
 * release is its latest, so only those are read.
 */
export const latestEpochMs = (current: ReadonlyMap<string, Release>): number | undefined => {
  let latest: number | undefined
  for (const release of current.values()) {
    const ms = epochMsOfChecked(release.timestamp)
    if (latest === undefined || ms > latest) latest = ms
  }
  return latest
}

/** Whether `a` is newer than `b` in the sense of "current release". */
export const isNewer = (a: Release, b: Release): boolean => compareNewestFirst(a, b) < 0

/** Every release, flattened, in id order. */
export function* allReleases(state: State): Generator<Release> {
  for (const group of state.releases.values()) yield* group
}

/** The number of releases in the state. */
export const releaseCount = (state: State): number => {
  let count = 0
  for (const group of state.releases.values()) count += group.length
  return count
}
