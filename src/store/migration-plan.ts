/**
 * What a migration would do, found by reading both stores, and the refusals: a source with no
 * events, a target holding another history, a file store target with a `releases.json` of its own.
 *
 * Everything here only reads, through whatever read it is given: the stores' own reads (which
 * create nothing: no directory, no schema, no lock) before any lock is taken, so that a refused
 * migration leaves both sides exactly as they were; and the sessions' reads under the locks,
 * where the plan is confirmed before anything is copied.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../domain/state-error.js'
import { type Cursor, type EventStore, guardedSnapshotPath } from './event-store.js'
import { encodeLogLine, GENESIS_HASH, hashLine } from './log-line.js'
import { on } from './migration-place.js'
import { readSnapshotFile } from './snapshot-file.js'

/** How one side is read: the store's own read, or its session's under the lock. */
export type Read = EventStore['read']

/** What a migration would do. */
export interface Plan {
  /** How many events the source holds. */
  readonly events: number
  /** The source's end. */
  readonly sourceEnd: Cursor
  /** The target's end: the source's first `targetEnd.position` events, already there. */
  readonly targetEnd: Cursor
}

const invalid = (message: string): StateError => new StateError('INVALID_INPUT', message)

/** What one pass over the source found: the event count, and the re-encoded hash after `at` events. */
interface Survey {
  readonly events: number
  readonly end: Cursor
  readonly hashAt: string | undefined
}

/**
 * Reads the whole source, re-encoding every event. (Whether its events could have happened was
 * verified before, and the target's append checks each again before anything is appended.)
 */
const survey = (read: Read, origin: Cursor, at: number): TE.TaskEither<StateError, Survey> => {
  let hash = GENESIS_HASH
  let events = 0
  let hashAt = at === 0 ? GENESIS_HASH : undefined
  return pipe(
    read(origin, {
      event: ({ envelope }) => {
        hash = hashLine(encodeLogLine(envelope, hash))
        events++
        if (events === at) hashAt = hash
        return undefined
      },
    }),
    TE.chain((end) =>
      hash === end.cursor.hash
        ? TE.right({ events, end: end.cursor, hashAt })
        : TE.left(
            new StateError(
              'CORRUPT_STATE',
              `the source's events do not re-encode to its own lines (hash ${end.cursor.hash}, ` +
                `re-encoded ${hash}); they cannot be moved with their hashes`,
            ),
          ),
    ),
  )
}

const endOf = (read: Read, origin: Cursor): TE.TaskEither<StateError, Cursor> =>
  pipe(
    read(origin, { event: () => undefined }),
    TE.map((end) => end.cursor),
  )

/** A file store's own releases.json without a log would become a history of its own: not a target. */
const checkEmptyTarget = (target: EventStore, targetEvents: number): TE.TaskEither<StateError, void> => {
  const path = guardedSnapshotPath(target)
  if (path === undefined || targetEvents > 0) return TE.right(undefined)
  return pipe(
    readSnapshotFile(path),
    TE.chain((file) =>
      file === undefined
        ? TE.right(undefined)
        : TE.left(
            invalid(`${path} already exists, with no event log: it would be a history of its own; move it away first`),
          ),
    ),
  )
}

/**
 * The plan of moving `source` into `target`, each read with the read given: the target must be
 * empty, or hold the start of the source's history (an earlier move of a history that has grown
 * since); histories are never merged.
 */
export const planMove = (
  source: EventStore,
  readSource: Read,
  target: EventStore,
  readTarget: Read,
): TE.TaskEither<StateError, Plan> =>
  pipe(
    on('target', target, endOf(readTarget, target.origin)),
    TE.bindTo('targetEnd'),
    TE.bind('found', ({ targetEnd }) => on('source', source, survey(readSource, source.origin, targetEnd.position))),
    TE.chainFirst(({ targetEnd, found }) => {
      const have = targetEnd.position
      if (found.events === 0)
        return TE.left(
          invalid(
            `${source.description} holds no events; there is nothing to move ` +
              '(a releases.json without a log: run import on it first)',
          ),
        )
      if (have > found.events || found.hashAt !== targetEnd.hash) {
        return TE.left(
          invalid(
            `${target.description} already holds ${have} events that are not the start of ` +
              `${source.description}'s history; histories are never merged: use an empty target`,
          ),
        )
      }
      return on('target', target, checkEmptyTarget(target, have))
    }),
    TE.map(({ targetEnd, found }) => ({ events: found.events, sourceEnd: found.end, targetEnd })),
  )

/** Whether `read` finds nothing after `end`, and `end` still where it was (the history not replaced meanwhile). */
const nothingAfter = (read: Read, end: Cursor): TE.TaskEither<StateError, boolean> =>
  pipe(
    read(end, { event: () => 'stop' }),
    TE.map((after) => after.cursor.position === end.position && after.cursor.hash === end.hash),
  )

/**
 * The plan `planned` (made before the locks were taken), confirmed under them: when neither side
 * changed in between, it stands without reading the source again; otherwise it is made again.
 */
export const confirmPlan = (
  planned: Plan,
  source: EventStore,
  readSource: Read,
  target: EventStore,
  readTarget: Read,
): TE.TaskEither<StateError, Plan> =>
  pipe(
    on('source', source, nothingAfter(readSource, planned.sourceEnd)),
    TE.chain((sourceSame) =>
      sourceSame ? on('target', target, endOf(readTarget, target.origin)) : TE.right(undefined),
    ),
    TE.chain((targetEnd) =>
      targetEnd !== undefined &&
      targetEnd.position === planned.targetEnd.position &&
      targetEnd.hash === planned.targetEnd.hash
        ? TE.right({ ...planned, targetEnd })
        : planMove(source, readSource, target, readTarget),
    ),
  )
