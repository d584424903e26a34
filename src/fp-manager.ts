/**
 * The state manager as fp-ts `TaskEither`s: the imperative shell that wires the pure domain to a
 * store. Reads refresh from where the last read ended; writes run under the store's lock, catch
 * up with what others appended, check the snapshot, decide, append, and replace the snapshot.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as IOE from 'fp-ts/lib/IOEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { monotonicFactory } from 'ulid'
import { type HistoryEvent, type HistoryFilter, history, stateAt } from './audit.js'
import type { Command } from './domain/commands.js'
import { decide } from './domain/decide.js'
import { type DomainError, invalidInput } from './domain/errors.js'
import { kindOf, quote } from './domain/show.js'
import { checkedBag, checkedTime } from './arguments.js'
import { type DomainEvent, envelope, type EventMetadata, type Ulid } from './domain/events.js'
import { evolveAll } from './domain/evolve.js'
import { snapshotScratch } from './domain/projection.js'
import { currentRelease, findRelease, listAllReleases, releasesOf } from './domain/queries.js'
import type { Release } from './domain/release.js'
import { releaseStatus } from './domain/release-status.js'
import { type RollbackTarget, rollbackTarget } from './domain/rollback.js'
import { releaseCount, type State } from './domain/state.js'
import { epochMsOf, parseInstant, type Timestamp } from './domain/timestamp.js'
import { StateError } from './errors.js'
import { type Activity, emptyLoaded, type Loaded, noteActivity, readOn } from './loaded-state.js'
import { readClock, type ResolvedOptions, resolveOptions, type StateManagerOptions } from './options.js'
import { acceptSnapshot, type GuardContext, inStep, type KnownSnapshot, prepareSnapshot, readUnimported, type ReconcileOutcome, recordPrepared, restoreSnapshot, writeSnapshot } from './snapshot-guard.js'
import type { WriteSession } from './store/event-store.js'
import { type Fingerprint, fingerprintOf } from './store/snapshot-file.js'
import { type VerifyReport, verifyStore } from './verify.js'

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
}

/** Extra facts recorded with a phase change. */
export interface UpdatePhaseOptions {
  readonly reason?: string | undefined
}

/** The state manager's operations as `TaskEither`s; the Promise API is a thin layer over these. */
export interface FpStateManager {
  /** The snapshot file this manager keeps, if any (always, for the file store). */
  readonly stateFile: string | undefined
  /** What and where the store is, for messages. */
  readonly location: string
  readonly createRelease: (environment: string, version: string, commitSha?: string, options?: CreateReleaseOptions) => TE.TaskEither<StateError, Release>
  readonly getRelease: (id: string) => TE.TaskEither<StateError, Release>
  readonly getCurrentRelease: (environment: string) => TE.TaskEither<StateError, Release>
  readonly updatePhase: (releaseId: string, phase: string, status: string, options?: UpdatePhaseOptions) => TE.TaskEither<StateError, Release>
  readonly recoverRelease: (releaseId: string, reason: string) => TE.TaskEither<StateError, Release>
  readonly listReleases: (environment: string) => TE.TaskEither<StateError, ReadonlyArray<Release>>
  readonly listAllReleases: () => TE.TaskEither<StateError, ReadonlyArray<Release>>
  readonly history: (filter?: HistoryFilter) => TE.TaskEither<StateError, ReadonlyArray<HistoryEvent>>
  readonly stateAt: (time: Date | string) => TE.TaskEither<StateError, State>
  readonly rollbackTarget: (environment: string, target: RollbackTarget) => TE.TaskEither<StateError, Release>
  readonly verify: () => TE.TaskEither<StateError, VerifyReport>
  /** Makes a `releases.json` that has no event log the start of the history now (else the first write does). */
  readonly importSnapshot: () => TE.TaskEither<StateError, { readonly imported: number }>
  /** Resolves `STATE_DRIFT`: `accept` records the file's changes as events; `restore` rewrites the file from the log. */
  readonly reconcile: (mode: 'accept' | 'restore') => TE.TaskEither<StateError, ReconcileOutcome>
  /**
   * Releases still in progress with no event for longer than `abandonedAfterMs`: probably left
   * behind by a crashed or killed orchestrator (close them out with `recoverRelease`).
   */
  readonly abandonedReleases: (environment?: string) => TE.TaskEither<StateError, ReadonlyArray<Release>>
  /** The current state, refreshed: read-only (its maps cannot be changed, its lists and releases are frozen), shared, never copied. */
  readonly state: () => TE.TaskEither<StateError, State>
  readonly close: () => Promise<void>
}

const fromDomain = <A>(either: E.Either<DomainError, A>): TE.TaskEither<StateError, A> => TE.fromEither(pipe(either, E.mapLeft(StateError.fromDomain)))

/** A manager over already checked options. */
export const fpStateManagerWith = (config: ResolvedOptions): FpStateManager => {
  const { store, snapshot } = config
  const guarded = snapshot?.guarded === true ? snapshot.path : undefined
  const nextEventId = monotonicFactory()
  const known: KnownSnapshot = { fingerprint: undefined, position: 0 }
  // The buffer the snapshot is assembled in: reused by every write (they are serialised).
  const scratch = snapshotScratch()
  const unimported: { fingerprint?: Fingerprint; state?: State } = {}
  let loaded: Loaded = emptyLoaded(store.origin)
  const activity: Activity = new Map()
  let refreshing: Promise<E.Either<StateError, Loaded>> | undefined
  let writes: Promise<unknown> = Promise.resolve()

  // Reads and writes may finish in any order; each view is a prefix of one log, so the longer wins.
  const adopt = (view: Loaded): Loaded => {
    if (view.cursor.position >= loaded.cursor.position) loaded = view
    return loaded
  }

  const refresh: TE.TaskEither<StateError, Loaded> = () => {
    refreshing ??= pipe(readOn(store.read, loaded, activity), TE.map(adopt))().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  const view: TE.TaskEither<StateError, State> = pipe(
    refresh,
    TE.chain((current) => (current.cursor.position === 0 && guarded !== undefined ? readUnimported(guarded, unimported) : TE.right(current.state))),
  )

  // Read when a task runs, not when it is built: an fp-ts caller may build a task long before.
  const clock: IOE.IOEither<StateError, number> = () => pipe(readClock(config.now), E.mapLeft(StateError.fromDomain))

  // Recorded times never go backwards, so "the state at 14:02" is a prefix of the log.
  const recordedAt = (nowMs: number, last: Timestamp | undefined): Timestamp => {
    const lastMs = last === undefined ? nowMs : (parseInstant(last)?.epochMs ?? nowMs)
    return new Date(Math.max(nowMs, lastMs)).toISOString() as Timestamp
  }

  const recorder =
    (session: WriteSession, nowMs: number) =>
    (from: Loaded, events: ReadonlyArray<DomainEvent>): TE.TaskEither<StateError, Loaded> => {
      if (events.length === 0) return TE.right(from)
      const command = nextEventId(Math.max(0, nowMs)) as Ulid
      const at = recordedAt(nowMs, from.lastRecordedAt)
      const common = { actor: config.actor, host: config.host, pid: process.pid as EventMetadata['pid'], command }
      const meta: EventMetadata = events.length > 1 ? { ...common, events: events.length as NonNullable<EventMetadata['events']> } : common
      const envelopes = events.map((event) => envelope(event, { id: nextEventId(Math.max(0, nowMs)) as Ulid, recordedAt: at, meta }))
      return pipe(
        session.append(from.cursor, envelopes),
        TE.map((cursor) => {
          for (const recorded of envelopes) noteActivity(activity, recorded)
          return { state: evolveAll(from.state, events), cursor, lastRecordedAt: at }
        }),
      )
    }

  // One write at a time per manager: queued here, not by polling the file lock.
  const serialized = <A>(task: TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> => () => {
    const run = writes.then(task, task)
    writes = run
    return run
  }

  /** Runs `work` under the lock, on the view caught up with the log. */
  const locked = <A>(work: (context: GuardContext, current: Loaded, nowMs: number) => TE.TaskEither<StateError, { view: Loaded; value: A }>): TE.TaskEither<StateError, A> =>
    serialized(
      pipe(
        TE.fromIOEither(clock),
        TE.chain((nowMs) =>
          store.write((session) =>
            pipe(
              readOn(session.read, loaded, activity),
              TE.chain((current) => {
                const context: GuardContext = { path: snapshot?.path ?? '', eventLog: snapshot?.eventLog, session, origin: store.origin, record: recorder(session, nowMs), warn: config.warn, known }
                return work(context, current, nowMs)
              }),
            ),
          ),
        ),
        TE.map(({ view: after, value }) => {
          adopt(after)
          return value
        }),
      ),
    )

  const rewrite = snapshot === undefined ? undefined : (context: GuardContext) => (after: Loaded) => writeSnapshot(context, after, scratch)

  /**
   * Decides a command under the lock on the state the snapshot check prepared (an import of a
   * releases.json that has no log yet comes first), then records the prepared events and the
   * command's in one append and replaces the snapshot. A refused command writes nothing.
   */
  const execute = <A>(command: (nowMs: number) => Command, answer: (state: State, events: ReadonlyArray<DomainEvent>) => E.Either<DomainError, A>): TE.TaskEither<StateError, A> =>
    locked((context, current, nowMs) =>
      pipe(
        guarded === undefined ? TE.right(inStep(current)) : prepareSnapshot(context, current),
        TE.chain((prepared) =>
          pipe(
            fromDomain(decide(command(nowMs), prepared.state)),
            TE.chain((events) =>
              pipe(
                recordPrepared(context, prepared, events, rewrite?.(context)),
                TE.chain((after) => pipe(fromDomain(answer(after.state, events)), TE.map((value) => ({ view: after, value })))),
              ),
            ),
          ),
        ),
      ),
    )

  const createdRelease = (state: State, events: ReadonlyArray<DomainEvent>): E.Either<DomainError, Release> => {
    const created = events.find((event) => event.type === 'ReleaseCreated')
    return created?.type === 'ReleaseCreated' ? findRelease(state, created.data.release.id) : E.left(invalidInput('no release was created'))
  }

  const abandoned = (environment: string | undefined): TE.TaskEither<StateError, ReadonlyArray<Release>> =>
    pipe(
      TE.fromIOEither(clock),
      TE.chain((nowMs) =>
        pipe(
          view,
          TE.chain((state) => fromDomain(environment === undefined ? E.right(listAllReleases(state)) : releasesOf(state, environment))),
          TE.map((releases) =>
            releases.filter((release) => {
              if (releaseStatus(release) !== 'in progress') return false
              const last = activity.get(release.id) ?? epochMsOf(release.timestamp)
              return nowMs - last > config.abandonedAfterMs
            }),
          ),
        ),
      ),
    )

  const query = <A>(ask: (state: State) => E.Either<DomainError, A>): TE.TaskEither<StateError, A> => pipe(view, TE.chain((state) => fromDomain(ask(state))))

  // Neither an event log nor a releases.json: an import or a reconcile has nothing to work on,
  // and must not create the state directory (or a lock) to find that out.
  const nothingStored = (path: string): TE.TaskEither<StateError, boolean> =>
    pipe(
      refresh,
      TE.map((current) => current.cursor.position === 0 && fingerprintOf(path) === undefined),
    )

  /**
   * Work on the store's own releases.json (the file store's) under the lock; `whenNothingStored`
   * answers, writing nothing, when there is neither that file nor an event log.
   */
  const onOwnSnapshot = <A>(whenNothingStored: TE.TaskEither<StateError, A>, work: Parameters<typeof locked<A>>[0]): TE.TaskEither<StateError, A> =>
    guarded === undefined
      ? TE.left(new StateError('INVALID_INPUT', `${store.description} keeps no releases.json of its own to import or reconcile`))
      : pipe(
          nothingStored(guarded),
          TE.chain((empty) => (empty ? whenNothingStored : locked(work))),
        )

  return {
    stateFile: snapshot?.path,
    location: store.description,
    createRelease: (environment, version, commitSha, options) =>
      pipe(
        checkedBag('createRelease', options),
        TE.chain((extra) => execute((now) => ({ type: 'CreateRelease', environment, version, commitSha, rollbackOf: extra.rollbackOf, note: extra.note, now }), createdRelease)),
      ),
    updatePhase: (releaseId, phase, status, options) =>
      pipe(
        checkedBag('updatePhase', options),
        TE.chain((extra) => execute(() => ({ type: 'UpdatePhase', releaseId, phase, status, reason: extra.reason }), (state) => findRelease(state, releaseId))),
      ),
    recoverRelease: (releaseId, reason) => execute(() => ({ type: 'RecoverRelease', releaseId, reason }), (state) => findRelease(state, releaseId)),
    getRelease: (id) => query((state) => findRelease(state, id)),
    getCurrentRelease: (environment) => query((state) => currentRelease(state, environment)),
    listReleases: (environment) => query((state) => pipe(releasesOf(state, environment), E.map((releases) => [...releases]))),
    listAllReleases: () => query((state) => E.right(listAllReleases(state))),
    rollbackTarget: (environment, target) => query((state) => rollbackTarget(state, environment, target)),
    history: (filter) =>
      pipe(
        checkedBag('history', filter),
        TE.chainFirstEitherK((given) => pipe(checkedTime('since', given.since), E.chain(() => checkedTime('until', given.until)))),
        TE.chain((given) => history(store, given)),
      ),
    stateAt: (time) => pipe(TE.fromEither(checkedTime('time', time, true)), TE.chain(() => stateAt(store, time))),
    verify: () => verifyStore(store, guarded, snapshot?.eventLog),
    abandonedReleases: abandoned,
    state: () => view,
    importSnapshot: () =>
      onOwnSnapshot(TE.right({ imported: 0 }), (context, current) =>
        pipe(
          prepareSnapshot(context, current),
          TE.chain((prepared) => recordPrepared(context, prepared, [], rewrite?.(context))),
          TE.map((after) => ({ view: after, value: { imported: after.cursor.position > current.cursor.position ? releaseCount(after.state) : 0 } })),
        ),
      ),
    reconcile: (mode) =>
      mode !== 'accept' && mode !== 'restore'
        ? TE.left(new StateError('INVALID_INPUT', `reconcile takes 'accept' (record the file's changes in the history) or 'restore' (rewrite the file from the history); got ${typeof mode === 'string' ? quote(mode) : kindOf(mode)}`))
        : onOwnSnapshot(TE.left(new StateError('INVALID_INPUT', `${guarded ?? ''}: there is neither a releases.json nor an event log; there is nothing to reconcile`)), (context, current, nowMs) =>
        mode === 'accept'
          ? pipe(acceptSnapshot(context, current), TE.map(({ loaded: after, outcome }) => ({ view: after, value: outcome })))
          : current.cursor.position === 0
            ? TE.left(new StateError('INVALID_INPUT', `${context.path} has no event log to restore it from yet; it becomes the start of the history on the first write (or with import)`))
            : pipe(restoreSnapshot(context, current, new Date(nowMs)), TE.map((outcome) => ({ view: current, value: outcome }))),
      ),
    close: () => store.close(),
  }
}

/** Builds a manager, or says which option is wrong. */
export const createFpStateManager = (options: StateManagerOptions = {}): E.Either<StateError, FpStateManager> => pipe(resolveOptions(options), E.map(fpStateManagerWith))
