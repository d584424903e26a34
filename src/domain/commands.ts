/**
 * The commands that change release history: as a caller gives them (`...Input`, unchecked) and as
 * `decide` takes them, checked and typed by `parseCommand`.
 */
import type { SnapshotSource } from './events.js'
import type { PhaseStatus, ReleasePhase } from './phase.js'
import type { Snapshot } from './snapshot.js'

/** Record a new release of `version` to `environment`. */
export interface CreateRelease {
  readonly type: 'CreateRelease'
  readonly environment: string
  readonly version: string
  /** Empty when unknown. */
  readonly commitSha: string
  /** The earlier release of the same environment this release redeploys, as the caller named it. */
  readonly rollbackOf?: string | undefined
  readonly note?: string | undefined
  /** The injected clock's reading, in epoch milliseconds: the new id and timestamp derive from it. */
  readonly now: number
  /** The caller's name for this write: a retry under it records nothing (requests.ts). */
  readonly requestId?: string | undefined
  /** Create it even over a current release still running, recording that it supersedes that one. */
  readonly supersede?: boolean | undefined
  /**
   * After how long without an event a running release counts as abandoned, which does not block a create (the
   * manager's `abandonedAfterMs`); absent: none does, every running release blocks.
   */
  readonly abandonedAfterMs?: number | undefined
}

/** Move one phase of one release to a new status. */
export interface UpdatePhase {
  readonly type: 'UpdatePhase'
  /** As the caller named it: looked up as given, then trimmed (queries.ts). */
  readonly releaseId: string
  readonly phase: ReleasePhase
  readonly status: PhaseStatus
  readonly reason?: string | undefined
  readonly requestId?: string | undefined
}

/** Close out a release a dead orchestrator left: running phases fail, pending ones are skipped, with the reason. */
export interface RecoverRelease {
  readonly type: 'RecoverRelease'
  readonly releaseId: string
  readonly reason: string
  readonly requestId?: string | undefined
}

/** Start the history from a `releases.json` that has no event log. */
export interface ImportSnapshot {
  readonly type: 'ImportSnapshot'
  readonly snapshot: Snapshot
  readonly source?: SnapshotSource | undefined
}

/** Accept the changes a person made to `releases.json` outside this module into the history. */
export interface ReconcileSnapshot {
  readonly type: 'ReconcileSnapshot'
  readonly snapshot: Snapshot
  readonly source?: SnapshotSource | undefined
}

/** Any command, parsed. */
export type Command = CreateRelease | UpdatePhase | RecoverRelease | ImportSnapshot | ReconcileSnapshot

/** A create as a caller gives it. */
export interface CreateReleaseInput {
  readonly type: 'CreateRelease'
  readonly environment: string
  readonly version: string
  readonly commitSha?: string | undefined
  readonly rollbackOf?: string | undefined
  readonly note?: string | undefined
  readonly now: number
  readonly requestId?: string | undefined
  readonly supersede?: boolean | undefined
  readonly abandonedAfterMs?: number | undefined
}

/** A phase change as a caller gives it. */
export interface UpdatePhaseInput {
  readonly type: 'UpdatePhase'
  readonly releaseId: string
  readonly phase: string
  readonly status: string
  readonly reason?: string | undefined
  readonly requestId?: string | undefined
}

/** A recovery as a caller gives it. */
export interface RecoverReleaseInput {
  readonly type: 'RecoverRelease'
  readonly releaseId: string
  readonly reason: string
  readonly requestId?: string | undefined
}

/** Any command as a caller gives it: an import or a reconcile comes from a decoded file, already parsed. */
export type CommandInput =
  CreateReleaseInput | UpdatePhaseInput | RecoverReleaseInput | ImportSnapshot | ReconcileSnapshot
