/**
 * What `verify` checks of the files beside the log: that `releases.json` is the log's projection (or what an
 * interrupted write or an outside change left), and that the checkpoint holds what a replay holds at its position.
 */
import { type Stats, statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { decodeSnapshotBytes, type Snapshot } from '../domain/snapshot.js'
import { isStateError, type StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import { missingLogWitnesses, openCheckpoint } from './checkpoint-file.js'
import { LOG_ORIGIN } from './event-log.js'
import type { Besides, CheckpointCheck, Loaded, StoreProblem } from './event-store.js'
import type { Read } from './fold.js'
import type { StorePaths } from './paths.js'
import { readSnapshotFile } from './snapshot-file.js'
import { readRecord } from './snapshot-record-read.js'
import { outsideWrite } from './outside-writes.js'
import type { SnapshotRecord } from './snapshot-record.js'
import { type Differences, differencesOf, sha256Of, type Standing, standingOf } from './snapshot-standing.js'
import { stateDifferences } from './state-differences.js'

const errorAt = (location: string, message: string): StoreProblem => ({ severity: 'error', location, message })

/** A snapshot an interrupted write left, which the next write regenerates from the log. */
const regeneratedAt = (location: string, message: string): StoreProblem => ({
  ...errorAt(location, message),
  nextWriteRepairs: true,
})

const notUsed = (paths: StorePaths, why: string): CheckpointCheck => ({
  problems: [
    {
      severity: 'warning',
      location: paths.checkpoint,
      message: `not used: ${why}; readers replay the whole log until the next write replaces it`,
    },
  ],
})

/** The checkpoint opened as a reader would open it, and what verify says of what it found. */
const checkpointCheck = (paths: StorePaths): TE.TaskEither<StateError, CheckpointCheck> =>
  pipe(
    attempt('measure the event log', paths.eventLog, async () =>
      E.right(statSync(paths.eventLog, { throwIfNoEntry: false })),
    ),
    TE.chain((log) =>
      (log?.size ?? 0) > 0
        ? openedCheck(paths, log)
        : // A checkpoint beside a missing or empty log says the log was lost, even one that does not read whole.
          pipe(
            witnessedAt(paths, paths.checkpoint),
            TE.chain((lost) =>
              lost !== undefined
                ? TE.right<StateError, CheckpointCheck>({ problems: [lost] })
                : openedCheck(paths, log),
            ),
          ),
    ),
  )

const openedCheck = (paths: StorePaths, log: Stats | undefined): TE.TaskEither<StateError, CheckpointCheck> =>
  pipe(
    openCheckpoint(paths, log?.size ?? 0, log?.ino ?? 0),
    TE.map((opened): CheckpointCheck => {
      switch (opened.kind) {
        case 'none':
          return { problems: [] }
        case 'mistrusted':
          return notUsed(paths, opened.why)
        case 'usable':
          return {
            problems: [],
            compare: { position: opened.loaded.cursor.position, with: compareWithReplay(paths, opened.loaded) },
          }
      }
    }),
    // A log shorter than the checkpoint: what a reader refuses with, verify reports.
    TE.orElse((error): TE.TaskEither<StateError, CheckpointCheck> =>
      isStateError(error, 'CORRUPT_STATE')
        ? TE.right({ problems: [errorAt(paths.checkpoint, error.message)] })
        : TE.left(error),
    ),
  )

/** For a log missing or empty: the error `witness` makes by saying it held events, placed at it. */
const witnessedAt = (paths: StorePaths, witness: string): TE.TaskEither<StateError, StoreProblem | undefined> =>
  pipe(
    missingLogWitnesses(paths),
    TE.map((witnesses) => {
      const found = witnesses.find((candidate) => candidate.witness === witness)
      return found === undefined ? undefined : errorAt(witness, found.error.message)
    }),
  )

/** What differs between the checkpoint's state and a replay of the log up to its position. */
const compareWithReplay =
  (paths: StorePaths, kept: Loaded) =>
  (replayed: Loaded): ReadonlyArray<StoreProblem> => {
    try {
      const differences = stateDifferences({ ...kept, cursor: replayed.cursor }, replayed)
      if (differences.length === 0) return []
      return [
        errorAt(
          paths.checkpoint,
          `differs from a replay of the log up to event ${kept.cursor.position} at ` +
            `${differences.join(', ')}: readers would answer from it wrongly; delete it (it is only a cache) ` +
            'and the next write writes a correct one',
        ),
      ]
    } catch (error) {
      return [errorAt(paths.checkpoint, error instanceof Error ? error.message : String(error))]
    }
  }

/** A refusal to read a snapshot, placed as `file:line` when it names a line, like every other problem. */
const unreadableAt = (snapshotPath: string, message: string): StoreProblem => {
  if (!message.startsWith(snapshotPath)) return errorAt(snapshotPath, message)
  const rest = message.slice(snapshotPath.length)
  const placed = /^:(\d+)(?::\d+)?:\s*/.exec(rest)
  return placed === null
    ? errorAt(snapshotPath, rest.replace(/^:\s*/, ''))
    : errorAt(`${snapshotPath}:${placed[1] as string}`, rest.slice(placed[0].length))
}

const differsMessage = ({ named, onlyInSnapshot }: Differences): string =>
  `differs from the projection of the event log at ${named}: the two files disagree, and either may have ` +
  'been changed outside stagecraft-state ' +
  `(this file, or the last line of the log, which the hash chain cannot show). ` +
  (onlyInSnapshot > 0
    ? `${onlyInSnapshot === 1 ? 'One release is' : `${onlyInSnapshot} releases are`} in this file and in no ` +
      'event of the log: if the log lost its end, "reconcile --restore" would drop ' +
      `${onlyInSnapshot === 1 ? 'it' : 'them'}; compare the log with a backup (and the chain head verify ` +
      'printed before) first. '
    : '') +
  'If this file was changed, run reconcile; if the log was, restore it from a backup'

/** The record of the last write as a writer reads it: a shorter log is reported there; an unreadable one skipped. */
const recordFor = (
  paths: StorePaths,
  replayed: Loaded,
): TE.TaskEither<StateError, E.Either<StoreProblem, SnapshotRecord | undefined>> =>
  pipe(
    readRecord(paths, replayed),
    TE.map((record) => E.right(record)),
    TE.orElse((error) =>
      TE.right(
        isStateError(error, 'CORRUPT_STATE')
          ? E.left(errorAt(paths.snapshotRecord, error.message))
          : E.right(undefined),
      ),
    ),
  )

const standingProblems = (path: string, replayed: Loaded, standing: Standing): StoreProblem[] => {
  const at = (message: string): StoreProblem[] => [errorAt(path, message)]
  switch (standing.kind) {
    case 'current':
      return []
    case 'empty':
      return [
        regeneratedAt(
          path,
          'empty (left so by a crash): it is not the projection of the event log; the next write regenerates it',
        ),
      ]
    case 'behind':
      return [
        regeneratedAt(
          path,
          'is behind the event log (it holds what an earlier write left, byte for byte: a write was ' +
            'interrupted before the snapshot was replaced); the next write regenerates it',
        ),
      ]
    case 'differs':
      return at(differsMessage(differencesOf(replayed.state, standing.snapshot)))
    case 'unreadable':
      return [unreadableAt(path, standing.error.message)]
  }
}

// Changes the Go Stagecraft makes are the next write's to record: worth knowing, not an error.
const adoptable = (
  paths: StorePaths,
  read: Read,
  replayed: Loaded,
  snapshot: Snapshot,
  bytes: Uint8Array,
): TE.TaskEither<StateError, ReadonlyArray<StoreProblem>> =>
  pipe(
    outsideWrite(paths, read, replayed, snapshot, sha256Of(bytes)),
    TE.map((outside) =>
      E.isLeft(outside)
        ? [
            errorAt(
              paths.stateFile,
              `${differsMessage(differencesOf(replayed.state, snapshot))} (the changes are not what the Go ` +
                `Stagecraft writes: ${outside.left})`,
            ),
          ]
        : [
            {
              severity: 'warning',
              location: paths.stateFile,
              message:
                `holds changes another tool (the Go Stagecraft) made: ${outside.right.summary}; the next write ` +
                'records them in the history as adopted from it',
              nextWriteRepairs: true,
            },
          ],
    ),
  )

/** How releases.json stands to the replay of a log that exists, or to no log at all. */
const judgeSnapshot = (
  paths: StorePaths,
  read: Read,
  replayed: Loaded,
  adopt: boolean,
): TE.TaskEither<StateError, ReadonlyArray<StoreProblem>> => {
  const path = paths.stateFile
  const at = (message: string, severity: StoreProblem['severity'] = 'error'): StoreProblem[] => [
    { severity, location: path, message },
  ]
  const events = replayed.cursor.position
  return pipe(
    readSnapshotFile(path),
    TE.chain((file) => {
      if (file === undefined)
        return TE.right(
          events === 0
            ? []
            : [
                regeneratedAt(
                  path,
                  'missing: it is not the projection of the event log; the next write regenerates it',
                ),
              ],
        )
      if (events === 0) {
        const decoded = decodeSnapshotBytes(file.bytes, path)
        return TE.right(
          E.isLeft(decoded)
            ? [unreadableAt(path, decoded.left.message)]
            : at(
                'has no event log yet: it becomes the start of the history on the first write (or with import)',
                'warning',
              ),
        )
      }
      return pipe(
        recordFor(paths, replayed),
        TE.chain(
          E.match(
            (lostItsEnd) => TE.right([lostItsEnd]),
            (record) =>
              pipe(
                standingOf({
                  path,
                  bytes: file.bytes,
                  sha256: sha256Of(file.bytes),
                  record,
                  state: replayed.state,
                  position: events,
                  read,
                  origin: LOG_ORIGIN,
                  skipDamaged: true,
                }),
                TE.flatMap((standing) =>
                  standing.kind === 'differs' && adopt
                    ? adoptable(paths, read, replayed, standing.snapshot, file.bytes)
                    : TE.right(standingProblems(path, replayed, standing)),
                ),
              ),
          ),
        ),
      )
    }),
  )
}

/**
 * The snapshot's check. With no event, a file that says the log held events means the log was lost: the error is
 * reported at that file, and releases.json is not called the start of a history.
 */
const snapshotCheck =
  (paths: StorePaths, read: Read, adopt: boolean) =>
  (replayed: Loaded): TE.TaskEither<StateError, ReadonlyArray<StoreProblem>> =>
    pipe(
      replayed.cursor.position === 0 ? missingLogWitnesses(paths) : TE.right([]),
      TE.chain((witnesses) =>
        witnesses.length === 0
          ? judgeSnapshot(paths, read, replayed, adopt)
          : TE.right(
              witnesses
                .filter((found) => found.witness === paths.snapshotRecord)
                .map((found) => errorAt(found.witness, found.error.message)),
            ),
      ),
    )

/** What verify checks beside the log of the file store at `paths`. */
export const fileBesides = (paths: StorePaths, read: Read, adopt: boolean): Besides => ({
  checkpoint: () => checkpointCheck(paths),
  snapshot: snapshotCheck(paths, read, adopt),
})
