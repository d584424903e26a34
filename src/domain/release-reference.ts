/**
 * Release references, so that an operator need not type a whole id: an exact id, a unique prefix of one, or an
 * environment and a position (`prod@current`, `prod@~1`, `prod@last-good`). The rule is docs/cli.md's "Release
 * references".
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { type DomainError, invalidInput, releaseNotFound } from './errors.js'
import { currentRelease, findRelease, releasesOf } from './queries.js'
import type { Release } from './release.js'
import type { ReleaseId } from './release-id.js'
import { releaseStatus } from './release-status.js'
import { named, quote } from './show.js'
import type { State } from './state.js'

/** The positions after `ENV@`, as messages list them. */
export const REFERENCE_POSITIONS = 'current, ~N (the Nth release before the current one; ~ is ~1) or last-good'

// An ambiguous prefix names this many candidates, then how many more there are.
const NAMED_CANDIDATES = 5

/** The ids that start with `prefix`, in id order, at most `limit` (a prefix of every id must not list them all). */
const idsStartingWith = (state: State, prefix: string, limit: number): ReadonlyArray<ReleaseId> => {
  const found: ReleaseId[] = []
  for (const id of state.releases.keys()) {
    if (id.startsWith(prefix)) found.push(id)
    if (found.length === limit) break
  }
  return found
}

const countStartingWith = (state: State, prefix: string): number => {
  let count = 0
  for (const id of state.releases.keys()) if (id.startsWith(prefix)) count++
  return count
}

const ambiguousPrefix = (state: State, prefix: string, candidates: ReadonlyArray<ReleaseId>): DomainError => {
  const count = countStartingWith(state, prefix)
  const more = count - candidates.length
  return invalidInput(
    `release reference ${quote(prefix)} is ambiguous: ${count} release ids start with it ` +
      `(${candidates.join(', ')}${more > 0 ? ` and ${more} more` : ''}); type more of the id`,
  )
}

/** `~`, `~N`: how many releases before the current one; undefined for any other text. */
const stepsBack = (position: string): number | undefined => {
  const match = /^~(\d*)$/.exec(position)
  if (match === null) return undefined
  const steps = match[1] === '' ? 1 : Number(match[1])
  return Number.isSafeInteger(steps) ? steps : undefined
}

const atPosition = (state: State, environment: string, position: string): E.Either<DomainError, Release> => {
  if (position === 'current') return currentRelease(state, environment)
  const steps = stepsBack(position)
  if (steps === undefined && position !== 'last-good')
    return E.left(
      invalidInput(
        `unknown release position ${quote(position)} in ${quote(`${environment}@${position}`)}; ` +
          `after ENV@ give ${REFERENCE_POSITIONS}`,
      ),
    )
  return pipe(
    currentRelease(state, environment), // an environment without releases is refused the same way for every position
    E.chain(() => releasesOf(state, environment)),
    E.chain((releases) => {
      if (steps !== undefined) {
        const count = `${releases.length} release${releases.length === 1 ? '' : 's'}`
        const found = releases[steps]
        return found !== undefined
          ? E.right(found)
          : E.left(
              releaseNotFound(
                `environment ${named(environment)} has ${count}; ` +
                  `${named(environment)}@~${releases.length - 1} is its oldest`,
              ),
            )
      }
      const good = releases.find((release) => releaseStatus(release) === 'completed')
      return good !== undefined
        ? E.right(good)
        : E.left(releaseNotFound(`environment ${named(environment)} has no release whose status is completed`))
    }),
  )
}

/**
 * The release a reference names: an exact id, else the one id starting with it (several are refused, naming them),
 * else, split at its last `@`, an environment and a position. An exact id or a unique prefix always wins, so an id
 * that holds an `@` stays reachable.
 */
export const resolveReleaseReference = (state: State, raw: unknown): E.Either<DomainError, Release> => {
  if (typeof raw !== 'string' || state.releases.has(raw as ReleaseId)) return findRelease(state, raw)
  const text = raw.trim()
  if (text === '' || state.releases.has(text as ReleaseId)) return findRelease(state, raw)
  const candidates = idsStartingWith(state, text, NAMED_CANDIDATES)
  if (candidates.length === 1) return findRelease(state, candidates[0])
  if (candidates.length > 1) return E.left(ambiguousPrefix(state, text, candidates))
  const at = text.lastIndexOf('@')
  if (at === -1) return findRelease(state, raw)
  return atPosition(state, text.slice(0, at), text.slice(at + 1))
}
