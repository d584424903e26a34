/**
 * Real event envelopes for store-level tests: decided by the domain from a short deploy story,
 * so that a store is exercised with exactly what a manager would append.
 */
import * as E from 'fp-ts/lib/Either.js'
import { ulid } from 'ulid'
import {
  type CommandInput,
  type DomainEvent,
  envelope,
  type EventEnvelope,
  type EventMetadata,
  evolve,
  initialState,
  PHASES,
  type State,
  type Timestamp,
  type Ulid,
} from '../../src/domain/index.js'
import { decideInput } from '../domain/specification.js'

const meta = (command: string, events: number): EventMetadata => ({
  actor: 'tester',
  host: 'test-host',
  pid: 4242 as EventMetadata['pid'],
  command: command as Ulid,
  // As the manager records them: a command of several events says how many on each.
  ...(events > 1 ? { events: events as NonNullable<EventMetadata['events']> } : {}),
})

/** Wraps domain events as one command recorded at `at`. */
export const wrap = (events: ReadonlyArray<DomainEvent>, at: number): EventEnvelope[] => {
  const command = ulid(at)
  return events.map((event) =>
    envelope(event, {
      id: ulid(at) as Ulid,
      recordedAt: new Date(at).toISOString() as Timestamp,
      meta: meta(command, events.length),
    }),
  )
}

/**
 * `deployEnvelopes(count)`, then one command of several events: the recovery of a release left
 * with every phase pending (six `PhaseUpdated`, one command).
 */
export const envelopesEndingInRecovery = (
  count: number,
  startMs = Date.UTC(2025, 0, 1, 12),
): { readonly before: EventEnvelope[]; readonly recovery: EventEnvelope[] } => {
  const before = deployEnvelopes(count, startMs)
  const at = startMs + (count + 1) * 1000
  const state = before.reduce<State>((s, e) => evolve(s, e), initialState)
  const created = decideInput(
    { type: 'CreateRelease', environment: 'stuck', version: 'v0', commitSha: '', now: at },
    state,
  )
  if (E.isLeft(created)) throw new Error(created.left.message)
  const [release] = created.right
  const withRelease = evolve(state, release as DomainEvent)
  const recovered = decideInput(
    {
      type: 'RecoverRelease',
      releaseId: (release as Extract<DomainEvent, { type: 'ReleaseCreated' }>).data.release.id,
      reason: 'orchestrator killed',
    },
    withRelease,
  )
  if (E.isLeft(recovered)) throw new Error(recovered.left.message)
  return { before: [...before, ...wrap(created.right, at)], recovery: wrap(recovered.right, at + 1000) }
}

/**
 * `count` envelopes of a plausible history: releases created in turn across two environments,
 * each walking its phases; includes a non-ASCII version so byte handling is exercised.
 */
export const deployEnvelopes = (count: number, startMs = Date.UTC(2025, 0, 1, 12)): EventEnvelope[] => {
  const out: EventEnvelope[] = []
  let state: State = initialState
  let clock = startMs
  let phaseIndex = PHASES.length
  let releaseId = ''
  while (out.length < count) {
    clock += 1000
    const command: CommandInput =
      phaseIndex >= PHASES.length
        ? {
            type: 'CreateRelease',
            environment: out.length % 3 === 0 ? 'staging' : 'prod',
            version: `v1.${out.length}-é中🚀<&>`,
            commitSha: 'abc123',
            now: clock,
          }
        : { type: 'UpdatePhase', releaseId, phase: PHASES[phaseIndex] as string, status: 'completed' }
    const events = decideInput(command, state)
    if (E.isLeft(events)) throw new Error(events.left.message)
    for (const event of events.right) {
      if (event.type === 'ReleaseCreated') {
        releaseId = event.data.release.id
        phaseIndex = 0
      } else phaseIndex++
      state = evolve(state, event)
    }
    out.push(...wrap(events.right, clock))
  }
  return out.slice(0, count)
}
