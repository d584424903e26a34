/** Deployment phases, their statuses and the rules for moving between statuses. */
import * as t from 'io-ts'

// Insertion order is the order a deploy runs the phases: PHASES and every projection rely on it.
const phaseKeys = {
  build: null,
  push: null,
  migrate_pre: null,
  rollout: null,
  migrate_post: null,
  finalize: null,
}

/** A deployment phase: build, push, migrate_pre, rollout, migrate_post, finalize. */
export const ReleasePhase = t.keyof(phaseKeys, 'ReleasePhase')
/** A deployment phase: `build`, `push`, `migrate_pre`, `rollout`, `migrate_post` or `finalize` (see {@link PHASES}). */
export type ReleasePhase = t.TypeOf<typeof ReleasePhase>

/** Every phase, in the order a deploy runs them. */
export const PHASES: ReadonlyArray<ReleasePhase> = Object.freeze(Object.keys(phaseKeys) as ReleasePhase[])

const statusKeys = {
  pending: null,
  running: null,
  completed: null,
  failed: null,
  skipped: null,
}

/** The status of one phase of one release. */
export const PhaseStatus = t.keyof(statusKeys, 'PhaseStatus')
/** The status of one phase: `pending`, `running`, `completed`, `failed` or `skipped`; the last three are final. */
export type PhaseStatus = t.TypeOf<typeof PhaseStatus>

/** Every phase status. */
export const PHASE_STATUSES: ReadonlyArray<PhaseStatus> = Object.freeze(Object.keys(statusKeys) as PhaseStatus[])

/** The status of every phase of a release. */
export const Phases = t.record(ReleasePhase, PhaseStatus, 'Phases')
export type Phases = t.TypeOf<typeof Phases>

// How the orchestrator drives a phase: it may skip, fail or finish a phase it never marked running, but once a phase
// has an outcome, that outcome is history.
const NEXT_STATUSES: Readonly<Record<PhaseStatus, ReadonlyArray<PhaseStatus>>> = {
  pending: ['running', 'completed', 'failed', 'skipped'],
  running: ['completed', 'failed', 'skipped'],
  completed: [],
  failed: [],
  skipped: [],
}

/** Whether a phase may move from `from` to `to` (a change: `from === to` is not a transition). */
export const canTransition = (from: PhaseStatus, to: PhaseStatus): boolean => NEXT_STATUSES[from].includes(to)

/** Whether a status is an outcome that can no longer change. */
export const isFinalStatus = (status: PhaseStatus): boolean => NEXT_STATUSES[status].length === 0

/** The statuses a phase in `from` may move to. */
export const nextStatuses = (from: PhaseStatus): ReadonlyArray<PhaseStatus> => NEXT_STATUSES[from]

/** A release whose six phases are all pending: how every release starts. */
export const allPending = (): Phases => ({
  build: 'pending',
  push: 'pending',
  migrate_pre: 'pending',
  rollout: 'pending',
  migrate_post: 'pending',
  finalize: 'pending',
})
