/** Folding events into state, purely: a {@link Fold} applies a batch to one transient copy, then freezes it. */
import * as E from 'fp-ts/lib/Either.js'
import { deepFreeze } from './deep-freeze.js'
import {
  type DomainEvent,
  madeByRecovery,
  type PhaseUpdated,
  type ReleaseChange,
  type SnapshotFields,
  type SnapshotFieldTexts,
} from './events.js'
import { parseRequestId } from './input.js'
import { PHASES, type ReleasePhase } from './phase.js'
import { sameReleases } from './projection.js'
import { factsOf, hasFacts, keepFacts, keepPreserved, type Preserved, preservedOf, type Release } from './release.js'
import { compareIds, type ReleaseId } from './release-id.js'
import { showValue } from './show.js'
import { ReleaseMap } from './versioned-map.js'
import { RequestMap, type RequestUse } from './requests.js'
import { initialState, isNewer, latestEpochMs, readOnlyMap, type State } from './state.js'
import { epochMsOfChecked, type Timestamp } from './timestamp.js'

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

// A phase an imported record did not list is written back absent only until it changes.
const setPhase = (release: Mutable<Release>, phase: ReleasePhase, status: PhaseUpdated['to']): void => {
  ;(release.phases as Mutable<Release['phases']>)[phase] = status
  const preserved = preservedOf(release)
  const absent = preserved?.absentPhases
  if (preserved === undefined || absent === undefined || !absent.includes(phase)) return
  const { absentPhases: _changed, ...others } = preserved
  const stillAbsent = absent.filter((p) => p !== phase)
  const kept: Preserved = stillAbsent.length > 0 ? { ...others, absentPhases: stillAbsent } : others
  keepPreserved(release, Object.keys(kept).length > 0 ? kept : undefined)
}

/** What makes an event impossible in a state, in words, or `undefined` when it applies. */
export type EventProblem = string | undefined

// A request id names a command about one release: a create, or phase changes.
const requestProblem = (event: DomainEvent): EventProblem => {
  const request = event.type === 'ReleaseCreated' || event.type === 'PhaseUpdated' ? event.data.request : undefined
  if (request === undefined) return undefined
  const parsed = parseRequestId(request.id)
  if (E.isLeft(parsed) || parsed.right !== request.id)
    return (
      `the request id ${showValue(request.id)} is not one ` +
      `(${E.isLeft(parsed) ? parsed.left.message : 'blanks around it'})`
    )
  const fits =
    event.type === 'ReleaseCreated' ? request.command === 'CreateRelease' : request.command !== 'CreateRelease'
  return fits
    ? undefined
    : `a ${event.type} event cannot record a ${request.command} (request id ${showValue(request.id)})`
}

/** The use of a request id an event records (its first event's, for a command that records several), if any. */
export const requestUseOf = (
  event: DomainEvent,
  at: Timestamp | undefined,
): { readonly id: string; readonly use: RequestUse } | undefined => {
  const when = at === undefined ? {} : { at }
  if (event.type === 'ReleaseCreated') {
    const { release, rollbackOf, note, request } = event.data
    if (request === undefined) return undefined
    const args = [release.environment, release.version, release.commitSha, rollbackOf ?? null, note ?? null]
    return { id: request.id, use: { command: request.command, args, releaseId: release.id, ...when } }
  }
  if (event.type === 'PhaseUpdated') {
    const { releaseId, phase, to, reason, request } = event.data
    if (request === undefined) return undefined
    const args =
      request.command === 'RecoverRelease' ? [releaseId, reason ?? null] : [releaseId, phase, to, reason ?? null]
    return { id: request.id, use: { command: request.command, args, releaseId, ...when } }
  }
  return undefined
}

/** A transient fold: apply events one by one, then take the (frozen) result once. */
export interface Fold {
  /** Applies an event that could have happened so far, else says why; `recordedAt` dates the releases it touches. */
  readonly apply: (event: DomainEvent, recordedAt?: Timestamp) => EventProblem
  readonly result: () => State
  /** The state so far, neither copied nor frozen: read it at once, since the next event changes it. */
  readonly peek: () => State
}

// The texts of an imported file's fields (top-level-fields.ts), copied and frozen: strings only, so one level deep.
const textsOf = (texts: SnapshotFieldTexts | undefined): SnapshotFieldTexts | undefined =>
  texts === undefined ? undefined : deepFreeze(texts.map(([key, text]): [string, string] => [key, text]))

/** Starts a fold from `state` (which is never changed). */
export const startFold = (state: State): Fold => {
  // The next version of the releases, sharing the given state's (which it never changes).
  const releases = ReleaseMap.draft(state.releases)
  const current = new Map(state.current)
  let greatestId: ReleaseId | undefined = state.greatestId
  let otherFields: SnapshotFields = state.otherFields
  let otherFieldsJson: SnapshotFieldTexts | undefined = state.otherFieldsJson
  const requests = RequestMap.draft(state.requests)
  let outOfOrder = false
  // The latest instant of the current releases, kept as creates add to it (undefined: none; null: to be found again).
  let latest: number | undefined | null = null
  let currentOutdated = false
  let finished = false
  let changed = false
  // Releases this fold made, changed in place until result() freezes them: a replay allocates once per release, not
  // once per event. Releases of the given state are frozen.
  const owned: Release[] = []
  // Turned into numbers once, in result(), not once per event.
  const lastEvents = new Map<Release, Timestamp>()
  // Whether a command (true) or a file (false) changed a release last: kept as a fact in result(), not once per event.
  const changedBy = new Map<Release, boolean>()

  // A private copy, so that neither the caller's objects nor the given state change; `preserved` kept out of sight.
  const own = (release: Release): Release => {
    const { id, environment, version, commitSha, timestamp, phases, previousId } = release
    const copy: Release =
      previousId === undefined
        ? { id, environment, version, commitSha, timestamp, phases: { ...phases } }
        : { id, environment, version, commitSha, timestamp, phases: { ...phases }, previousId }
    const preserved = preservedOf(release)
    if (preserved !== undefined)
      keepPreserved(copy, Object.isFrozen(preserved) ? preserved : structuredClone(preserved))
    if (hasFacts(release)) keepFacts(copy, factsOf(release))
    owned.push(copy)
    return copy
  }

  const touched = (release: Release, at: Timestamp | undefined, byCommand: boolean): void => {
    if (at !== undefined) lastEvents.set(release, at)
    changedBy.set(release, byCommand)
  }

  const add = (release: Release): void => {
    const group = releases.get(release.id)
    releases.set(release.id, Object.freeze(group === undefined ? [release] : [...group, release]))
    if (greatestId !== undefined && release.id < greatestId) outOfOrder = true
    if (greatestId === undefined || release.id > greatestId) greatestId = release.id
    if (latest !== null) latest = Math.max(latest ?? -Infinity, epochMsOfChecked(release.timestamp))
    const currentRelease = current.get(release.environment)
    if (currentRelease === undefined || isNewer(release, currentRelease)) current.set(release.environment, release)
  }

  // A release a reconcile rewrote keeps what the history knew of it, when it stays one release.
  const replaceGroup = (change: ReleaseChange, at: Timestamp | undefined): void => {
    const before = releases.get(change.releaseId)
    if (change.after.length === 0) releases.delete(change.releaseId)
    else {
      if (before === undefined) outOfOrder = true
      const after = change.after.map(own)
      const kept = before?.length === 1 && after.length === 1 ? factsOf(before[0] as Release) : undefined
      for (const release of after) {
        if (kept !== undefined) keepFacts(release, kept)
        touched(release, at, false)
      }
      releases.set(change.releaseId, Object.freeze(after))
    }
    for (const release of change.after) if (greatestId === undefined || release.id > greatestId) greatestId = release.id
    currentOutdated = true
  }

  const byId = ([a]: readonly [string, unknown], [b]: readonly [string, unknown]): number => compareIds(a, b)

  // After a reconcile, `current` is rebuilt before it is next read, so that a batch folds like one-by-one.
  const refreshCurrent = (): void => {
    if (!currentOutdated) return
    currentOutdated = false
    current.clear()
    for (const [, group] of outOfOrder ? [...releases].sort(byId) : releases) {
      for (const release of group) {
        const currentRelease = current.get(release.environment)
        if (currentRelease === undefined || isNewer(release, currentRelease)) current.set(release.environment, release)
      }
    }
  }

  const checkCreated = (release: Release): EventProblem => {
    refreshCurrent()
    if (releases.has(release.id)) return `release id ${release.id} already exists`
    // A create comes after every instant; one recorded before instants ordered them sorts after every id instead.
    if (latest === null) latest = latestEpochMs(current)
    if (latest !== undefined && epochMsOfChecked(release.timestamp) <= latest) {
      if (greatestId !== undefined && release.id <= greatestId)
        return (
          `release ${release.id} is at ${release.timestamp}, not after the latest release of the history ` +
          `(at ${new Date(latest).toISOString()}), and its id does not sort after the greatest id ${greatestId}`
        )
    }
    const expected = current.get(release.environment)?.id
    if (release.previousId !== expected) {
      return (
        `release ${release.id} names previous release ${release.previousId ?? '(none)'}, but the current ` +
        `release of ${release.environment} was ${expected ?? '(none)'}`
      )
    }
    if (PHASES.some((phase) => release.phases[phase] !== 'pending') || preservedOf(release) !== undefined)
      return `release ${release.id} was created with phases that are not all pending`
    return undefined
  }

  // For apply to change without a second lookup: most events of a replay are phase updates.
  let checked: Release | undefined
  const checkPhaseUpdated = (data: PhaseUpdated): EventProblem => {
    const group = releases.get(data.releaseId)
    if (group === undefined) return `release ${data.releaseId} is not in the history`
    if (group.length > 1) return `release id ${data.releaseId} is held by ${group.length} releases`
    checked = group[0] as Release
    const status = checked.phases[data.phase]
    if (status !== data.from) return `phase ${data.phase} of release ${data.releaseId} is ${status}, not ${data.from}`
    return undefined
  }

  const check = (event: DomainEvent): EventProblem => {
    // Events may come from outside (a caller folding its own): anything else changes nothing.
    if (typeof event !== 'object' || event === null)
      return `an event must be an object, not ${event === null ? 'null' : typeof event}`
    const request = requestProblem(event)
    if (request !== undefined) return request
    switch (event.type) {
      case 'ReleaseCreated': {
        const problem = checkCreated(event.data.release)
        if (problem !== undefined) return problem
        const target = event.data.rollbackOf === undefined ? undefined : releases.get(event.data.rollbackOf)
        if (
          event.data.rollbackOf !== undefined &&
          !target?.some((r) => r.environment === event.data.release.environment)
        ) {
          return (
            `release ${event.data.release.id} is a rollback of ${event.data.rollbackOf}, which is not a ` +
            `release of ${event.data.release.environment}`
          )
        }
        return undefined
      }
      case 'PhaseUpdated':
        return checkPhaseUpdated(event.data)
      case 'SnapshotImported':
        return releases.size === 0
          ? undefined
          : `an import can only start a history, and this one already holds releases`
      case 'SnapshotReconciled':
        for (const change of event.data.changes) {
          if (!sameReleases(releases.get(change.releaseId) ?? [], change.before))
            return (
              `the releases recorded as the state before the change of ${change.releaseId} are not the ones ` +
              'in the history'
            )
        }
        return undefined
      case 'HeadSealed':
        // A seal changes no release: verify checks it against the log (src/app/verify-seals.ts).
        return undefined
      default:
        return `an event of unknown type ${showValue((event as { type?: unknown }).type)}`
    }
  }

  const apply = (event: DomainEvent, at?: Timestamp): EventProblem => {
    if (finished) throw new Error('Fold used after result()')
    const problem = check(event)
    if (problem !== undefined) return problem
    changed = true
    const use = requestUseOf(event, at)
    // A known id keeps its first use.
    if (use !== undefined && !requests.has(use.id)) requests.set(use.id, use.use)
    switch (event.type) {
      case 'ReleaseCreated': {
        const created = own(event.data.release)
        const { rollbackOf, note, supersedes } = event.data
        keepFacts(created, {
          ...(rollbackOf === undefined ? {} : { rollbackOf }),
          ...(note === undefined ? {} : { note }),
          ...(supersedes === undefined ? {} : { supersedes }),
        })
        touched(created, at, true)
        add(created)
        break
      }
      case 'PhaseUpdated': {
        const old = checked as Release
        const target = Object.isFrozen(old) ? own(old) : old
        touched(target, at, true)
        setPhase(target, event.data.phase, event.data.to)
        if (madeByRecovery(event.data)) {
          const facts = factsOf(target)
          keepFacts(target, { ...facts, recovered: [...(facts.recovered ?? []), event.data.phase] })
        }
        if (target !== old) {
          releases.set(target.id, Object.freeze([target]))
          if (current.get(target.environment) === old) current.set(target.environment, target)
        }
        break
      }
      case 'SnapshotImported': {
        const sorted = [...event.data.releases].sort((a, b) => compareIds(a.id, b.id))
        for (const release of sorted) {
          const imported = own(release)
          touched(imported, at, false)
          add(imported)
        }
        otherFields = deepFreeze(structuredClone(event.data.otherFields ?? {}))
        otherFieldsJson = textsOf(event.data.otherFieldsJson)
        break
      }
      case 'SnapshotReconciled':
        latest = null // a release removed may have been the latest
        for (const change of event.data.changes) replaceGroup(change, at)
        otherFields = deepFreeze(structuredClone(event.data.otherFields))
        otherFieldsJson = textsOf(event.data.otherFieldsJson)
        break
      case 'HeadSealed':
        break
    }
    return undefined
  }

  const result = (): State => {
    finished = true
    if (!changed) return state
    for (const release of owned) {
      const at = lastEvents.get(release)
      const byCommand = changedBy.get(release)
      if (at !== undefined || byCommand !== undefined) {
        const { rollbackOf, note, supersedes, recovered, ...others } = factsOf(release)
        const lastEventMs = at === undefined ? others.lastEventMs : epochMsOfChecked(at)
        // In one order, whatever order the events came in: a cache is compared with a replay as text.
        keepFacts(release, {
          ...(rollbackOf === undefined ? {} : { rollbackOf }),
          ...(note === undefined ? {} : { note }),
          ...(lastEventMs === undefined ? {} : { lastEventMs }),
          ...(supersedes === undefined ? {} : { supersedes }),
          ...(recovered === undefined ? {} : { recovered }),
          ...((byCommand ?? others.byCommand === true) ? { byCommand: true as const } : {}),
        })
      }
      deepFreeze(release)
      deepFreeze(preservedOf(release)) // not enumerable: deepFreeze does not reach it
    }
    refreshCurrent()
    const ordered = outOfOrder ? ReleaseMap.of(new Map([...releases].sort(byId))) : releases.seal()
    // Sealed, and a view: the fold is done with them, and no holder of the state may change them.
    const texts = otherFieldsJson === undefined ? {} : { otherFieldsJson }
    return Object.freeze({
      releases: ordered,
      current: readOnlyMap(current),
      greatestId,
      otherFields,
      ...texts,
      requests: requests.seal(),
    })
  }

  const peek = (): State => {
    refreshCurrent()
    return {
      releases,
      current,
      greatestId,
      otherFields,
      ...(otherFieldsJson === undefined ? {} : { otherFieldsJson }),
      requests,
    }
  }

  return { apply, result, peek }
}

/** The state after `events`, in order; an event that could not have happened changes nothing. */
export const evolveAll = (state: State, events: Iterable<DomainEvent>): State => {
  const fold = startFold(state)
  for (const event of events) fold.apply(event)
  return fold.result()
}

/** The state after one event. */
export const evolve = (state: State, event: DomainEvent): State => evolveAll(state, [event])

/** The state a history of events folds into. */
export const replay = (events: Iterable<DomainEvent>): State => evolveAll(initialState, events)

/** The state after recorded envelopes, or a problem with the index of the impossible event (nothing kept). */
export const evolveRecorded = (
  state: State,
  envelopes: ReadonlyArray<DomainEvent & { readonly recordedAt: Timestamp }>,
): { readonly state: State } | { readonly problem: string; readonly index: number } => {
  const fold = startFold(state)
  for (const [index, envelope] of envelopes.entries()) {
    const problem = fold.apply(envelope, envelope.recordedAt)
    if (problem !== undefined) return { problem, index }
  }
  return { state: fold.result() }
}
