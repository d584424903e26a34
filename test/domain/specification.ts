/**
 * Given / when / then for the decider, in the spirit of Emmett's DeciderSpecification:
 *
 *     given([created(A)])
 *       .when(updatePhase(A.id, 'build', 'running'))
 *       .then([phaseUpdated(A.id, 'build', 'pending', 'running')])
 *     given([]).when(createRelease({ environment: ' ' })).thenFails('INVALID_INPUT', /environment/)
 *
 * `given` folds its events with the real fold and refuses a given event that could not have
 * happened (a mistake in the test); `then` also checks that the decided events apply to the state.
 * Plus builders for the events and commands the example tests use.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { expect } from 'vitest'
import {
  allPending,
  type CommandInput,
  type CreateReleaseInput,
  decide,
  type DomainEvent,
  type ErrorCode,
  formatReleaseId,
  formatTimestamp,
  initialState,
  parseCommand,
  type PhaseStatus,
  type Release,
  type ReleaseId,
  type StoredRelease,
  type ReleasePhase,
  startFold,
  type State,
  type Timestamp,
} from '../../src/domain/index.js'

/** The state after `events` from `from`, throwing if any event could not have happened. */
export const stateAfter = (events: ReadonlyArray<DomainEvent>, from: State = initialState): State => {
  const fold = startFold(from)
  events.forEach((event, i) => {
    const problem = fold.apply(event)
    if (problem !== undefined) throw new Error(`given event ${i} (${event.type}) could not have happened: ${problem}`)
  })
  return fold.result()
}

/** A caller's command parsed, as the API parses it, and decided: what the input leads to. */
export const decideInput = (input: CommandInput, state: State) =>
  pipe(
    parseCommand(input),
    E.flatMap((command) => decide(command, state)),
  )

/** What a `when` leads to. */
export interface Outcome {
  /** Decide succeeds with exactly these events, which apply to the state; returns the state after them. */
  readonly then: (expected: ReadonlyArray<DomainEvent>) => State
  /** Decide succeeds and records nothing (an idempotent command). */
  readonly thenNothingHappens: () => void
  /** Decide fails with `code`, its message matching every matcher (a substring or a pattern). */
  readonly thenFails: (code: ErrorCode, ...message: ReadonlyArray<string | RegExp>) => void
  /** The raw decision, for assertions the helpers do not cover. */
  readonly decision: E.Either<{ readonly code: ErrorCode; readonly message: string }, ReadonlyArray<DomainEvent>>
}

/** Given these events (folded onto `from`, the empty state by default) ... */
export const given = (events: ReadonlyArray<DomainEvent>, from: State = initialState) => {
  const state = stateAfter(events, from)
  return {
    state,
    /** ... when this command is decided ... */
    when: (command: CommandInput): Outcome => {
      const decision = decideInput(command, state)
      return {
        decision,
        then: (expected) => {
          if (E.isLeft(decision))
            throw new Error(`expected events, but decide failed: ${decision.left.code}: ${decision.left.message}`)
          expect(decision.right).toEqual(expected)
          return stateAfter(decision.right, state)
        },
        thenNothingHappens: () => {
          if (E.isLeft(decision))
            throw new Error(`expected no events, but decide failed: ${decision.left.code}: ${decision.left.message}`)
          expect(decision.right).toEqual([])
        },
        thenFails: (code, ...message) => {
          if (E.isRight(decision))
            throw new Error(`expected ${code}, but decide produced ${JSON.stringify(decision.right)}`)
          expect(decision.left.code).toBe(code)
          for (const matcher of message) {
            if (typeof matcher === 'string') expect(decision.left.message).toContain(matcher)
            else expect(decision.left.message).toMatch(matcher)
          }
        },
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Builders

/** Epoch ms of an ISO instant (`2025-01-01T12:00:00.123Z`). */
export const at = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${iso}`)
  return ms
}

/** A release as decide creates it at `iso`: canonical id and timestamp of that instant, phases pending. */
export const newRelease = (
  iso: string,
  fields: { environment?: string; version?: string; commitSha?: string; previousId?: string } = {},
): Release => ({
  id: formatReleaseId(at(iso)),
  environment: fields.environment ?? 'prod',
  version: fields.version ?? 'v1.0.0',
  commitSha: fields.commitSha ?? '',
  timestamp: formatTimestamp(at(iso)),
  phases: allPending(),
  ...(fields.previousId === undefined ? {} : { previousId: fields.previousId as ReleaseId }),
})

/** A release as an older file may hold it: any id and timestamp, phases given (others pending). */
export const storedRelease = (fields: {
  id: string
  timestamp: string
  environment?: string
  version?: string
  commitSha?: string
  previousId?: string
  phases?: Partial<Record<ReleasePhase, PhaseStatus>>
}): Release => ({
  id: fields.id as ReleaseId,
  environment: fields.environment ?? 'prod',
  version: fields.version ?? 'v1.0.0',
  commitSha: fields.commitSha ?? '',
  timestamp: fields.timestamp as Timestamp,
  phases: { ...allPending(), ...fields.phases },
  ...(fields.previousId === undefined ? {} : { previousId: fields.previousId as ReleaseId }),
})

/** Every phase completed. */
export const allCompleted = (): Record<ReleasePhase, PhaseStatus> => ({
  build: 'completed',
  push: 'completed',
  migrate_pre: 'completed',
  rollout: 'completed',
  migrate_post: 'completed',
  finalize: 'completed',
})

/** The ReleaseCreated event of a release. */
export const created = (release: Release, extra: { rollbackOf?: string; note?: string } = {}): DomainEvent => ({
  type: 'ReleaseCreated',
  data: {
    release,
    ...(extra.rollbackOf === undefined ? {} : { rollbackOf: extra.rollbackOf as ReleaseId }),
    ...(extra.note === undefined ? {} : { note: extra.note }),
  },
})

/** The PhaseUpdated event of one phase of one release. */
export const phaseUpdated = (
  releaseId: string,
  phase: ReleasePhase,
  from: PhaseStatus,
  to: PhaseStatus,
  reason?: string,
): DomainEvent => ({
  type: 'PhaseUpdated',
  data: { releaseId: releaseId as ReleaseId, phase, from, to, ...(reason === undefined ? {} : { reason }) },
})

/** A phase update a recovery made: the reason given, and marked as a recovery's. */
export const recoveryUpdated = (
  releaseId: string,
  phase: ReleasePhase,
  from: PhaseStatus,
  to: PhaseStatus,
  reason: string,
): DomainEvent => ({
  type: 'PhaseUpdated',
  data: { releaseId: releaseId as ReleaseId, phase, from, to, reason, recovery: true },
})

/** The events that take every phase of a release from pending to completed. */
export const completedAll = (releaseId: string): ReadonlyArray<DomainEvent> =>
  (['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'] as const).map((phase) =>
    phaseUpdated(releaseId, phase, 'pending', 'completed'),
  )

/** The SnapshotImported event of releases (and top-level fields). */
export const imported = (
  releases: ReadonlyArray<StoredRelease>,
  otherFields: Readonly<Record<string, unknown>> = {},
): DomainEvent => ({
  type: 'SnapshotImported',
  data: { releases, ...(Object.keys(otherFields).length > 0 ? { otherFields } : {}) },
})

/** A CreateRelease command at `iso` (prod, v1.0.0 unless given). */
export const createRelease = (
  iso: string,
  fields: Partial<Omit<CreateReleaseInput, 'type' | 'now'>> = {},
): CreateReleaseInput => ({
  type: 'CreateRelease',
  environment: 'prod',
  version: 'v1.0.0',
  ...fields,
  now: at(iso),
})

/** An UpdatePhase command. */
export const updatePhase = (releaseId: string, phase: string, status: string, reason?: string): CommandInput => ({
  type: 'UpdatePhase',
  releaseId,
  phase,
  status,
  ...(reason === undefined ? {} : { reason }),
})

/** A RecoverRelease command. */
export const recoverRelease = (releaseId: string, reason: string): CommandInput => ({
  type: 'RecoverRelease',
  releaseId,
  reason,
})
