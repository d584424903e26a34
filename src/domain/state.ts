/**
 * The state that release history folds into: every release, each environment's current release,
 * and the greatest id ever issued.
 */
import type { SnapshotFields } from './events.js'
import type { Release } from './release.js'
import { compareIds, type ReleaseId } from './release-id.js'
import { compareTimestamps } from './timestamp.js'

/** The releases, as the events so far have shaped them. Immutable: every release is frozen. */
export interface State {
  /**
   * Every release, by id, iterated in id order. A group holds more than one release only for an id
   * that a file written by the Go Stagecraft gave to two releases (kept, never merged).
   */
  readonly releases: ReadonlyMap<ReleaseId, ReadonlyArray<Release>>
  /** Each environment's current release: its newest by timestamp, ties broken by id. */
  readonly current: ReadonlyMap<string, Release>
  /** The greatest release id the history ever held; a new id must sort after it. */
  readonly greatestId: ReleaseId | undefined
  /** Top-level fields of an imported `releases.json` other than `releases`, written back verbatim. */
  readonly otherFields: SnapshotFields
}

/** The state before any event: no releases. */
export const initialState: State = Object.freeze({
  releases: new Map<ReleaseId, ReadonlyArray<Release>>(),
  current: new Map<string, Release>(),
  greatestId: undefined,
  otherFields: Object.freeze({}),
})

/** Newest first: later timestamp, then greater id. */
export const compareNewestFirst = (a: Release, b: Release): number =>
  compareTimestamps(b.timestamp, a.timestamp) || compareIds(b.id, a.id)

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
