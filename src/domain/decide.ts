/**
 * Deciding commands: the events that record a parsed command (parse-command.ts), or a domain
 * error. Pure; over parsed commands it never throws.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as A from 'fp-ts/lib/ReadonlyArray.js'
import type {
  CreateRelease,
  Command,
  ImportSnapshot,
  ReconcileSnapshot,
  RecoverRelease,
  UpdatePhase,
} from './commands.js'
import { type DomainError, invalidInput, invalidTransition } from './errors.js'
import type { DomainEvent, ReleaseChange } from './events.js'
import { parseReleaseId, sameCommit } from './input.js'
import { newTexts } from './parse-command.js'
import {
  allPending,
  canTransition,
  isFinalStatus,
  nextStatuses,
  PHASES,
  type PhaseStatus,
  type ReleasePhase,
} from './phase.js'
import { sameReleases } from './projection.js'
import { supersededBy } from './in-progress.js'
import { findRelease } from './queries.js'
import { rollbackCandidate } from './rollback.js'
import { type Release, type StoredRelease, storedForm } from './release.js'
import { nextReleaseId } from './release-id.js'
import { requested } from './request-decision.js'
import { showValue } from './show.js'
import { latestEpochMs, releaseCount, type State } from './state.js'
import { fieldsKey } from './top-level-fields.js'
import { formatTimestamp } from './timestamp.js'

type Decision = E.Either<DomainError, ReadonlyArray<DomainEvent>>

const optional = <A>(
  raw: unknown,
  parse: (raw: unknown) => E.Either<DomainError, A>,
): E.Either<DomainError, A | undefined> => (raw === undefined ? E.right(undefined) : parse(raw))

/** The release a new one redeploys: a valid rollback target of the same build, or `history` would mislabel it. */
const rollbackOrigin = (
  state: State,
  environment: string,
  version: string,
  commitSha: string,
  named: string | undefined,
): E.Either<DomainError, Release | undefined> =>
  optional(named, (id) =>
    pipe(
      findRelease(state, id),
      E.chain((release) =>
        release.environment === environment
          ? rollbackCandidate(state, environment, release.id)
          : E.left(
              invalidInput(
                `release ${release.id} belongs to environment ${release.environment}; a release of ` +
                  `${environment} cannot be a rollback of it`,
              ),
            ),
      ),
      E.chain((release) => {
        if (release.version !== version)
          return E.left(
            invalidInput(
              `release ${release.id} is version ${showValue(release.version)}, not ${showValue(version)}: ` +
                'a rollback redeploys the release it names',
            ),
          )
        if (release.commitSha !== '' && commitSha !== '' && !sameCommit(release.commitSha, commitSha)) {
          return E.left(
            invalidInput(
              `release ${release.id} is commit ${release.commitSha}, not ${commitSha}: a rollback ` +
                'redeploys the release it names',
            ),
          )
        }
        return E.right(release)
      }),
    ),
  )

const createRelease = (command: CreateRelease, state: State): Decision =>
  pipe(
    newTexts(command, state),
    E.chain(() => rollbackOrigin(state, command.environment, command.version, command.commitSha, command.rollbackOf)),
    E.bindTo('rollbackOf'),
    E.bind('supersedes', () => supersededBy(command, state)),
    E.bind('next', () => nextReleaseId(command.now, latestEpochMs(state.current), (id) => state.releases.has(id))),
    E.map(({ rollbackOf, supersedes, next }): ReadonlyArray<DomainEvent> => {
      const { environment, version, commitSha, note } = command
      const previousId = state.current.get(environment)?.id
      const release: Release = {
        id: next.id,
        environment,
        version,
        commitSha,
        timestamp: formatTimestamp(next.epochMs),
        phases: allPending(),
        ...(previousId === undefined ? {} : { previousId }),
      }
      return [
        {
          type: 'ReleaseCreated',
          data: {
            release,
            ...(rollbackOf === undefined ? {} : { rollbackOf: rollbackOf.id }),
            ...(note === undefined ? {} : { note }),
            ...(supersedes === undefined ? {} : { supersedes }),
          },
        },
      ]
    }),
  )

/** A create's arguments as a request id records them; `rollbackOf` as given, since it may no longer be a target. */
const createArguments = (command: CreateRelease) =>
  pipe(
    optional(command.rollbackOf, parseReleaseId),
    E.map((rollbackOf) => [
      command.environment,
      command.version,
      command.commitSha,
      rollbackOf ?? null,
      command.note ?? null,
    ]),
  )

const transition = (
  release: Release,
  phase: ReleasePhase,
  to: PhaseStatus,
  reason: string | undefined,
  recovery = false,
): Decision => {
  const from = release.phases[phase]
  if (from === to) return E.right([]) // an idempotent retry: nothing happened
  if (!canTransition(from, to)) {
    const allowed = isFinalStatus(from)
      ? `${from} is final`
      : `from ${from} it can go to ${nextStatuses(from).join(', ')}`
    return E.left(
      invalidTransition(`phase ${phase} of release ${release.id} cannot go from ${from} to ${to}: ${allowed}`),
    )
  }
  return E.right([
    {
      type: 'PhaseUpdated',
      data: {
        releaseId: release.id,
        phase,
        from,
        to,
        ...(reason === undefined ? {} : { reason }),
        ...(recovery ? { recovery } : {}),
      },
    },
  ])
}

const updateArguments = (command: UpdatePhase, state: State) =>
  pipe(
    findRelease(state, command.releaseId),
    E.map((release) => [release.id, command.phase, command.status, command.reason ?? null]),
  )

const updatePhase = (command: UpdatePhase, state: State): Decision =>
  pipe(
    findRelease(state, command.releaseId),
    E.chain((release) => transition(release, command.phase, command.status, command.reason)),
  )

// A phase that was running when its orchestrator died did not finish; one that never started never will.
const RECOVERED: Partial<Record<PhaseStatus, PhaseStatus>> = { running: 'failed', pending: 'skipped' }

const recoverArguments = (command: RecoverRelease, state: State) =>
  pipe(
    findRelease(state, command.releaseId),
    E.map((release) => [release.id, command.reason]),
  )

const recoverRelease = (command: RecoverRelease, state: State): Decision =>
  pipe(
    findRelease(state, command.releaseId),
    E.chain((release) =>
      pipe(
        PHASES,
        A.filterMap((phase) => {
          const to = RECOVERED[release.phases[phase]]
          return to === undefined
            ? { _tag: 'None' as const }
            : { _tag: 'Some' as const, value: transition(release, phase, to, command.reason, true) }
        }),
        A.sequence(E.Applicative),
        E.map(A.flatten),
      ),
    ),
  )

const importSnapshot = (command: ImportSnapshot, state: State): Decision => {
  const count = releaseCount(state)
  if (count > 0)
    return E.left(invalidInput(`the history already holds ${count} releases; an import can only start a new history`))
  const { releases, otherFields, otherFieldsJson } = command.snapshot
  return E.right([
    {
      type: 'SnapshotImported',
      data: {
        releases,
        ...(Object.keys(otherFields).length > 0 ? { otherFields } : {}),
        ...(otherFieldsJson === undefined || otherFieldsJson.length === 0 ? {} : { otherFieldsJson }),
        ...(command.source === undefined ? {} : { source: command.source }),
      },
    },
  ])
}

/** Releases grouped by id, in the order given (a Go-written file may hold several under one id). */
export const groupById = (
  releases: ReadonlyArray<StoredRelease>,
): ReadonlyMap<string, ReadonlyArray<StoredRelease>> => {
  const groups = new Map<string, StoredRelease[]>()
  for (const release of releases) groups.set(release.id, [...(groups.get(release.id) ?? []), release])
  return groups
}

/** The differences between the state and a snapshot, one change per id whose releases differ. */
export const snapshotChanges = (state: State, releases: ReadonlyArray<StoredRelease>): ReadonlyArray<ReleaseChange> => {
  const after = groupById(releases)
  const ids = [...new Set([...state.releases.keys(), ...after.keys()])].sort()
  return ids.flatMap((id) => {
    const before = state.releases.get(id as Release['id']) ?? []
    const now = after.get(id) ?? []
    // The state's releases keep `preserved` out of sight; the event records it.
    return sameReleases(before, now)
      ? []
      : [{ releaseId: id as Release['id'], before: before.map(storedForm), after: now }]
  })
}

const reconcileSnapshot = (command: ReconcileSnapshot, state: State): Decision => {
  const changes = snapshotChanges(state, command.snapshot.releases)
  const { otherFields, otherFieldsJson } = command.snapshot
  if (changes.length === 0 && fieldsKey(command.snapshot) === fieldsKey(state)) return E.right([])
  const texts = otherFieldsJson === undefined || otherFieldsJson.length === 0 ? {} : { otherFieldsJson }
  const source = command.source === undefined ? {} : { source: command.source }
  return E.right([{ type: 'SnapshotReconciled', data: { changes, otherFields, ...texts, ...source } }])
}

/** Decides a parsed command against the state: the events that record it, or why it cannot happen. */
export const decide = (command: Command, state: State): Decision => {
  switch (command.type) {
    case 'CreateRelease':
      return requested(
        command,
        state,
        () => createArguments(command),
        () => createRelease(command, state),
      )
    case 'UpdatePhase':
      return requested(
        command,
        state,
        () => updateArguments(command, state),
        () => updatePhase(command, state),
      )
    case 'RecoverRelease':
      return requested(
        command,
        state,
        () => recoverArguments(command, state),
        () => recoverRelease(command, state),
      )
    case 'ImportSnapshot':
      return importSnapshot(command, state)
    case 'ReconcileSnapshot':
      return reconcileSnapshot(command, state)
  }
}
