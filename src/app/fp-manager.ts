/**
 * The state manager as fp-ts `TaskEither`s: each write parses its input, reads the clock and goes
 * through the command handler (handle.ts); each read catches the manager's view up and asks the
 * domain's queries.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { acceptedChanges, acceptedFields } from '../domain/accepted.js'
import type { Command, CommandInput } from '../domain/commands.js'
import type { DomainError } from '../domain/errors.js'
import { newTexts, parseCommand } from '../domain/parse-command.js'
import { currentRelease, findRelease, listAllReleases, releasesOf } from '../domain/queries.js'
import type { Release } from '../domain/release.js'
import { abandonedPassed } from '../domain/in-progress.js'
import { idleMs, isAbandoned } from '../domain/release-status.js'
import { formatTimestamp } from '../domain/timestamp.js'
import { rollbackTarget } from '../domain/rollback.js'
import { kindOf, quote } from '../domain/show.js'
import { initialState, releaseCount, type State } from '../domain/state.js'
import { settled, StateError } from '../domain/state-error.js'
import { type Intent, type Loaded, type ReconcileOutcome, refusedWrite, type WriteSession } from '../store/index.js'
import type { FpStateManager, Recorded } from './api.js'
import { checkedBag, checkedFilter, checkedTime } from './arguments.js'
import { history, type HistoryFilter, type HistoryVisit, stateAt, visitHistory } from './audit.js'
import { handle, type Handled, locked } from './handle.js'
import { withHistoryStream } from './history-stream.js'
import { duration, readClock, type ResolvedOptions, resolveOptions, type StateManagerOptions } from './options.js'
import { recorder } from './recorder.js'
import { oneAtATime, storeView } from './store-view.js'
import type { Sealed } from './seal.js'
import { sealing } from './seal-manager.js'
import { wholeStoreReads } from './whole-store-reads.js'

const fromDomain = <A>(either: E.Either<DomainError, A>): E.Either<StateError, A> =>
  pipe(either, E.mapLeft(StateError.fromDomain))

/** What a write about one release recorded, with the release as it is after. */
const recordedAbout = (handled: Handled, releaseId: string, sealed?: Sealed): E.Either<StateError, Recorded> =>
  pipe(
    fromDomain(findRelease(handled.state, releaseId)),
    E.map((release) => ({
      release,
      events: handled.events,
      position: handled.position,
      ...(sealed === undefined ? {} : { sealed }),
    })),
  )

// A retried create records nothing: its release is the one its request id's first use created.
const createdId = (handled: Handled, requestId: string | undefined): string => {
  const created = handled.events.find((event) => event.type === 'ReleaseCreated')
  if (created?.type === 'ReleaseCreated') return created.data.release.id
  return (requestId === undefined ? undefined : handled.prepared.state.requests.get(requestId)?.releaseId) ?? ''
}

/** A manager over already checked options. */
export const fpStateManagerWith = (config: ResolvedOptions): FpStateManager => {
  const { store } = config
  const snapshot = store.snapshotFile
  const view = storeView(store, config.warn)
  const serialized = oneAtATime()
  const by = recorder(config.actor, config.host)

  // Read when a task runs, not when it is built: an fp-ts caller may build a task long before.
  const clock: TE.TaskEither<StateError, number> = TE.fromIOEither(() => fromDomain(readClock(config.now)))

  // A manager that has read nothing yet opens the store before taking the lock, which is then held
  // only to catch up with what others appended meanwhile.
  const opened: TE.TaskEither<StateError, unknown> = () =>
    (view.current().cursor.position === 0 ? view.refresh : TE.right(view.current()))()

  /**
   * Runs `work` as this manager's next write, with the clock read when its turn comes (after the
   * writes queued before it, and before the lock), on a store opened.
   */
  const queued = <A>(work: (nowMs: number) => TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
    serialized(
      settled(
        pipe(
          clock,
          TE.tap(() => opened),
          TE.flatMap(work),
        ),
      ),
    )

  /** Handles the command `at` the clock's reading (none: records what the store prepares). */
  const write = (at: (nowMs: number) => Command | undefined, intent: Intent): TE.TaskEither<StateError, Handled> =>
    queued((nowMs) =>
      pipe(
        handle(store, at(nowMs), { from: view.current(), nowMs, recorder: by, intent }),
        TE.tap((handled) => TE.right(view.adopt(handled.after))),
      ),
    )

  // Input is refused before the store is opened, unless the store holds events of a newer version:
  // a phase or status only that version knows is then a reason to upgrade, not a typing mistake.
  const refusedInput = <A>(error: StateError): TE.TaskEither<StateError, A> =>
    pipe(
      view.refresh,
      TE.match(
        () => error,
        (loaded) => refusedWrite(loaded) ?? error,
      ),
      TE.fromTask,
      TE.flatMap((refused) => TE.left(refused)),
    )

  // A create's name or version over the limits of new text may be held by the history (a Go-written one):
  // a read, which creates nothing, says so before the store is opened to write; decide checks again under the lock.
  const newTextsHeld = (parsed: Command): TE.TaskEither<StateError, Command> =>
    parsed.type !== 'CreateRelease' || E.isRight(newTexts(parsed, initialState))
      ? TE.right(parsed)
      : pipe(
          view.refresh,
          TE.flatMapEither((loaded) => fromDomain(newTexts(parsed, loaded.state))),
          TE.map(() => parsed),
        )

  /** Parses a command at the edge and handles it; a create takes its time from the clock when its turn comes. */
  const command = (
    input: CommandInput,
  ): TE.TaskEither<
    StateError,
    { readonly parsed: Command; readonly handled: Handled; readonly sealed: Sealed | undefined }
  > =>
    pipe(
      TE.fromEither(fromDomain(parseCommand(input))),
      TE.flatMap(newTextsHeld),
      TE.orElse((error) => refusedInput<Command>(error)),
      TE.flatMap((parsed) =>
        pipe(
          write((nowMs) => (parsed.type === 'CreateRelease' ? { ...parsed, now: nowMs } : parsed), 'command'),
          TE.flatMap((handled) =>
            pipe(
              seals.afterWrite(handled),
              TE.map((sealed) => ({ parsed, handled, sealed })),
            ),
          ),
        ),
      ),
    )

  // With missingStore 'error', a read of a store never written is refused rather than read as an empty history.
  const present: TE.TaskEither<StateError, void> = () =>
    config.missingStore === 'empty' || store.absence === undefined || view.current().cursor.position > 0
      ? TE.right(undefined)()
      : pipe(
          store.absence(),
          TE.flatMap((absence) =>
            absence === undefined
              ? TE.right(undefined)
              : TE.left(
                  new StateError(
                    'STORE_NOT_FOUND',
                    `${absence.what}: nothing was ever recorded there (a write, such as a create, starts a history ` +
                      `there)${absence.instead === undefined ? '' : `; did you mean ${absence.instead}?`}`,
                  ),
                ),
          ),
        )()

  const query = <A>(ask: (state: State) => E.Either<DomainError, A>): TE.TaskEither<StateError, A> =>
    settled(
      pipe(
        present,
        TE.flatMap(() => view.refresh),
        TE.flatMapEither((loaded) => fromDomain(ask(loaded.state))),
      ),
    )

  const abandoned = (
    environment: string | undefined,
    options: { readonly afterMs?: number | undefined } | undefined,
  ): TE.TaskEither<StateError, ReadonlyArray<Release>> =>
    pipe(
      checkedBag('abandonedReleases', options),
      TE.flatMapEither(({ afterMs }) => duration('afterMs', afterMs, config.abandonedAfterMs)),
      TE.bindTo('afterMs'),
      TE.bind('nowMs', () => clock),
      TE.flatMap(({ afterMs, nowMs }) =>
        query((state) =>
          pipe(
            environment === undefined ? E.right(listAllReleases(state)) : releasesOf(state, environment),
            E.map((releases) => releases.filter((release) => isAbandoned(release, nowMs, afterMs))),
          ),
        ),
      ),
    )

  // A create that went past an abandoned running release says so: the release is not superseded, only left.
  const warnAbandonedPassed = (parsed: Command, handled: Handled): void => {
    if (parsed.type !== 'CreateRelease' || handled.events.length === 0) return
    const passed = abandonedPassed({ ...parsed, now: handled.nowMs }, handled.prepared.state)
    if (passed === undefined) return
    const created = createdId(handled, undefined)
    config.warn(
      `release ${passed.id} of ${passed.environment} still has a phase running but no event since ` +
        `${formatTimestamp(handled.nowMs - idleMs(passed, handled.nowMs))}: it looks abandoned, so ${created} was ` +
        `created over it. If its orchestrator is gone, close it out with recover (stagecraft-state recover ` +
        `${passed.id} --reason TEXT)`,
    )
  }

  // Neither an event log nor a releases.json: an import or a reconcile has nothing to work on, and
  // must not create the state directory (or a lock) to find that out.
  const nothingStored: TE.TaskEither<StateError, boolean> = pipe(
    view.refresh,
    TE.map((current) => current.cursor.position === 0 && snapshot?.present() !== true),
  )

  const seals = sealing({
    store,
    view,
    by,
    config,
    queued,
    nothingStored,
    // A file store's releases.json may hold what the history must record first: a write of its own records it.
    recordPending: snapshot?.guarded === true ? write(() => undefined, 'command') : TE.right(undefined),
  })

  /** Work on the store's own releases.json; with neither it nor a log, `whenNothingStored` answers. */
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
          nothingStored,
          TE.flatMap((empty) => (empty ? whenNothingStored : work)),
        )

  const accept: TE.TaskEither<StateError, ReconcileOutcome> = pipe(
    write(() => undefined, 'accept'),
    TE.map(({ prepared }) => ({
      changed: acceptedChanges(prepared.pending),
      fields: acceptedFields(prepared.loaded.state, prepared.pending),
    })),
  )

  const restored = (
    session: WriteSession,
    loaded: Loaded,
    nowMs: number,
  ): TE.TaskEither<StateError, ReconcileOutcome> => {
    if (loaded.cursor.position === 0) {
      return TE.left(
        new StateError(
          'INVALID_INPUT',
          `${snapshot?.path ?? ''} has no event log to restore it from yet; it becomes the start of the ` +
            'history on the first write (or with import)',
        ),
      )
    }
    if (session.restore === undefined)
      return TE.left(
        new StateError('INVALID_INPUT', `${store.description} keeps no releases.json of its own to restore`),
      )
    view.adopt(loaded)
    return session.restore(loaded, new Date(nowMs))
  }

  const restore: TE.TaskEither<StateError, ReconcileOutcome> = queued((nowMs) =>
    locked(store, view.current(), (session, loaded) => restored(session, loaded, nowMs)),
  )

  const streamed = (filter: HistoryFilter, visit: HistoryVisit): TE.TaskEither<StateError, void> =>
    pipe(
      checkedFilter(filter),
      TE.tap(() => present),
      TE.flatMap((given) => visitHistory(store, given, visit, view.warnForeign)),
    )

  const manager: FpStateManager = {
    stateFile: snapshot?.path,
    location: store.description,
    createRelease: (environment, version, commitSha, options) =>
      pipe(
        checkedBag('createRelease', options),
        TE.flatMap(({ rollbackOf, note, requestId, supersede }) =>
          pipe(
            // `now` is read from the clock when the write's turn comes (see `write`).
            command({
              type: 'CreateRelease',
              environment,
              version,
              commitSha,
              rollbackOf,
              note,
              now: 0,
              requestId,
              supersede,
              abandonedAfterMs: config.abandonedAfterMs,
            }),
            TE.tap(({ parsed, handled }) => TE.right(warnAbandonedPassed(parsed, handled))),
            TE.flatMapEither(({ parsed, handled }) =>
              recordedAbout(
                handled,
                createdId(handled, parsed.type === 'CreateRelease' ? parsed.requestId : undefined),
              ),
            ),
          ),
        ),
      ),
    updatePhase: (releaseId, phase, status, options) =>
      pipe(
        checkedBag('updatePhase', options),
        TE.flatMap(({ reason, requestId }) =>
          command({ type: 'UpdatePhase', releaseId, phase, status, reason, requestId }),
        ),
        TE.flatMapEither(({ handled, sealed }) => recordedAbout(handled, releaseId, sealed)),
      ),
    recoverRelease: (releaseId, reason, options) =>
      pipe(
        checkedBag('recoverRelease', options),
        TE.flatMap(({ requestId }) => command({ type: 'RecoverRelease', releaseId, reason, requestId })),
        TE.flatMapEither(({ handled, sealed }) => recordedAbout(handled, releaseId, sealed)),
      ),
    getRelease: (id) => query((state) => findRelease(state, id)),
    getCurrentRelease: (environment) => query((state) => currentRelease(state, environment)),
    listReleases: (environment) => query((state) => releasesOf(state, environment)),
    listAllReleases: () => query((state) => E.right(listAllReleases(state))),
    history: (filter) =>
      pipe(
        checkedFilter(filter),
        TE.tap(() => present),
        TE.flatMap((given) => history(store, given, view.warnForeign)),
      ),
    stateAt: (time) =>
      pipe(
        TE.fromEither(checkedTime('time', time, true)),
        TE.tap(() => present),
        TE.flatMap(() => stateAt(store, time, view.warnForeign)),
      ),
    rollbackTarget: (environment, target) => query((state) => rollbackTarget(state, environment, target)),
    seal: (options) => seals.seal(options?.key),
    abandonedReleases: abandoned,
    state: () => query((state) => E.right(state)),
    ...wholeStoreReads({ store, view, config, clock, present }),
    importSnapshot: () =>
      onOwnSnapshot(
        pipe(
          present,
          TE.map(() => ({ imported: 0, recorded: false })),
        ),
        pipe(
          write(() => undefined, 'command'),
          TE.map((handled) => ({
            imported: handled.events.length > 0 ? releaseCount(handled.state) : 0,
            recorded: handled.events.length > 0,
          })),
        ),
      ),
    reconcile: (mode) =>
      mode !== 'accept' && mode !== 'restore'
        ? TE.left(
            new StateError(
              'INVALID_INPUT',
              "reconcile takes 'accept' (record the file's changes in the history) or 'restore' (rewrite the file " +
                `from the history); got ${typeof mode === 'string' ? quote(mode) : kindOf(mode)}`,
            ),
          )
        : onOwnSnapshot(
            TE.left(
              new StateError(
                'INVALID_INPUT',
                `${snapshot?.path ?? ''}: there is neither a releases.json nor an event log; ` +
                  'there is nothing to reconcile',
              ),
            ),
            mode === 'accept' ? accept : restore,
          ),
    close: () => store.close(),
  }
  return withHistoryStream(manager, streamed)
}

/**
 * A state manager whose operations return fp-ts `TaskEither`s; a `Left` `StateError`
 * (`INVALID_INPUT`) names a bad option. Touches no file until the first operation.
 */
export const createFpStateManager = (options: StateManagerOptions = {}): E.Either<StateError, FpStateManager> =>
  pipe(resolveOptions(options), E.map(fpStateManagerWith))
