/**
 * Moving release history from one store to another (a file store into PostgreSQL, and back):
 * every event, in order, with the very same lines and hashes, so that `verify`, `history` and
 * `replay` give the same answers on both sides.
 *
 * The protocol:
 * 1. The two must be different stores (by what they are, not how they are named).
 * 2. `verify` the source: a history with problems is not moved (fix it first).
 * 3. Plan with plain reads, which create nothing: every event of the source must replay, and
 *    re-encoding it must reproduce its hash chain exactly (else the copy could not keep the
 *    hashes); the target must be empty, or hold a prefix of the source (an earlier move of a
 *    history that has grown since). Anything else is refused, before any lock: both sides are
 *    left exactly as they were.
 * 4. Take the source's write lock, then the target's: nobody appends to either meanwhile; confirm
 *    the plan under them (made again if either side changed in between).
 * 5. Stage the rest on the target in batches (`writeStaged`: one transaction in PostgreSQL, a
 *    staged copy of the log for a file store), check it ends on the source's last hash, and
 *    commit: the target gets all of it at once, or, if anything fails or the process dies, none.
 * 6. The target then brings what it keeps beside its events up to date (a file store's
 *    `releases.json` and checkpoint, a local copy asked of PostgreSQL): never before its log holds
 *    what they show.
 * 7. Release the locks and `verify` both sides.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { StateError } from '../domain/state-error.js'
import { run } from './promised.js'
import type { OnProgress } from '../store/index.js'
import { type VerifyReport, verifyStore } from './verify.js'
import {
  confirmPlan,
  type Cursor,
  DEFAULT_LOCK_TIMEOUT_MS,
  emptyLoaded,
  type EventStore,
  guardedSnapshotPath,
  type Loaded,
  on,
  type Plan,
  planMove,
  type Side,
  type StagedSession,
  type StoreContext,
  type StoreSpec,
  unprepared,
  type WriteSession,
} from '../store/index.js'

/** How a migration runs. Every field is optional. */
export interface MigrateOptions {
  /** How long to wait for each store's write lock (default 10 000 ms). */
  readonly lockTimeoutMs?: number | undefined
  /** Told about recoveries a store made while being read (default: `process.emitWarning`). */
  readonly onWarning?: ((message: string) => void) | undefined
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string | undefined
  /** How many events each append to the target carries (default 500); all of them are committed together. */
  readonly batchSize?: number | undefined
  /** Told how far the verifies and the copy have got, for a progress indicator. */
  readonly onProgress?: OnProgress | undefined
}

/** What a migration did. */
export interface MigrationReport {
  readonly from: string
  readonly to: string
  /** The events of the history, now on both sides. */
  readonly events: number
  /**
   * How many of them this run appended: fewer when the target held the start of the history
   * already, 0 when there was nothing left to do.
   */
  readonly copied: number
  /** The hash of the last event: the same on both sides, so every line is. */
  readonly hash: string
  /** `verify` of each side afterwards. */
  readonly source: VerifyReport
  readonly target: VerifyReport
}

const invalid = (message: string): StateError => new StateError('INVALID_INPUT', message)

/** Sound, or unsound only for what the next write repairs by itself. */
const soundButForRepairs = (report: VerifyReport): boolean =>
  report.problems.every((p) => p.severity !== 'error' || p.nextWriteRepairs === true)

const problemsOf = (report: VerifyReport): string =>
  report.problems
    .filter((p) => p.severity === 'error')
    .slice(0, 5)
    .map((p) => `${p.location}: ${p.message}`)
    .join('; ')

/** The two stores of a migration. */
interface Stores {
  readonly source: EventStore
  readonly target: EventStore
}

/** Appends the source's events after `from` to the target (caught up to `at`), `batch` at a time. */
const copyAfter = (
  stores: Stores,
  source: WriteSession,
  from: Cursor,
  target: WriteSession,
  at: Loaded,
  batch: number,
  onProgress?: OnProgress,
): TE.TaskEither<StateError, { target: Loaded; copied: number }> => {
  const step = (
    sourceCursor: Cursor,
    loaded: Loaded,
    copied: number,
  ): TE.TaskEither<StateError, { target: Loaded; copied: number }> => {
    const envelopes: EventEnvelope[] = []
    return pipe(
      on(
        'source',
        stores.source,
        source.read(sourceCursor, {
          event: ({ envelope }) => (envelopes.push(envelope), envelopes.length >= batch ? 'stop' : undefined),
        }),
      ),
      TE.chain((end) =>
        envelopes.length === 0
          ? TE.right({ target: loaded, copied })
          : pipe(
              on('target', stores.target, target.append(unprepared(loaded), envelopes)),
              TE.tap(() => TE.right(onProgress?.({ task: 'migrate', done: copied + envelopes.length }))),
              TE.chain((next) => step(end.cursor, next, copied + envelopes.length)),
            ),
      ),
    )
  }
  return step(from, at, 0)
}

/** The source's cursor after its first `count` events. */
const cursorAfter = (source: WriteSession, origin: Cursor, count: number): TE.TaskEither<StateError, Cursor> =>
  count === 0
    ? TE.right(origin)
    : pipe(
        source.read(origin, { event: ({ position }) => (position === count ? 'stop' : undefined) }),
        TE.map((end) => end.cursor),
      )

/**
 * Under both locks: confirms the plan, stages what the target lacks, checks where it ends, and
 * commits (the target brings its snapshot up to date).
 */
const copy =
  (source: EventStore, target: EventStore, planned: Plan, batch: number, onProgress?: OnProgress) =>
  (from: WriteSession) =>
  (to: StagedSession) =>
    pipe(
      confirmPlan(planned, source, from.read, target, to.read),
      TE.bindTo('plan'),
      TE.bind('copied', ({ plan }) =>
        pipe(
          TE.Do,
          TE.apS('after', on('source', source, cursorAfter(from, source.origin, plan.targetEnd.position))),
          TE.apS('loaded', on('target', target, to.load(emptyLoaded(target.origin)))),
          TE.chain(({ after, loaded }) => copyAfter({ source, target }, from, after, to, loaded, batch, onProgress)),
        ),
      ),
      TE.chain(({ plan, copied }) =>
        copied.target.cursor.position === plan.events && copied.target.cursor.hash === plan.sourceEnd.hash
          ? pipe(
              on('target', target, to.commit()),
              TE.map(() => ({ events: plan.events, copied: copied.copied, hash: plan.sourceEnd.hash })),
            )
          : TE.left(
              new StateError(
                'CORRUPT_STATE',
                `${target.description} ends at event ${copied.target.cursor.position} ` +
                  `(${copied.target.cursor.hash}), not at the source's ${plan.events} (${plan.sourceEnd.hash})`,
              ),
            ),
      ),
    )

/** Opens one side; a store that cannot be opened has no description yet: its error says which side it is. */
const open = (spec: StoreSpec, context: StoreContext, side: Side): TE.TaskEither<StateError, EventStore> =>
  pipe(
    TE.fromEither(spec.open(context)),
    TE.mapLeft(
      (error) => new StateError(error.code, `${error.message} (the ${side} of the migration)`, { cause: error }),
    ),
  )

/** Refuses one store named twice: compared by what the stores are, since one store would wait for its own lock. */
const distinct = (source: EventStore, target: EventStore): TE.TaskEither<StateError, void> =>
  pipe(
    TE.Do,
    TE.apS('from', on('source', source, source.identity())),
    TE.apS('to', on('target', target, target.identity())),
    TE.chain(({ from, to }) => {
      if (from !== to) return TE.right(undefined)
      const named = source.description === target.description ? '' : ` (named also ${target.description})`
      return TE.left(invalid(`the source and the target are the same store: ${source.description}${named}`))
    }),
  )

/** Everything of a migration but opening and closing the stores. */
/**
 * Whether the only errors a target reports after the move are about its releases.json (someone
 * edited it while the copy ran: the move left it alone): the events are committed, so the move
 * succeeded, and the next write of the target reports the edit.
 */
const onlyItsSnapshot = (target: EventStore, report: VerifyReport): boolean => {
  const snapshot = guardedSnapshotPath(target)
  const errors = report.problems.filter((problem) => problem.severity === 'error')
  return (
    snapshot !== undefined &&
    errors.length > 0 &&
    errors.every((problem) => problem.location === snapshot || problem.location.startsWith(`${snapshot}:`))
  )
}

const move = (
  source: EventStore,
  target: EventStore,
  batch: number,
  warn: (message: string) => void,
  onProgress?: OnProgress,
): TE.TaskEither<StateError, MigrationReport> =>
  pipe(
    distinct(source, target),
    TE.chain(() => on('source', source, verifyStore(source, onProgress))),
    TE.chain((before) =>
      before.sound
        ? TE.right(undefined)
        : TE.left(
            new StateError(
              'CORRUPT_STATE',
              `${source.description} does not verify; fix it before moving it: ${problemsOf(before)}`,
            ),
          ),
    ),
    // A target holding the start of the history may have a releases.json edited by hand since:
    // the move would replace it, so it must verify too (a check that writes nothing). A snapshot
    // the next write regenerates (what a migration killed after its commit leaves) is no obstacle:
    // the move regenerates it.
    TE.chain(() => on('target', target, verifyStore(target, onProgress))),
    TE.chain((before) =>
      soundButForRepairs(before)
        ? TE.right(undefined)
        : TE.left(
            new StateError(
              'CORRUPT_STATE',
              `${target.description} does not verify; fix it before moving into it: ${problemsOf(before)}`,
            ),
          ),
    ),
    // Refusals are found here, with reads that create nothing, before any lock is taken.
    TE.chain(() => planMove(source, source.read, target, target.read)),
    TE.chain((planned) =>
      on(
        'source',
        source,
        source.write((from) =>
          on('target', target, target.writeStaged(copy(source, target, planned, batch, onProgress)(from))),
        ),
      ),
    ),
    TE.bindTo('moved'),
    TE.bind('sourceReport', () => on('source', source, verifyStore(source, onProgress))),
    TE.bind('targetReport', () => on('target', target, verifyStore(target, onProgress))),
    TE.chain(({ moved, sourceReport, targetReport }) => {
      const report = {
        from: source.description,
        to: target.description,
        ...moved,
        source: sourceReport,
        target: targetReport,
      }
      if (targetReport.sound) return TE.right(report)
      if (!onlyItsSnapshot(target, targetReport))
        return TE.left(
          new StateError(
            'CORRUPT_STATE',
            `${target.description} does not verify after the move: ${problemsOf(targetReport)}`,
          ),
        )
      warn(`${target.description}: the history was moved, but ${problemsOf(targetReport)}`)
      return TE.right(report)
    }),
  )

/**
 * Moves the history of `from` into `to` (an empty store, or one holding the start of the same
 * history), keeping every line and hash. Both stores are closed afterwards.
 */
export const fpMigrateHistory = (
  from: StoreSpec,
  to: StoreSpec,
  options: MigrateOptions = {},
): TE.TaskEither<StateError, MigrationReport> => {
  const context: StoreContext = {
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    onWarning: options.onWarning ?? ((message) => process.emitWarning(message, 'StagecraftStateWarning')),
    now: () => new Date(),
    cwd: options.cwd ?? process.cwd(),
  }
  const batch = options.batchSize ?? 500
  if (!Number.isInteger(batch) || batch < 1)
    return TE.left(invalid(`batchSize must be a whole number, 1 or more; got ${String(options.batchSize)}`))
  return pipe(
    TE.Do,
    TE.apS('source', open(from, context, 'source')),
    TE.apS('target', open(to, context, 'target')),
    TE.chain(({ source, target }) => async () => {
      try {
        return await move(source, target, batch, context.onWarning, options.onProgress)()
      } finally {
        await Promise.allSettled([source.close(), target.close()])
      }
    }),
  )
}

/**
 * Moves the history of `from` into `to`, keeping every line and hash (see {@link fpMigrateHistory});
 * rejects with a `StateError`.
 */
export const migrateHistory = async (
  from: StoreSpec,
  to: StoreSpec,
  options: MigrateOptions = {},
): Promise<MigrationReport> => run(fpMigrateHistory(from, to, options))
