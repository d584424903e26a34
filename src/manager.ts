/**
 * The Promise API that deploy orchestrators embed: a thin layer over {@link FpStateManager}.
 * Every rejection is a {@link StateError} with a stable `code`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { HistoryEvent, HistoryFilter } from './audit.js'
import type { Release } from './domain/release.js'
import type { RollbackTarget } from './domain/rollback.js'
import type { State } from './domain/state.js'
import type { StateError } from './errors.js'
import { type CreateReleaseOptions, createFpStateManager, type FpStateManager, type UpdatePhaseOptions } from './fp-manager.js'
import type { StateManagerOptions } from './options.js'
import type { ReconcileOutcome } from './snapshot-guard.js'
import type { VerifyReport } from './verify.js'

/** Release history of every environment, kept in an event log with `releases.json` as its projection. */
export interface StateManager {
  /** The snapshot file this manager keeps (absolute), if any: always, for the file store. */
  readonly stateFile: string | undefined
  /** What and where the store is, for messages. */
  readonly location: string
  /** Records a new release; its phases start pending, its `previousId` is the environment's current release. */
  createRelease(environment: string, version: string, commitSha?: string, options?: CreateReleaseOptions): Promise<Release>
  /** The release with this id; `RELEASE_NOT_FOUND` when there is none. */
  getRelease(id: string): Promise<Release>
  /** The environment's current release (newest by timestamp, ties by id); `RELEASE_NOT_FOUND` when none. */
  getCurrentRelease(environment: string): Promise<Release>
  /** Moves a phase to a status and returns the updated release; the same status again records nothing. */
  updatePhase(releaseId: string, phase: string, status: string, options?: UpdatePhaseOptions): Promise<Release>
  /** Closes out a release a dead orchestrator left behind: running phases fail, pending ones are skipped. */
  recoverRelease(releaseId: string, reason: string): Promise<Release>
  /** The environment's releases, newest first. */
  listReleases(environment: string): Promise<Release[]>
  /** Every release: environments ascending, each newest first. */
  listAllReleases(): Promise<Release[]>
  /** Releases still in progress with no event for longer than `abandonedAfterMs`. */
  abandonedReleases(environment?: string): Promise<Release[]>
  /** The audit trail, oldest first, optionally for one release, one environment, a time range. */
  history(filter?: HistoryFilter): Promise<HistoryEvent[]>
  /** The state as it was at an instant (every event recorded at or before it). */
  stateAt(time: Date | string): Promise<State>
  /** The release a rollback of the environment would redeploy, or why there is none. */
  rollbackTarget(environment: string, target: RollbackTarget): Promise<Release>
  /** Checks the whole store; `sound` when no problem is an error. */
  verify(): Promise<VerifyReport>
  /** Makes a `releases.json` without an event log the start of the history now. */
  importSnapshot(): Promise<{ readonly imported: number }>
  /** Resolves `STATE_DRIFT`: `accept` the file's changes into the history, or `restore` the file from it. */
  reconcile(mode: 'accept' | 'restore'): Promise<ReconcileOutcome>
  /** Releases handles, if any. */
  close(): Promise<void>
  /** The same operations as fp-ts `TaskEither`s. */
  readonly fp: FpStateManager
}

const run = async <A>(task: TE.TaskEither<StateError, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw result.left
  return result.right
}

/** Wraps a `TaskEither` manager as a Promise manager. */
export const promiseStateManager = (fp: FpStateManager): StateManager => ({
  stateFile: fp.stateFile,
  location: fp.location,
  createRelease: (environment, version, commitSha, options) => run(fp.createRelease(environment, version, commitSha, options)),
  getRelease: (id) => run(fp.getRelease(id)),
  getCurrentRelease: (environment) => run(fp.getCurrentRelease(environment)),
  updatePhase: (releaseId, phase, status, options) => run(fp.updatePhase(releaseId, phase, status, options)),
  recoverRelease: (releaseId, reason) => run(fp.recoverRelease(releaseId, reason)),
  listReleases: async (environment) => [...(await run(fp.listReleases(environment)))],
  listAllReleases: async () => [...(await run(fp.listAllReleases()))],
  abandonedReleases: async (environment) => [...(await run(fp.abandonedReleases(environment)))],
  history: async (filter) => [...(await run(fp.history(filter)))],
  stateAt: (time) => run(fp.stateAt(time)),
  rollbackTarget: (environment, target) => run(fp.rollbackTarget(environment, target)),
  verify: () => run(fp.verify()),
  importSnapshot: () => run(fp.importSnapshot()),
  reconcile: (mode) => run(fp.reconcile(mode)),
  close: () => fp.close(),
  fp,
})

/**
 * A state manager. Throws a `StateError` (`INVALID_INPUT`) for a bad option; touches no file
 * until the first operation, and reads never create files.
 */
export const createStateManager = (options: StateManagerOptions = {}): StateManager => {
  const fp = createFpStateManager(options)
  if (E.isLeft(fp)) throw fp.left
  return promiseStateManager(fp.right)
}
