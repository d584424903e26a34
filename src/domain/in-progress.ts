/**
 * A create in an environment whose current release is still running: refused (`RELEASE_IN_PROGRESS`) unless the
 * caller supersedes it, or that release looks abandoned. Pure: the clock's reading and the threshold come with the
 * command.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { CreateRelease } from './commands.js'
import { type DomainError, releaseInProgress } from './errors.js'
import { PHASES } from './phase.js'
import { factsOf, type Release } from './release.js'
import type { ReleaseId } from './release-id.js'
import { hasRunningPhase, idleMs, isAbandoned } from './release-status.js'
import { named } from './show.js'
import type { State } from './state.js'
import { formatTimestamp } from './timestamp.js'

/**
 * The environment's current release when a phase of it is running and a command of this module ran it: one from an
 * import or an adoption (releases.json, written by another tool) is not this module's to guard.
 */
export const runningRelease = (state: State, environment: string): Release | undefined => {
  const current = state.current.get(environment)
  return current !== undefined && hasRunningPhase(current) && factsOf(current).byCommand === true ? current : undefined
}

const abandoned = (command: CreateRelease, release: Release): boolean =>
  command.abandonedAfterMs !== undefined && isAbandoned(release, command.now, command.abandonedAfterMs)

/** The running release a create goes past without superseding it, because it looks abandoned: to warn about. */
export const abandonedPassed = (command: CreateRelease, state: State): Release | undefined => {
  const running = runningRelease(state, command.environment)
  return running !== undefined && command.supersede !== true && abandoned(command, running) ? running : undefined
}

const refusal = (command: CreateRelease, release: Release): DomainError => {
  const running = PHASES.filter((phase) => release.phases[phase] === 'running').join(', ')
  const lastMs = command.now - idleMs(release, command.now)
  return releaseInProgress(
    `release ${release.id} (${named(release.version)}) of ${named(release.environment)} is still in progress: ` +
      `${running} running, last changed ${formatTimestamp(lastMs)}. Wait for it to finish; if its orchestrator ` +
      `is gone, close it out with recover (stagecraft-state recover ${release.id} --reason TEXT); or create ` +
      'the new release with supersede (--supersede) to record that it supersedes this one',
  )
}

/** The release a create supersedes (asked for, over a running one), none, or why it must not be created. */
export const supersededBy = (command: CreateRelease, state: State): E.Either<DomainError, ReleaseId | undefined> => {
  const running = runningRelease(state, command.environment)
  if (running === undefined) return E.right(undefined)
  if (command.supersede === true) return E.right(running.id)
  return abandoned(command, running) ? E.right(undefined) : E.left(refusal(command, running))
}
