/**
 * Which release a rollback would redeploy: of the environment, every phase completed, not the current one. No release
 * to go to (none before, none of that version but the current one, the current one named) is `RELEASE_NOT_FOUND`; one
 * found or named that did not complete every phase is `INVALID_TRANSITION`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { type DomainError, invalidInput, invalidTransition, releaseNotFound } from './errors.js'
import { parseVersion } from './input.js'
import { PHASES } from './phase.js'
import { currentRelease, findRelease, lookedUpEnvironment, releasesOf } from './queries.js'
import type { Release } from './release.js'
import { kindOf, named, quote } from './show.js'
import type { State } from './state.js'

/** How to choose the release to roll back to. */
export type RollbackTarget =
  | { readonly to: 'previous' }
  | { readonly to: 'release'; readonly releaseId: string }
  /** The newest release of the environment with a given version, other than the current one. */
  | { readonly to: 'version'; readonly version: string }
  /** The newest release of the environment, other than the current one, that completed every phase. */
  | { readonly to: 'last-good' }

const TARGET_SHAPES =
  `{ to: 'previous' }, { to: 'last-good' }, ` + `{ to: 'release', releaseId } or { to: 'version', version }`

/** A rollback target as given (anything, from JavaScript), checked so that choosing sees only the four shapes. */
export const parseRollbackTarget = (raw: unknown): E.Either<DomainError, RollbackTarget> => {
  const to: unknown = typeof raw === 'object' && raw !== null ? (raw as { to?: unknown }).to : undefined
  switch (to) {
    case 'previous':
    case 'last-good':
      return E.right({ to })
    case 'release':
      return E.right({ to, releaseId: (raw as { releaseId: string }).releaseId })
    case 'version':
      return E.right({ to, version: (raw as { version: string }).version })
    default: {
      const got =
        typeof raw === 'object' && raw !== null ? `to ${typeof to === 'string' ? quote(to) : kindOf(to)}` : kindOf(raw)
      return E.left(invalidInput(`a rollback target is ${TARGET_SHAPES}; got ${got}`))
    }
  }
}

/** Whether every phase of a release completed. */
export const isFullyCompleted = (release: Release): boolean =>
  PHASES.every((phase) => release.phases[phase] === 'completed')

const candidate = (
  state: State,
  environment: string,
  current: Release,
  target: RollbackTarget,
): E.Either<DomainError, Release> => {
  switch (target.to) {
    case 'previous': {
      if (current.previousId === undefined)
        return E.left(
          releaseNotFound(`current release ${current.id} of ${environment} has no previous release to roll back to`),
        )
      return pipe(
        findRelease(state, current.previousId),
        E.mapLeft((error) =>
          error.code === 'RELEASE_NOT_FOUND'
            ? releaseNotFound(
                `previous release ${current.previousId ?? ''} of ${current.id} (${environment}) is not in the history`,
              )
            : error,
        ),
      )
    }
    case 'release':
      return pipe(
        findRelease(state, target.releaseId),
        E.chain((release) =>
          release.environment === environment
            ? E.right(release)
            : E.left(
                invalidInput(`release ${release.id} belongs to environment ${release.environment}, not ${environment}`),
              ),
        ),
      )
    case 'version':
      return pipe(
        parseVersion(target.version),
        E.chain((version) =>
          pipe(
            releasesOf(state, environment),
            E.chain((releases) => {
              // The current release may itself be of that version (a failed redeploy): the target is another.
              const found = releases.find((release) => release.version === version && release !== current)
              if (found !== undefined) return E.right(found)
              return E.left(
                current.version === version
                  ? releaseNotFound(
                      `release ${current.id} (${version}) is the current release of ${environment}, and ` +
                        'no earlier release has that version; there is nothing to roll back to',
                    )
                  : releaseNotFound(`environment ${environment} has no release of version ${named(version)}`),
              )
            }),
          ),
        ),
      )
    case 'last-good':
      return pipe(
        releasesOf(state, environment),
        E.chain((releases) => {
          const found = releases.find((release) => release !== current && isFullyCompleted(release))
          return found === undefined
            ? E.left(releaseNotFound(`environment ${environment} has no earlier release that completed every phase`))
            : E.right(found)
        }),
      )
  }
}

const acceptable =
  (environment: string, current: Release) =>
  (target: Release): E.Either<DomainError, Release> => {
    // A previous_id written by hand may point into another environment.
    if (target.environment !== environment)
      return E.left(
        invalidInput(`release ${target.id} belongs to environment ${target.environment}, not ${environment}`),
      )
    if (target === current)
      return E.left(
        releaseNotFound(
          `release ${target.id} (${target.version}) is already the current release of ${environment}; ` +
            'there is nothing to roll back to',
        ),
      )
    if (!isFullyCompleted(target)) {
      const unfinished = PHASES.filter((phase) => target.phases[phase] !== 'completed').map(
        (phase) => `${phase} ${target.phases[phase]}`,
      )
      return E.left(
        invalidTransition(
          `release ${target.id} (${target.version}) of ${environment} cannot be a rollback target: not ` +
            `every phase completed (${unfinished.join(', ')})`,
        ),
      )
    }
    return E.right(target)
  }

/** Whether `rawReleaseId` is a release a rollback of `environment` may redeploy, by {@link rollbackTarget}'s rules. */
export const rollbackCandidate = (
  state: State,
  environment: string,
  rawReleaseId: unknown,
): E.Either<DomainError, Release> =>
  pipe(
    currentRelease(state, environment),
    E.mapLeft(() =>
      releaseNotFound(`environment ${named(environment)} has no releases; there is nothing to roll back`),
    ),
    E.chain((current) =>
      pipe(
        candidate(state, environment, current, { to: 'release', releaseId: rawReleaseId as string }),
        E.chain(acceptable(environment, current)),
      ),
    ),
  )

/** The release a rollback of `environment` would redeploy, or why there is none. */
export const rollbackTarget = (
  state: State,
  rawEnvironment: unknown,
  rawTarget: RollbackTarget,
): E.Either<DomainError, Release> =>
  pipe(
    E.Do,
    E.apS('environment', lookedUpEnvironment(state, rawEnvironment)),
    E.apS('target', parseRollbackTarget(rawTarget)),
    E.chain(({ environment, target }) =>
      pipe(
        currentRelease(state, environment),
        E.mapLeft(() =>
          releaseNotFound(`environment ${named(environment)} has no releases; there is nothing to roll back`),
        ),
        E.chain((current) =>
          pipe(candidate(state, environment, current, target), E.chain(acceptable(environment, current))),
        ),
      ),
    ),
  )
