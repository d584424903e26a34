/**
 * Moving release history from one store to another (a file store into PostgreSQL, and back):
 * every event, in order, with the very same lines and hashes, so that `verify`, `history` and
 * `replay` give the same answers on both sides.
 *
 * The protocol:
 * 1. `verify` the source: a history with problems is not moved (fix it first).
 * 2. Take the source's write lock, then the target's: nobody appends to either meanwhile.
 * 3. Read the source once: every event must replay, and re-encoding it must reproduce the
 *    source's hash chain exactly (else the copy could not keep the hashes).
 * 4. The target must be empty, or hold a prefix of the source (an earlier migration that was
 *    interrupted: it resumes). Anything else is refused: two histories are never merged.
 * 5. Append the rest in batches, each durable; check the target ends on the source's last hash.
 * 6. Write the target's `releases.json` (a file store's, or a local copy asked of PostgreSQL).
 * 7. Release the locks and `verify` both sides.
 */
import { dirname } from 'node:path'
import { promises as fs } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { startFold } from '../domain/evolve.js'
import { projectSnapshot } from '../domain/projection.js'
import { initialState, type State } from '../domain/state.js'
import { StateError } from '../errors.js'
import { DEFAULT_LOCK_TIMEOUT_MS, type SnapshotFileSpec, type StoreContext, type StoreSpec } from '../options.js'
import { type VerifyReport, verifyStore } from '../verify.js'
import { attempt } from './attempt.js'
import type { Cursor, EventStore, WriteSession } from './event-store.js'
import { encodeLogLine, GENESIS_HASH, hashLine } from './log-line.js'
import { readSnapshotFile, removeAbandonedTemporaries, writeSnapshotFile } from './snapshot-file.js'

/** How a migration runs. Every field is optional. */
export interface MigrateOptions {
  /** How long to wait for each store's write lock (default 10 000 ms). */
  readonly lockTimeoutMs?: number | undefined
  /** Told about recoveries a store made while being read (default: `process.emitWarning`). */
  readonly onWarning?: ((message: string) => void) | undefined
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string | undefined
  /** How many events each append to the target carries (default 500). */
  readonly batchSize?: number | undefined
}

/** What a migration did. */
export interface MigrationReport {
  readonly from: string
  readonly to: string
  /** The events of the history, now on both sides. */
  readonly events: number
  /** How many of them this run appended (fewer when it resumed an interrupted migration; 0 when there was nothing left to do). */
  readonly copied: number
  /** The hash of the last event: the same on both sides, so every line is. */
  readonly hash: string
  /** `verify` of each side afterwards. */
  readonly source: VerifyReport
  readonly target: VerifyReport
}

interface Opened {
  readonly store: EventStore
  readonly snapshot?: SnapshotFileSpec | undefined
}

const invalid = (message: string): StateError => new StateError('INVALID_INPUT', message)

const guardedPath = (opened: Opened): string | undefined => (opened.snapshot?.guarded === true ? opened.snapshot.path : undefined)

const problemsOf = (report: VerifyReport): string =>
  report.problems.filter((p) => p.severity === 'error').slice(0, 5).map((p) => `${p.location}: ${p.message}`).join('; ')

/** What one pass over the source found: the state, the event count, and the re-encoded hash after `at` events. */
interface Survey {
  readonly state: State
  readonly events: number
  readonly end: Cursor
  readonly hashAt: string | undefined
}

/** Reads the whole source under its lock, replaying and re-encoding every event. */
const survey = (source: WriteSession, origin: Cursor, at: number): TE.TaskEither<StateError, Survey> => {
  const fold = startFold(initialState)
  let hash = GENESIS_HASH
  let events = 0
  let hashAt = at === 0 ? GENESIS_HASH : undefined
  return pipe(
    source.read(origin, {
      event: ({ envelope, location }) => {
        const problem = fold.apply(envelope)
        if (problem !== undefined) return new StateError('CORRUPT_STATE', `${location}: ${problem}`)
        hash = hashLine(encodeLogLine(envelope, hash))
        events++
        if (events === at) hashAt = hash
        return undefined
      },
    }),
    TE.chain((end) =>
      hash === end.cursor.hash
        ? TE.right({ state: fold.result(), events, end: end.cursor, hashAt })
        : TE.left(new StateError('CORRUPT_STATE', `the source's events do not re-encode to its own lines (hash ${end.cursor.hash}, re-encoded ${hash}); they cannot be moved with their hashes`)),
    ),
  )
}

/** Appends the source's events after `from` to the target, `batch` at a time. */
const copyAfter = (source: WriteSession, from: Cursor, target: WriteSession, at: Cursor, batch: number): TE.TaskEither<StateError, { target: Cursor; copied: number }> => {
  const step = (sourceCursor: Cursor, targetCursor: Cursor, copied: number): TE.TaskEither<StateError, { target: Cursor; copied: number }> => {
    const envelopes: EventEnvelope[] = []
    return pipe(
      source.read(sourceCursor, { event: ({ envelope }) => (envelopes.push(envelope), envelopes.length >= batch ? 'stop' : undefined) }),
      TE.chain((end) =>
        envelopes.length === 0
          ? TE.right({ target: targetCursor, copied })
          : pipe(
              target.append(targetCursor, envelopes),
              TE.chain((next) => step(end.cursor, next, copied + envelopes.length)),
            ),
      ),
    )
  }
  return step(from, at, 0)
}

/** The source's cursor after its first `count` events. */
const cursorAfter = (source: WriteSession, origin: Cursor, count: number): TE.TaskEither<StateError, Cursor> =>
  count === 0 ? TE.right(origin) : pipe(source.read(origin, { event: ({ position }) => (position === count ? 'stop' : undefined) }), TE.map((end) => end.cursor))

const writeTargetSnapshot = (target: Opened, state: State): TE.TaskEither<StateError, void> => {
  const path = target.snapshot?.path
  if (path === undefined) return TE.right(undefined)
  return pipe(
    attempt('create the directory of', path, async () => E.right(await fs.mkdir(dirname(path), { recursive: true }))),
    TE.chain(() => removeAbandonedTemporaries(path)),
    TE.chain(() => writeSnapshotFile(path, projectSnapshot(state))),
    TE.map(() => undefined),
  )
}

/** A file store's own `releases.json` without a log would become a history of its own: not a target. */
const checkEmptyTarget = (target: Opened, targetEvents: number): TE.TaskEither<StateError, void> => {
  const path = guardedPath(target)
  if (path === undefined || targetEvents > 0) return TE.right(undefined)
  return pipe(
    readSnapshotFile(path),
    TE.chain((file) => (file === undefined ? TE.right(undefined) : TE.left(invalid(`${path} already exists, with no event log: it would be a history of its own; move it away first`)))),
  )
}

const copy = (source: Opened, target: Opened, batch: number) => (from: WriteSession) => (to: WriteSession) =>
  pipe(
    to.read(target.store.origin, { event: () => undefined }),
    TE.bindTo('targetEnd'),
    TE.bind('found', ({ targetEnd }) => survey(from, source.store.origin, targetEnd.cursor.position)),
    TE.chainFirst(({ targetEnd, found }) => {
      const have = targetEnd.cursor.position
      if (found.events === 0) return TE.left(invalid(`${source.store.description} holds no events; there is nothing to move (a releases.json without a log: run import on it first)`))
      if (have > found.events || found.hashAt !== targetEnd.cursor.hash) {
        return TE.left(invalid(`${target.store.description} already holds ${have} events that are not the start of ${source.store.description}'s history; histories are never merged: use an empty target`))
      }
      return checkEmptyTarget(target, have)
    }),
    TE.bind('copied', ({ targetEnd }) =>
      pipe(
        cursorAfter(from, source.store.origin, targetEnd.cursor.position),
        TE.chain((after) => copyAfter(from, after, to, targetEnd.cursor, batch)),
      ),
    ),
    TE.chain(({ found, copied }) =>
      copied.target.position === found.events && copied.target.hash === found.end.hash
        ? pipe(writeTargetSnapshot(target, found.state), TE.map(() => ({ events: found.events, copied: copied.copied, hash: found.end.hash })))
        : TE.left(new StateError('CORRUPT_STATE', `${target.store.description} ends at event ${copied.target.position} (${copied.target.hash}), not at the source's ${found.events} (${found.end.hash})`)),
    ),
  )

const open = (spec: StoreSpec, context: StoreContext): TE.TaskEither<StateError, Opened> => TE.fromEither(spec.open(context))

/**
 * Moves the history of `from` into `to` (an empty store, or one an interrupted migration left
 * with a prefix of it), keeping every line and hash. Both stores are closed afterwards.
 */
export const fpMigrateHistory = (from: StoreSpec, to: StoreSpec, options: MigrateOptions = {}): TE.TaskEither<StateError, MigrationReport> => {
  const context: StoreContext = {
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    onWarning: options.onWarning ?? ((message) => process.emitWarning(message, 'StagecraftStateWarning')),
    now: () => new Date(),
    cwd: options.cwd ?? process.cwd(),
  }
  const batch = options.batchSize ?? 500
  if (!Number.isInteger(batch) || batch < 1) return TE.left(invalid(`batchSize must be a whole number, 1 or more; got ${String(options.batchSize)}`))
  return pipe(
    TE.Do,
    TE.apS('source', open(from, context)),
    TE.apS('target', open(to, context)),
    TE.chain(({ source, target }) => {
      const closeBoth = async (): Promise<void> => void (await Promise.allSettled([source.store.close(), target.store.close()]))
      // Compared by what the stores are, not how they were named: one store would wait for its own lock.
      const distinct: TE.TaskEither<StateError, void> = pipe(
        TE.Do,
        TE.apS('from', source.store.identity()),
        TE.apS('to', target.store.identity()),
        TE.chain(({ from, to }) => {
          if (from !== to) return TE.right(undefined)
          const named = source.store.description === target.store.description ? '' : ` (named also ${target.store.description})`
          return TE.left(invalid(`the source and the target are the same store: ${source.store.description}${named}`))
        }),
      )
      const run = pipe(
        distinct,
        TE.chain(() => verifyStore(source.store, guardedPath(source))),
        TE.chain((before) => (before.sound ? TE.right(undefined) : TE.left(new StateError('CORRUPT_STATE', `${source.store.description} does not verify; fix it before moving it: ${problemsOf(before)}`)))),
        TE.chain(() => source.store.write((from) => target.store.write(copy(source, target, batch)(from)))),
        TE.bindTo('moved'),
        TE.bind('sourceReport', () => verifyStore(source.store, guardedPath(source))),
        TE.bind('targetReport', () => verifyStore(target.store, guardedPath(target))),
        TE.chain(({ moved, sourceReport, targetReport }) =>
          targetReport.sound
            ? TE.right({ from: source.store.description, to: target.store.description, ...moved, source: sourceReport, target: targetReport })
            : TE.left(new StateError('CORRUPT_STATE', `${target.store.description} does not verify after the move: ${problemsOf(targetReport)}`)),
        ),
      )
      return async () => {
        try {
          return await run()
        } finally {
          await closeBoth()
        }
      }
    }),
  )
}

/**
 * Moves the history of `from` into `to`, keeping every line and hash (see {@link fpMigrateHistory});
 * rejects with a `StateError`.
 */
export const migrateHistory = async (from: StoreSpec, to: StoreSpec, options: MigrateOptions = {}): Promise<MigrationReport> => {
  const result = await fpMigrateHistory(from, to, options)()
  if (E.isLeft(result)) throw result.left
  return result.right
}
