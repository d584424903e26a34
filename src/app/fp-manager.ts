/**
 * The state manager as fp-ts `TaskEither`s: the imperative shell that wires the pure domain to a
 * store. Reads catch up from where the last read ended; every write goes through one command
 * handler: under the store's lock it catches up, lets the store prepare (an import, a drift check),
 * decides, appends, and returns what it recorded.
 */
import { randomFillSync } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import type * as IOE from 'fp-ts/lib/IOEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { monotonicFactory } from 'ulid'
import { checkedBag, checkedTime } from './arguments.js'
import { type HistoryEvent, history, stateAt } from './audit.js'
import type { Command } from '../domain/commands.js'
import { decide } from '../domain/decide.js'
import { requestIdOf } from '../domain/request-decision.js'
import type { DomainError } from '../domain/errors.js'
import { type DomainEvent, envelope, type EventEnvelope, type EventMetadata, type Ulid } from '../domain/events.js'
import { currentRelease, findRelease, listAllReleases, releasesOf } from '../domain/queries.js'
import type { Release } from '../domain/release.js'
import { isAbandoned } from '../domain/release-status.js'
import { rollbackTarget } from '../domain/rollback.js'
import { releaseCount, type State } from '../domain/state.js'
import { parseInstant, type Timestamp } from '../domain/timestamp.js'
import { kindOf, quote } from '../domain/show.js'
import { StateError } from '../domain/state-error.js'
import { readClock, type ResolvedOptions, resolveOptions, type StateManagerOptions } from './options.js'
import { settled } from '../store/attempt.js'
import {
  emptyLoaded,
  type ForeignSeen,
  type Intent,
  type Loaded,
  type Prepared,
  type ReconcileOutcome,
  type WriteSession,
} from '../store/event-store.js'
import { foreignWarnings, refusedWrite } from '../store/foreign-events.js'
import { unreadableLine } from '../store/log-line.js'
import { acceptedChanges, acceptedFields } from '../store/snapshot-owner.js'
import { fingerprintOf } from '../store/snapshot-file.js'
import { verifyStore } from './verify.js'
import type { FpStateManager, Recorded } from './api.js'
import { MODULE_VERSION } from './version.js'

/**
 * Random fractions for the random part of ULIDs, from node:crypto's generator, drawn a pool at a
 * time: ulid's default reads Web Crypto, which Node loads on first use (milliseconds of every
 * command a deploy tool runs in a new process).
 */
const randomFractions = (): (() => number) => {
  const pool = new Uint8Array(256)
  let next = pool.length
  return () => {
    if (next === pool.length) {
      randomFillSync(pool)
      next = 0
    }
    return (pool[next++] as number) / 256
  }
}

const fromDomain = <A>(either: E.Either<DomainError, A>): TE.TaskEither<StateError, A> =>
  TE.fromEither(pipe(either, E.mapLeft(StateError.fromDomain)))

// Recorded times never go backwards, so "the state at 14:02" is a prefix of the log.
const recordedAt = (nowMs: number, last: Timestamp | undefined): Timestamp => {
  const lastMs = last === undefined ? nowMs : (parseInstant(last)?.epochMs ?? nowMs)
  return new Date(Math.max(nowMs, lastMs)).toISOString() as Timestamp
}

/** What a command handler run recorded: the store after it, and its events with their positions. */
interface Handled {
  readonly after: Loaded
  readonly events: ReadonlyArray<HistoryEvent>
  readonly prepared: Prepared
}

/** A manager over already checked options. */
export const fpStateManagerWith = (config: ResolvedOptions): FpStateManager => {
  const { store } = config
  const snapshot = store.snapshotFile
  const nextEventId = monotonicFactory(randomFractions())
  // The longest view of the store read so far, and the one read in progress; writes one at a time.
  let view: Loaded = emptyLoaded(store.origin)
  let refreshing: Promise<E.Either<StateError, Loaded>> | undefined
  let writes: Promise<unknown> = Promise.resolve()

  // Reads and writes may finish in any order; each view is a prefix of one log, so the longer wins.
  const adopt = (next: Loaded): Loaded => {
    if (next.cursor.position >= view.cursor.position) view = next
    return view
  }

  // Events of a newer version: each read says what it skipped, once per manager for as many as it has seen.
  let foreignWarned = 0
  const warnForeign = (seen: ForeignSeen | undefined): void => {
    if (seen === undefined || seen.count + seen.unfolded <= foreignWarned) return
    foreignWarned = seen.count + seen.unfolded
    for (const message of foreignWarnings(seen)) config.warn(message)
  }

  const refresh: TE.TaskEither<StateError, Loaded> = () => {
    refreshing ??= settled(
      pipe(
        store.load(view),
        TE.map(adopt),
        TE.tapIO((loaded) => () => warnForeign(loaded.foreign)),
      ),
    )().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  // Read when a task runs, not when it is built: an fp-ts caller may build a task long before.
  const clock: IOE.IOEither<StateError, number> = () => pipe(readClock(config.now), E.mapLeft(StateError.fromDomain))

  /** The events of one command, enveloped: one command id, one time, numbered when more than one. */
  const envelopesOf = (
    events: ReadonlyArray<DomainEvent>,
    nowMs: number,
    last: Timestamp | undefined,
  ): ReadonlyArray<EventEnvelope> => {
    if (events.length === 0) return []
    const command = nextEventId(Math.max(0, nowMs)) as Ulid
    const at = recordedAt(nowMs, last)
    const common = {
      actor: config.actor,
      host: config.host,
      pid: process.pid as EventMetadata['pid'],
      command,
      writer: MODULE_VERSION,
    }
    const meta: EventMetadata =
      events.length > 1 ? { ...common, events: events.length as NonNullable<EventMetadata['events']> } : common
    return events.map((event) => envelope(event, { id: nextEventId(Math.max(0, nowMs)) as Ulid, recordedAt: at, meta }))
  }

  // One write at a time per manager: queued here, not by polling the store's lock.
  const serialized =
    <A>(task: TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
    () => {
      const run = writes.then(task, task)
      writes = run
      return run
    }

  /**
   * Runs `work` under the store's lock, on the store caught up, with the clock read once. A manager
   * that has read nothing yet opens the store first, without the lock: the lock is then held only
   * to catch up with what others appended meanwhile, not to read a checkpoint.
   */
  const underLock = <A>(
    work: (session: WriteSession, loaded: Loaded, nowMs: number) => TE.TaskEither<StateError, A>,
  ): TE.TaskEither<StateError, A> =>
    serialized(
      settled(
        pipe(
          TE.fromIOEither(clock),
          TE.chainFirst(() => (view.cursor.position === 0 ? refresh : TE.right(view))),
          TE.chain((nowMs) =>
            store.write((session) =>
              pipe(
                session.load(view),
                // Nothing is recorded on top of events this version cannot interpret.
                TE.chainFirstEitherK((loaded) => {
                  const refused = refusedWrite(loaded)
                  return refused === undefined ? E.right(loaded) : E.left(refused)
                }),
                TE.chain((loaded) => work(session, loaded, nowMs)),
              ),
            ),
          ),
        ),
      ),
    )

  /** Appends what was prepared and decided, as one command; what it recorded, numbered from where the store ended. */
  const record = (
    session: WriteSession,
    prepared: Prepared,
    events: ReadonlyArray<DomainEvent>,
    nowMs: number,
  ): TE.TaskEither<StateError, Handled> => {
    const envelopes = envelopesOf([...prepared.pending, ...events], nowMs, prepared.loaded.lastRecordedAt)
    const start = prepared.loaded.cursor.position
    const unreadable = unreadableLine(envelopes)
    if (unreadable !== undefined) {
      return TE.left(
        new StateError(
          'INVALID_INPUT',
          `the command is refused: ${unreadable} (a value it names is too long, such as a release id imported from releases.json); nothing was recorded`,
        ),
      )
    }
    return pipe(
      session.append(prepared, envelopes),
      TE.map((after) => {
        adopt(after)
        return { after, events: envelopes.map((recorded, i) => ({ ...recorded, position: start + i + 1 })), prepared }
      }),
    )
  }

  /**
   * The command handler: under the lock, let the store prepare what it must record first, decide
   * `command` (none: record only that), append, and give back what was recorded. A refused
   * command writes nothing.
   */
  const handle = (
    intent: Intent,
    command: ((nowMs: number) => Command) | undefined,
  ): TE.TaskEither<StateError, Handled> =>
    underLock((session, loaded, nowMs) =>
      pipe(
        session.prepare(loaded, intent),
        TE.chain((prepared) =>
          pipe(
            command === undefined ? TE.right([]) : fromDomain(decide(command(nowMs), prepared.state)),
            TE.chain((events) => record(session, prepared, events, nowMs)),
          ),
        ),
      ),
    )

  /** A write about one release: what it recorded, with the release as it is after. */
  const recorded = (handled: Handled, releaseId: string): TE.TaskEither<StateError, Recorded> =>
    pipe(
      fromDomain(findRelease(handled.after.state, releaseId)),
      TE.map((release) => ({ release, events: handled.events, position: handled.after.cursor.position })),
    )

  // A retried create records nothing: its release is the one its request id's first use created.
  const createdId = (handled: Handled, requestId: unknown): string => {
    const created = handled.events.find((event) => event.type === 'ReleaseCreated')
    if (created?.type === 'ReleaseCreated') return created.data.release.id
    const id = requestIdOf({ requestId })
    return (
      (E.isRight(id) && id.right !== undefined
        ? handled.prepared.state.requests.get(id.right)?.releaseId
        : undefined) ?? ''
    )
  }

  const query = <A>(ask: (state: State) => E.Either<DomainError, A>): TE.TaskEither<StateError, A> =>
    settled(
      pipe(
        refresh,
        TE.chain((loaded) => fromDomain(ask(loaded.state))),
      ),
    )

  const abandoned = (environment: string | undefined): TE.TaskEither<StateError, ReadonlyArray<Release>> =>
    pipe(
      TE.fromIOEither(clock),
      TE.chain((nowMs) =>
        query((state) =>
          pipe(
            environment === undefined ? E.right(listAllReleases(state)) : releasesOf(state, environment),
            E.map((releases) => releases.filter((release) => isAbandoned(release, nowMs, config.abandonedAfterMs))),
          ),
        ),
      ),
    )

  // Neither an event log nor a releases.json: an import or a reconcile has nothing to work on,
  // and must not create the state directory (or a lock) to find that out.
  const nothingStored = (path: string): TE.TaskEither<StateError, boolean> =>
    pipe(
      refresh,
      TE.map((current) => current.cursor.position === 0 && fingerprintOf(path) === undefined),
    )

  /** Work on the store's own releases.json; `whenNothingStored` answers, writing nothing, when there is neither it nor an event log. */
  const onOwnSnapshot = <A>(
    whenNothingStored: TE.TaskEither<StateError, A>,
    work: TE.TaskEither<StateError, A>,
  ): TE.TaskEither<StateError, A> =>
    snapshot?.guarded !== true
      ? TE.left(
          new StateError(
            'INVALID_INPUT',
            `${store.description} keeps no releases.json of its own to import or reconcile`,
          ),
        )
      : pipe(
          nothingStored(snapshot.path),
          TE.chain((empty) => (empty ? whenNothingStored : work)),
        )

  const restore: TE.TaskEither<StateError, ReconcileOutcome> = underLock((session, loaded, nowMs) => {
    if (loaded.cursor.position === 0) {
      return TE.left(
        new StateError(
          'INVALID_INPUT',
          `${snapshot?.path ?? ''} has no event log to restore it from yet; it becomes the start of the history on the first write (or with import)`,
        ),
      )
    }
    if (session.restore === undefined)
      return TE.left(
        new StateError('INVALID_INPUT', `${store.description} keeps no releases.json of its own to restore`),
      )
    adopt(loaded)
    return session.restore(loaded, new Date(nowMs))
  })

  return {
    stateFile: snapshot?.path,
    location: store.description,
    createRelease: (environment, version, commitSha, options) =>
      pipe(
        checkedBag('createRelease', options),
        TE.chain((extra) =>
          pipe(
            handle('command', (now) => ({
              type: 'CreateRelease',
              environment,
              version,
              commitSha,
              rollbackOf: extra.rollbackOf,
              note: extra.note,
              now,
              requestId: extra.requestId,
            })),
            TE.chain((handled) => recorded(handled, createdId(handled, extra.requestId))),
          ),
        ),
      ),
    updatePhase: (releaseId, phase, status, options) =>
      pipe(
        checkedBag('updatePhase', options),
        TE.chain((extra) =>
          handle('command', () => ({
            type: 'UpdatePhase',
            releaseId,
            phase,
            status,
            reason: extra.reason,
            requestId: extra.requestId,
          })),
        ),
        TE.chain((handled) => recorded(handled, releaseId)),
      ),
    recoverRelease: (releaseId, reason, options) =>
      pipe(
        checkedBag('recoverRelease', options),
        TE.chain((extra) =>
          handle('command', () => ({ type: 'RecoverRelease', releaseId, reason, requestId: extra.requestId })),
        ),
        TE.chain((handled) => recorded(handled, releaseId)),
      ),
    getRelease: (id) => query((state) => findRelease(state, id)),
    getCurrentRelease: (environment) => query((state) => currentRelease(state, environment)),
    listReleases: (environment) => query((state) => releasesOf(state, environment)),
    listAllReleases: () => query((state) => E.right(listAllReleases(state))),
    history: (filter) =>
      pipe(
        checkedBag('history', filter),
        TE.chainFirstEitherK((given) =>
          pipe(
            checkedTime('since', given.since),
            E.chain(() => checkedTime('until', given.until)),
          ),
        ),
        TE.chain((given) => history(store, given, warnForeign)),
      ),
    stateAt: (time) =>
      pipe(
        TE.fromEither(checkedTime('time', time, true)),
        TE.chain(() => stateAt(store, time, warnForeign)),
      ),
    rollbackTarget: (environment, target) => query((state) => rollbackTarget(state, environment, target)),
    verify: () => settled(verifyStore(store)),
    abandonedReleases: abandoned,
    state: () => query((state) => E.right(state)),
    importSnapshot: () =>
      onOwnSnapshot(
        TE.right({ imported: 0, recorded: false }),
        pipe(
          handle('command', undefined),
          TE.map((handled) => ({
            imported: handled.events.length > 0 ? releaseCount(handled.after.state) : 0,
            recorded: handled.events.length > 0,
          })),
        ),
      ),
    reconcile: (mode) =>
      mode !== 'accept' && mode !== 'restore'
        ? TE.left(
            new StateError(
              'INVALID_INPUT',
              `reconcile takes 'accept' (record the file's changes in the history) or 'restore' (rewrite the file from the history); got ${typeof mode === 'string' ? quote(mode) : kindOf(mode)}`,
            ),
          )
        : onOwnSnapshot(
            TE.left(
              new StateError(
                'INVALID_INPUT',
                `${snapshot?.path ?? ''}: there is neither a releases.json nor an event log; there is nothing to reconcile`,
              ),
            ),
            mode === 'accept'
              ? pipe(
                  handle('accept', undefined),
                  TE.map((handled) => ({
                    changed: acceptedChanges(handled.prepared.pending),
                    fields: acceptedFields(handled.prepared.loaded.state, handled.prepared.pending),
                  })),
                )
              : restore,
          ),
    close: () => store.close(),
  }
}

/**
 * A state manager whose operations return fp-ts `TaskEither`s; a `Left` `StateError`
 * (`INVALID_INPUT`) names a bad option. Touches no file until the first operation.
 */
export const createFpStateManager = (options: StateManagerOptions = {}): E.Either<StateError, FpStateManager> =>
  pipe(resolveOptions(options), E.map(fpStateManagerWith))
