/** Questions asked of the state; lists are computed once per (immutable) state and shared. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { type DomainError, invalidInput, releaseNotFound } from './errors.js'
import { parseEnvironment, parseReleaseId } from './input.js'
import type { Release } from './release.js'
import { compareIds, type ReleaseId } from './release-id.js'
import { named } from './show.js'
import { allReleases, type State } from './state.js'
import { compareInstants, type Instant, parseInstant } from './timestamp.js'

/** The release with an id. An id held by several releases (a Go-written file) is refused as ambiguous. */
export const findRelease = (state: State, rawId: unknown): E.Either<DomainError, Release> =>
  pipe(
    // An older file's id is kept as it is, blanks included: looked up as given first, then as a caller's input.
    typeof rawId === 'string' && state.releases.has(rawId as ReleaseId)
      ? E.right(rawId as ReleaseId)
      : parseReleaseId(rawId),
    E.chain((id) => {
      const group = state.releases.get(id)
      if (group === undefined) return E.left(releaseNotFound(`release ${named(id)} not found`))
      if (group.length > 1) {
        return E.left(
          invalidInput(
            `release id ${id} is ambiguous: ${group.length} releases hold it (versions ` +
              `${group.map((r) => r.version).join(', ')}), as written by the Go Stagecraft; list the ` +
              'environment to see them',
          ),
        )
      }
      return E.right(group[0] as Release)
    }),
  )

/** An environment to look up: a held one as it is (it may hold what no caller could give), else parsed. */
export const lookedUpEnvironment = (state: State, rawEnvironment: unknown): E.Either<DomainError, string> =>
  typeof rawEnvironment === 'string' && state.current.has(rawEnvironment)
    ? E.right(rawEnvironment)
    : parseEnvironment(rawEnvironment)

/** The current release of an environment: its newest by timestamp, ties broken by id. */
export const currentRelease = (state: State, rawEnvironment: unknown): E.Either<DomainError, Release> =>
  pipe(
    lookedUpEnvironment(state, rawEnvironment),
    E.chain((environment) => {
      const release = state.current.get(environment)
      return release === undefined
        ? E.left(releaseNotFound(`environment ${named(environment)} has no releases`))
        : E.right(release)
    }),
  )

/** Sorts newest first (later timestamp, then greater id), parsing each timestamp once. */
export const sortNewestFirst = (releases: Iterable<Release>): ReadonlyArray<Release> =>
  [...releases]
    .map((release): [Instant, Release] => [parseInstant(release.timestamp) as Instant, release])
    .sort(([a, ra], [b, rb]) => compareInstants(b, a) || compareIds(rb.id, ra.id))
    .map(([, release]) => release)

const byEnvironmentCache = new WeakMap<State, ReadonlyMap<string, ReadonlyArray<Release>>>()

/** Every environment's releases, in id order. */
export const groupByEnvironment = (state: State): ReadonlyMap<string, ReadonlyArray<Release>> => {
  const groups = new Map<string, Release[]>()
  for (const release of allReleases(state)) {
    const group = groups.get(release.environment)
    if (group === undefined) groups.set(release.environment, [release])
    else group.push(release)
  }
  return groups
}

/** Every environment's releases, newest first, computed once per state. */
const releasesByEnvironment = (state: State): ReadonlyMap<string, ReadonlyArray<Release>> => {
  let cached = byEnvironmentCache.get(state)
  if (cached === undefined) {
    cached = new Map(
      [...groupByEnvironment(state)].map(([environment, releases]) => [
        environment,
        Object.freeze(sortNewestFirst(releases)),
      ]),
    )
    byEnvironmentCache.set(state, cached)
  }
  return cached
}

/** The releases of one environment, newest first (empty for an environment never deployed). */
export const releasesOf = (state: State, rawEnvironment: unknown): E.Either<DomainError, ReadonlyArray<Release>> =>
  pipe(
    lookedUpEnvironment(state, rawEnvironment),
    E.map((environment) => releasesByEnvironment(state).get(environment) ?? []),
  )

/** Every release: environments in ascending order, each newest first. */
export const listAllReleases = (state: State): ReadonlyArray<Release> =>
  [...releasesByEnvironment(state)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, releases]) => releases)

/** The environments with at least one release, in ascending order. */
export const environments = (state: State): ReadonlyArray<string> => [...state.current.keys()].sort()
