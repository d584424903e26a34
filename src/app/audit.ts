/**
 * Questions about the past, answered from the event log: the audit trail, the state as it was at
 * an instant, and a full check of the store.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { type DomainError, invalidInput } from '../domain/errors.js'
import type { EventEnvelope } from '../domain/events.js'
import { parseEnvironment, parseReleaseId } from '../domain/input.js'
import type { State } from '../domain/state.js'
import { compareInstants, type Instant, parseInstant } from '../domain/timestamp.js'
import { StateError } from '../domain/state-error.js'
import { emptyLoaded, type EventStore, foldRead, type ForeignSeen, noteForeign, withoutPrev } from '../store/index.js'

/** An event of the audit trail: its envelope and its position in the store. */
export type HistoryEvent = EventEnvelope & { readonly position: number }

/** Which events `history` returns; every given condition must hold. */
export interface HistoryFilter {
  /** Events about this release. */
  readonly releaseId?: string | undefined
  /** Events about releases of this environment. */
  readonly environment?: string | undefined
  /** Recorded at or after this instant. */
  readonly since?: Date | string | undefined
  /** Recorded at or before this instant. */
  readonly until?: Date | string | undefined
}

/** An instant given by a caller: a valid `Date`, or an RFC 3339 string. */
export const parseTime = (what: string, raw: Date | string): E.Either<DomainError, Instant> => {
  if (raw instanceof Date) {
    const ms = raw.getTime()
    return Number.isFinite(ms) ? E.right({ epochMs: ms, nanos: 0 }) : E.left(invalidInput(`${what} is an invalid date`))
  }
  const instant = typeof raw === 'string' ? parseInstant(raw.trim()) : undefined
  return instant === undefined
    ? E.left(
        invalidInput(`${what} ${JSON.stringify(raw)} is not an RFC 3339 timestamp (for example 2025-01-01T14:02:00Z)`),
      )
    : E.right(instant)
}

const optionalTime = (what: string, raw: Date | string | undefined) =>
  raw === undefined ? E.right(undefined) : parseTime(what, raw)
const optionalWith = <A>(raw: unknown, parse: (raw: unknown) => E.Either<DomainError, A>) =>
  raw === undefined ? E.right(undefined) : parse(raw)

/** The releases and environments an event is about. */
const subjectsOf = (
  envelope: EventEnvelope,
  environmentOf: ReadonlyMap<string, string>,
): Array<{ readonly id: string; readonly environment: string | undefined }> => {
  switch (envelope.type) {
    case 'ReleaseCreated':
      return [{ id: envelope.data.release.id, environment: envelope.data.release.environment }]
    case 'PhaseUpdated':
      return [{ id: envelope.data.releaseId, environment: environmentOf.get(envelope.data.releaseId) }]
    case 'SnapshotImported':
      return envelope.data.releases.map((release) => ({ id: release.id, environment: release.environment }))
    case 'SnapshotReconciled':
      return envelope.data.changes.flatMap((change) =>
        [...change.before, ...change.after].map((release) => ({ id: release.id, environment: release.environment })),
      )
    case 'HeadSealed':
      // About the whole log: shown unless the trail is narrowed to a release or an environment.
      return []
  }
}

const rememberEnvironments = (envelope: EventEnvelope, environmentOf: Map<string, string>): void => {
  if (envelope.type === 'ReleaseCreated') environmentOf.set(envelope.data.release.id, envelope.data.release.environment)
  else if (envelope.type === 'SnapshotImported')
    for (const release of envelope.data.releases) environmentOf.set(release.id, release.environment)
  else if (envelope.type === 'SnapshotReconciled')
    for (const change of envelope.data.changes)
      for (const release of change.after) environmentOf.set(release.id, release.environment)
}

/** What a caller of {@link visitHistory} does with each event: go on (undefined) or stop reading. */
export type HistoryVisit = (event: HistoryEvent) => undefined | 'stop'

/**
 * Hands each event that matches `filter` to `visit` as the store reads it, oldest first, holding none: the CLI streams
 * the trail this way. Events before a corrupt record have been handed on when the read fails.
 */
export const visitHistory = (
  store: EventStore,
  filter: HistoryFilter,
  visit: HistoryVisit,
  onForeign: (seen: ForeignSeen) => void = () => undefined,
): TE.TaskEither<StateError, void> =>
  pipe(
    E.Do,
    E.apS('releaseId', optionalWith(filter.releaseId, parseReleaseId)),
    E.apS('environment', optionalWith(filter.environment, parseEnvironment)),
    E.apS('since', optionalTime('since', filter.since)),
    E.apS('until', optionalTime('until', filter.until)),
    E.mapLeft(StateError.fromDomain),
    TE.fromEither,
    TE.chain(({ releaseId, environment, since, until }) => {
      const environmentOf = new Map<string, string>()
      // Events of a newer version are not in the trail: the caller is told what was left out.
      let foreign: ForeignSeen | undefined
      return pipe(
        store.read(store.origin, {
          event: ({ envelope, position }) => {
            rememberEnvironments(envelope, environmentOf)
            const at = parseInstant(envelope.recordedAt) as Instant
            if (since !== undefined && compareInstants(at, since) < 0) return undefined
            if (until !== undefined && compareInstants(at, until) > 0) return 'stop' // recorded times never decrease
            const subjects = subjectsOf(envelope, environmentOf)
            // As given, or trimmed: an id or environment an older file holds may have blanks around it.
            if (releaseId !== undefined && !subjects.some((s) => s.id === releaseId || s.id === filter.releaseId))
              return undefined
            if (
              environment !== undefined &&
              !subjects.some((s) => [environment, filter.environment].includes(s.environment))
            )
              return undefined
            return visit({ ...withoutPrev(envelope), position } as HistoryEvent)
          },
          foreign: (event) => {
            foreign = noteForeign(foreign, event)
            return undefined
          },
        }),
        TE.map(() => {
          if (foreign !== undefined) onForeign(foreign)
        }),
      )
    }),
  )

/** The events that match `filter`, oldest first. */
export const history = (
  store: EventStore,
  filter: HistoryFilter = {},
  onForeign: (seen: ForeignSeen) => void = () => undefined,
): TE.TaskEither<StateError, ReadonlyArray<HistoryEvent>> => {
  const found: HistoryEvent[] = []
  return pipe(
    visitHistory(
      store,
      filter,
      (event) => {
        found.push(event)
        return undefined
      },
      onForeign,
    ),
    TE.map(() => found),
  )
}

/** The state as the event log had it at `time`: every event recorded at or before it. */
export const stateAt = (
  store: EventStore,
  time: Date | string,
  onForeign: (seen: ForeignSeen) => void = () => undefined,
): TE.TaskEither<StateError, State> =>
  pipe(
    TE.fromEither(pipe(parseTime('time', time), E.mapLeft(StateError.fromDomain))),
    TE.chain((instant) =>
      foldRead(store.read, emptyLoaded(store.origin), {
        watch: ({ envelope }) =>
          compareInstants(parseInstant(envelope.recordedAt) as Instant, instant) > 0 ? 'stop' : undefined,
      }),
    ),
    TE.map((loaded) => {
      if (loaded.foreign !== undefined) onForeign(loaded.foreign)
      return loaded.state
    }),
  )
