/** What changed between two releases: the pure comparison behind `stagecraft-state diff` and `releaseDiff`. */
import { PHASES, type PhaseStatus, type ReleasePhase } from './phase.js'
import type { Release } from './release.js'
import { type ReleaseStatus, releaseStatus } from './release-status.js'
import { epochMsOf } from './timestamp.js'

/** One value on both sides, and whether it differs. */
export interface Change<A> {
  readonly from: A
  readonly to: A
  readonly changed: boolean
}

/** Two releases compared, `from` first: every field, every phase, who recorded each, and the time between them. */
export interface ReleaseDiff {
  readonly from: string
  readonly to: string
  readonly environment: Change<string>
  readonly version: Change<string>
  readonly commitSha: Change<string>
  readonly status: Change<ReleaseStatus>
  readonly phases: ReadonlyArray<Change<PhaseStatus> & { readonly phase: ReleasePhase }>
  /** Who recorded each release's events, in the order they first did. */
  readonly actors: Change<ReadonlyArray<string>>
  /** `to`'s creation minus `from`'s, in milliseconds: negative when `to` is the older. */
  readonly elapsedMs: number
}

const change = <A>(from: A, to: A, same: (a: A, b: A) => boolean = Object.is): Change<A> => ({
  from,
  to,
  changed: !same(from, to),
})

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i])

/** When a release was created, in epoch milliseconds (its timestamp is checked when it is decoded). */
const createdMs = (release: Release): number => epochMsOf(release.timestamp)

/** Compares `from` with `to`; `actors` are who recorded each one's events (from the history). */
export const diffReleases = (
  from: Release,
  to: Release,
  actors: { readonly from: ReadonlyArray<string>; readonly to: ReadonlyArray<string> },
): ReleaseDiff => ({
  from: from.id,
  to: to.id,
  environment: change(from.environment, to.environment),
  version: change(from.version, to.version),
  commitSha: change(from.commitSha, to.commitSha),
  status: change(releaseStatus(from), releaseStatus(to)),
  phases: PHASES.map((phase) => ({ phase, ...change(from.phases[phase], to.phases[phase]) })),
  actors: change(actors.from, actors.to, sameList),
  elapsedMs: createdMs(to) - createdMs(from),
})
