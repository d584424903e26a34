/**
 * Scenarios: sequences of command intents run through decide and the fold, with a clock.
 *
 * An intent is a command before it meets a state: it names a release by `pick` (an index into the
 * ids the state holds when the command runs) or by an explicit `id` (usually one that does not
 * exist), so that generated sequences hit existing releases as often as missing ones. The
 * generators live in `arbitraries.ts`; this file only interprets. Store and CLI suites can replay
 * the same scenarios against the real store and compare.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  allReleases,
  type CommandInput,
  type DomainError,
  type DomainEvent,
  initialState,
  type Release,
  type Snapshot,
  startFold,
  type State,
} from '../src/domain/index.js'
import { decideInput } from './domain/specification.js'

/** A release named by position among the state's ids (modulo their number) or by an explicit id. */
export type ReleaseTarget = { readonly pick: number } | { readonly id: string }

/** One change a person makes to `releases.json` by hand, for a reconcile intent. */
export type SnapshotEdit =
  | { readonly op: 'remove'; readonly pick: number }
  | { readonly op: 'set-version'; readonly pick: number; readonly version: string }
  | { readonly op: 'add'; readonly release: Release }
  | { readonly op: 'set-field'; readonly key: string; readonly value: unknown }

/** A command before it meets a state. */
export type Intent =
  | {
      readonly kind: 'create'
      readonly environment: string
      readonly version: string
      readonly commitSha?: string | undefined
      readonly rollbackOf?: ReleaseTarget | undefined
      readonly note?: string | undefined
    }
  | {
      readonly kind: 'update'
      readonly target: ReleaseTarget
      readonly phase: string
      readonly status: string
      readonly reason?: string | undefined
    }
  | { readonly kind: 'recover'; readonly target: ReleaseTarget; readonly reason: string }
  | { readonly kind: 'import'; readonly snapshot: Snapshot }
  | { readonly kind: 'reconcile'; readonly edits: ReadonlyArray<SnapshotEdit> }

/** A sequence of intents and the clock readings the creates take, in turn (cycling). */
export interface Scenario {
  readonly intents: ReadonlyArray<Intent>
  /** Epoch-ms readings; the n-th create reads `clock[n % clock.length]`. Never empty. */
  readonly clock: ReadonlyArray<number>
}

/** One command of a run: the state it met, what decide said, and the state after its events. */
export interface Step {
  readonly command: CommandInput
  readonly before: State
  readonly decision: E.Either<DomainError, ReadonlyArray<DomainEvent>>
  readonly after: State
  /** What the fold said about events that could not have happened (must stay empty). */
  readonly problems: ReadonlyArray<string>
}

/** The outcome of a scenario. */
export interface Run {
  readonly steps: ReadonlyArray<Step>
  /** Every event decided, in order: the event log. */
  readonly events: ReadonlyArray<DomainEvent>
  readonly state: State
}

/** An id no generated history holds (generated ids are in the years 2000 to 2100). */
export const MISSING_RELEASE_ID = 'rel-19991231-235959999'

const idOf = (state: State, target: ReleaseTarget): string => {
  if ('id' in target) return target.id
  const ids = [...state.releases.keys()]
  return ids.length === 0 ? MISSING_RELEASE_ID : (ids[target.pick % ids.length] as string)
}

const applyEdit = (releases: Release[], fields: Record<string, unknown>, edit: SnapshotEdit): void => {
  switch (edit.op) {
    case 'remove':
      if (releases.length > 0) releases.splice(edit.pick % releases.length, 1)
      break
    case 'set-version': {
      const index = edit.pick % Math.max(releases.length, 1)
      const release = releases[index]
      if (release !== undefined) releases[index] = { ...release, version: edit.version }
      break
    }
    case 'add':
      releases.push(edit.release)
      break
    case 'set-field':
      Object.defineProperty(fields, edit.key, {
        value: edit.value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      break
  }
}

/** The snapshot a person would get by editing the projection of `state` with `edits`. */
export const editedSnapshot = (state: State, edits: ReadonlyArray<SnapshotEdit>): Snapshot => {
  const releases = [...allReleases(state)]
  const fields: Record<string, unknown> = { ...state.otherFields }
  for (const edit of edits) applyEdit(releases, fields, edit)
  return { releases, otherFields: fields }
}

/** The concrete command an intent stands for in `state`, with the clock reading `now`. */
export const toCommand = (intent: Intent, state: State, now: number): CommandInput => {
  switch (intent.kind) {
    case 'create':
      return {
        type: 'CreateRelease',
        environment: intent.environment,
        version: intent.version,
        commitSha: intent.commitSha,
        rollbackOf: intent.rollbackOf === undefined ? undefined : idOf(state, intent.rollbackOf),
        note: intent.note,
        now,
      }
    case 'update':
      return {
        type: 'UpdatePhase',
        releaseId: idOf(state, intent.target),
        phase: intent.phase,
        status: intent.status,
        reason: intent.reason,
      }
    case 'recover':
      return { type: 'RecoverRelease', releaseId: idOf(state, intent.target), reason: intent.reason }
    case 'import':
      return { type: 'ImportSnapshot', snapshot: intent.snapshot }
    case 'reconcile':
      return { type: 'ReconcileSnapshot', snapshot: editedSnapshot(state, intent.edits) }
  }
}

/** Runs a scenario from `from`: decide each command, fold its events (checking each one applies). */
export const runScenario = (scenario: Scenario, from: State = initialState): Run => {
  const steps: Step[] = []
  const events: DomainEvent[] = []
  let state = from
  let creates = 0
  for (const intent of scenario.intents) {
    const now = scenario.clock[creates % scenario.clock.length] ?? 0
    if (intent.kind === 'create') creates++
    const command = toCommand(intent, state, now)
    const decision = decideInput(command, state)
    const problems: string[] = []
    let after = state
    if (E.isRight(decision)) {
      const fold = startFold(state)
      for (const event of decision.right) {
        const problem = fold.apply(event)
        if (problem !== undefined) problems.push(problem)
      }
      after = fold.result()
      events.push(...decision.right)
    }
    steps.push({ command, before: state, decision, after, problems })
    state = after
  }
  return { steps, events, state }
}
