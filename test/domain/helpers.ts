/**
 * Small assertion helpers shared by the domain suites.
 */
import * as E from 'fp-ts/lib/Either.js'
import { expect } from 'vitest'
import {
  compareGroupsInTime,
  decide,
  decodeSnapshot,
  type ErrorCode,
  initialState,
  type Release,
  type Snapshot,
  type State,
} from '../../src/domain/index.js'
import { stateAfter } from './specification.js'

/** The right value of an Either, failing the test (with the error) when it is a left. */
export const right = <A>(either: E.Either<{ readonly code: string; readonly message: string }, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected success, got ${either.left.code}: ${either.left.message}`)
  return either.right
}

/** The error of an Either, checking its code and that its message matches every matcher. */
export const failure = (
  either: E.Either<{ readonly code: ErrorCode; readonly message: string }, unknown>,
  code: ErrorCode,
  ...message: ReadonlyArray<string | RegExp>
): string => {
  if (E.isRight(either)) throw new Error(`expected ${code}, got success: ${JSON.stringify(either.right)}`)
  expect(either.left.code).toBe(code)
  for (const matcher of message) {
    if (typeof matcher === 'string') expect(either.left.message).toContain(matcher)
    else expect(either.left.message).toMatch(matcher)
  }
  return either.left.message
}

/** A decoded `releases.json`, failing the test if it does not decode. */
export const decoded = (text: string, file = 'releases.json'): Snapshot => right(decodeSnapshot(text, file))

/** The state that importing a snapshot into an empty history gives (through decide and the fold). */
export const importedState = (snapshot: Snapshot): State =>
  stateAfter(right(decide({ type: 'ImportSnapshot', snapshot }, initialState)))

/** The state a `releases.json` text imports into. */
export const loaded = (text: string): State => importedState(decoded(text))

/**
 * A plain, order-revealing picture of a state for `toEqual`: the release groups in iteration
 * order, each environment's current release (sorted by environment), the greatest id and the
 * top-level fields (with their key order).
 */
export const view = (state: State) => ({
  releases: [...state.releases.entries()],
  current: [...state.current.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  greatestId: state.greatestId,
  otherFields: Object.entries(state.otherFields),
})

/** The ids of a state's releases, in iteration order (one per release, duplicates repeated). */
export const ids = (state: State): ReadonlyArray<string> =>
  [...state.releases.values()].flat().map((r: Release) => r.id)

/** Releases as `releases.json` lists them: grouped by id (a group in the order given), groups in time order. */
export const inFileOrder = (releases: Iterable<Release>): ReadonlyArray<Release> => {
  const groups = new Map<string, Release[]>()
  for (const release of releases) groups.set(release.id, [...(groups.get(release.id) ?? []), release])
  return [...groups.values()].sort(compareGroupsInTime).flat()
}
