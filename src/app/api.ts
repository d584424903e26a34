/**
 * The operations of a state manager, as fp-ts `TaskEither`s, and what they take and return: the
 * Promise API (manager.ts) is derived from these by one mapped type.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { PhaseStatus, ReleasePhase } from '../domain/phase.js'
import type { Release } from '../domain/release.js'
import type { RollbackTarget } from '../domain/rollback.js'
import type { State } from '../domain/state.js'
import type { StateError } from '../domain/state-error.js'
import type { ReconcileOutcome } from '../store/index.js'
import type { HistoryEvent, HistoryFilter } from './audit.js'
import type { DeployStats } from '../domain/deploy-stats.js'
import type { StatsFilter } from './stats.js'
import type { VerifyReport } from './verify.js'
import type { ReportOptions, ReportResult } from './report.js'
import type { Sealed } from './seal.js'
import type { SealKeyInput } from './seal-keys.js'
import type { VerifyOptions } from './seal-options.js'

/** Extra facts recorded with a new release. */
export interface CreateReleaseOptions {
  /**
   * The earlier release of the same environment this release redeploys: one a rollback may go to
   * (every phase completed, not the current release), of the same version (and commit, when both
   * name one).
   */
  readonly rollbackOf?: string | undefined
  /** Why the release is made. */
  readonly note?: string | undefined
  /** The caller's name for this write, to retry it safely: see {@link WriteOptions}. */
  readonly requestId?: string | undefined
  /**
   * Create it even though the environment's current release still has a phase running (else
   * `RELEASE_IN_PROGRESS`), recording that the new release supersedes that one.
   */
  readonly supersede?: boolean | undefined
}

/**
 * What every write accepts: `requestId`, the caller's name for the write (an idempotency key: 1
 * to 200 characters, no control characters). A retry under the same id with the same arguments
 * records nothing and returns the release the first call was about, as it is now, with `events`
 * empty; the same id with other arguments is `INVALID_INPUT` naming its first use. Ids are kept
 * for the whole history.
 */
export interface WriteOptions {
  readonly requestId?: string | undefined
}

/** Extra facts recorded with a phase change. */
export interface UpdatePhaseOptions extends WriteOptions {
  readonly reason?: string | undefined
}

/** What a write recorded: the release it is about, the events it appended, and where the store ends. */
export interface Recorded {
  /** The release as it is after the write. */
  readonly release: Release
  /** The events appended, in order, with their positions: none when the write changed nothing (a retry). */
  readonly events: ReadonlyArray<HistoryEvent>
  /** The number of events in the store after the write: the position of its last event. */
  readonly position: number
  /** The seal recorded right after the write, when the `seal` option is given and the write finished the release. */
  readonly sealed?: Sealed | undefined
}

/** The state manager's operations as `TaskEither`s; the Promise API is a thin layer over these. */
export interface FpStateManager {
  /** The snapshot file this manager keeps, if any (always, for the file store). */
  readonly stateFile: string | undefined
  /** What and where the store is, for messages. */
  readonly location: string
  readonly createRelease: (
    environment: string,
    version: string,
    commitSha?: string,
    options?: CreateReleaseOptions,
  ) => TE.TaskEither<StateError, Recorded>
  readonly getRelease: (id: string) => TE.TaskEither<StateError, Release>
  readonly getCurrentRelease: (environment: string) => TE.TaskEither<StateError, Release>
  readonly updatePhase: (
    releaseId: string,
    phase: ReleasePhase,
    status: PhaseStatus,
    options?: UpdatePhaseOptions,
  ) => TE.TaskEither<StateError, Recorded>
  readonly recoverRelease: (
    releaseId: string,
    reason: string,
    options?: WriteOptions,
  ) => TE.TaskEither<StateError, Recorded>
  readonly listReleases: (environment: string) => TE.TaskEither<StateError, ReadonlyArray<Release>>
  readonly listAllReleases: () => TE.TaskEither<StateError, ReadonlyArray<Release>>
  readonly history: (filter?: HistoryFilter) => TE.TaskEither<StateError, ReadonlyArray<HistoryEvent>>
  readonly stateAt: (time: Date | string) => TE.TaskEither<StateError, State>
  readonly rollbackTarget: (environment: string, target: RollbackTarget) => TE.TaskEither<StateError, Release>
  /** A full check of the store; with options, of its seals and of a head recorded elsewhere too (docs/audit.md). */
  readonly verify: (options?: VerifyOptions) => TE.TaskEither<StateError, VerifyReport>
  /**
   * Records a `HeadSealed`: the head of the store (its last event and the SHA-256 of its line) signed with an Ed25519
   * private key (default: the `seal` option's). A key that cannot be used, or an empty store, records nothing.
   */
  readonly seal: (options?: { readonly key?: SealKeyInput | undefined }) => TE.TaskEither<StateError, Sealed>
  /**
   * Makes a `releases.json` that has no event log the start of the history now (else the first write
   * does). `imported`: the releases the history now holds from the file; `recorded`: whether an
   * import was recorded (a file of top-level fields alone is one too).
   */
  readonly importSnapshot: () => TE.TaskEither<StateError, { readonly imported: number; readonly recorded: boolean }>
  /** Resolves `STATE_DRIFT`: `accept` records the file's changes as events; `restore` rewrites it from the log. */
  readonly reconcile: (mode: 'accept' | 'restore') => TE.TaskEither<StateError, ReconcileOutcome>
  /**
   * Releases pending or in progress with no event for longer than `afterMs` (default: the
   * manager's `abandonedAfterMs`): probably left behind by a crashed or killed orchestrator (close
   * them out with `recoverRelease`).
   */
  readonly abandonedReleases: (
    environment?: string,
    /** `afterMs`: after how long without an event, in milliseconds (default: the manager's `abandonedAfterMs`). */
    options?: { readonly afterMs?: number | undefined },
  ) => TE.TaskEither<StateError, ReadonlyArray<Release>>
  /**
   * Deploy metrics of the releases created in a window (default: the last 30 days by the manager's clock), per
   * environment and overall: frequency, change failure rate, time to restore, phase durations (docs/metrics.md).
   */
  readonly stats: (filter?: StatsFilter) => TE.TaskEither<StateError, DeployStats>
  /** The current state, refreshed: read-only (frozen maps, lists and releases), shared, never copied. */
  readonly state: () => TE.TaskEither<StateError, State>
  /**
   * The HTML report of the history (timelines, audit rows, verify's result): one self-contained page, returned, and
   * written whole to `file` when given (else the file is left as it was).
   */
  readonly report: (options?: ReportOptions) => TE.TaskEither<StateError, ReportResult>
  readonly close: () => Promise<void>
}
