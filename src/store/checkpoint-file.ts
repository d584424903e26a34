/**
 * The checkpoint file beside the event log: opened and checked against the log, and rewritten once the log has grown
 * enough past it. It is trusted only when whole, of this format, and anchored in this log; a log shorter than its
 * anchor lost its end, which is `CORRUPT_STATE` (folding it would forget acknowledged writes). Written without fsync (a
 * cache) and only by writers after their append, so never ahead of the synced log.
 */
import { statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { State } from '../domain/state.js'
import { StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import {
  CHECKPOINT_LAYOUT,
  type CheckpointFile,
  checkpointStart,
  decodeCheckpoint,
  headerLine,
  headerOf,
  releaseLine,
  trailerLine,
} from './checkpoint-format.js'
import { requestLines } from './checkpoint-requests.js'
import { checkpointState } from './checkpoint-state.js'
import type { Loaded } from './event-store.js'
import { type LogCursor, lineHashBefore } from './event-log.js'
import { replaceFileSync } from './replace-file.js'
import { type Fingerprint, fingerprintOf, readFileIfThere, sameFingerprint } from './snapshot-file.js'
import { decodeSnapshotRecord } from './snapshot-record.js'
import type { StorePaths } from './paths.js'
import { lengthOf, spliceRecords, writeParts } from './sorted-records.js'

/** A checkpoint this handle read or wrote, the state it shows (to splice the next one from), and its file's version. */
export interface HeldCheckpoint {
  readonly file: CheckpointFile
  readonly state: State
  readonly fingerprint: Fingerprint | undefined
}

/** What opening found: no checkpoint, one not to trust (and why), or the state it holds. */
export type Opened =
  | { readonly kind: 'none' }
  | { readonly kind: 'mistrusted'; readonly why: string }
  | { readonly kind: 'usable'; readonly held: HeldCheckpoint; readonly loaded: Loaded }

/** The error for a log shorter than `witness` (written only after a synced append) says it was: it lost its end. */
export const lostItsEnd = (
  paths: StorePaths,
  witness: string,
  logBytes: number,
  position: number,
  offset: number,
): StateError =>
  new StateError(
    'CORRUPT_STATE',
    `${paths.eventLog} is ${logBytes === 0 ? 'missing or empty' : `${logBytes} bytes long`}, but ` +
      `${witness} was written after its event ${position}, at byte ${offset}: the log lost its end (it was ` +
      'cut back, deleted, or an older copy was restored over it), and the acknowledged writes it held are ' +
      'gone; nothing starts a new history over it. ' +
      `Restore the log from a backup; if an older log was restored on purpose, delete ${paths.checkpoint} ` +
      `and ${paths.snapshotRecord} (both only describe the log) and the store is read from the log as it is.`,
  )

/**
 * The length of the log when it is shorter than `offset`. A writer may have appended between measuring `logBytes` and
 * reading the file beside it (a reader takes no lock): only a log still short when measured again lost its end.
 */
const shortOf = (paths: StorePaths, logBytes: number, offset: number): number | undefined => {
  if (offset <= logBytes) return undefined
  const now = statSync(paths.eventLog, { throwIfNoEntry: false })?.size ?? 0
  return offset > now ? now : undefined
}

/** Opens the checkpoint of a log of `logBytes` bytes (inode `ino`): the state it holds, or why it is not used. */
export const openCheckpoint = (paths: StorePaths, logBytes: number, ino: number): TE.TaskEither<StateError, Opened> =>
  attempt('read the checkpoint', paths.checkpoint, async () => {
    const fingerprint = fingerprintOf(paths.checkpoint)
    const bytes = await readFileIfThere(paths.checkpoint)
    if (bytes === undefined) return E.right({ kind: 'none' } as const)
    const decoded = decodeCheckpoint(bytes)
    if (E.isLeft(decoded)) return E.right({ kind: 'mistrusted', why: decoded.left } as const)
    const file = decoded.right
    const { position, offset, hash, lastRecordedAt } = file.header
    const short = shortOf(paths, logBytes, offset)
    if (short !== undefined) return E.left(lostItsEnd(paths, paths.checkpoint, short, position, offset))
    const anchored = await lineHashBefore(paths.eventLog, offset)
    if (anchored !== hash)
      return E.right({
        kind: 'mistrusted',
        why: `it was taken from another log (the log's line before byte ${offset} is not the one it was taken after)`,
      } as const)
    const state = checkpointState(file, paths.checkpoint)
    const cursor: LogCursor = { position, hash, offset, ino }
    return E.right({
      kind: 'usable',
      held: { file, state, fingerprint },
      loaded: { state, cursor, lastRecordedAt: lastRecordedAt ?? undefined },
    } as const)
  })

/** The error for a log missing or empty beside an unreadable `witness`: it held events, and they are gone. */
const lostTheLog = (paths: StorePaths, witness: string): StateError =>
  new StateError(
    'CORRUPT_STATE',
    `${paths.eventLog} is missing or empty, but ${witness} exists, and it is written only after events ` +
      'were appended to the log (it does not read whole, so how many is not known): the log was deleted or ' +
      'emptied, and the acknowledged writes it held are gone; nothing starts a new history over it. ' +
      'Restore the log from a backup; if it was deleted on purpose, to start again from ' +
      `${paths.stateFile}, delete ${paths.checkpoint} and ${paths.snapshotRecord} too.`,
  )

/** A file that says a log existed (the snapshot record, or the checkpoint), and the error its presence makes. */
export interface Witness {
  readonly witness: string
  readonly error: StateError
}

/** What `witness` says of a log that was found missing or empty: that it held events (the error), or nothing. */
const witnessing = async (
  paths: StorePaths,
  witness: string,
  endOf: (bytes: Buffer) => { position: number; offset: number } | undefined,
): Promise<Witness | undefined> => {
  const bytes = await readFileIfThere(witness)
  if (bytes === undefined) return undefined
  const end = endOf(bytes)
  if (end !== undefined && end.position > 0) {
    const short = shortOf(paths, 0, end.offset)
    return short === undefined
      ? undefined
      : { witness, error: lostItsEnd(paths, witness, short, end.position, end.offset) }
  }
  // Only a writer writes it, after an append: the log held events (unless a writer created the log meanwhile).
  return (statSync(paths.eventLog, { throwIfNoEntry: false })?.size ?? 0) === 0
    ? { witness, error: lostTheLog(paths, witness) }
    : undefined
}

/**
 * For a log missing or empty: every file beside it that says it held events, snapshot record first. None: the log never
 * existed (a Go-written releases.json alone starts a history), or both were deleted on purpose.
 */
export const missingLogWitnesses = (paths: StorePaths): TE.TaskEither<StateError, ReadonlyArray<Witness>> =>
  attempt('read the files beside the event log', paths.directory, async () => {
    const record = await witnessing(paths, paths.snapshotRecord, (bytes) => {
      const decoded = decodeSnapshotRecord(bytes)
      return E.isRight(decoded) ? decoded.right : undefined
    })
    const checkpoint = await witnessing(paths, paths.checkpoint, (bytes) => {
      const decoded = decodeCheckpoint(bytes)
      return E.isRight(decoded) ? decoded.right.header : undefined
    })
    return E.right([record, checkpoint].filter((found): found is Witness => found !== undefined))
  })

/** `CORRUPT_STATE` when the log is shorter than the checkpoint or snapshot record says, or gone beside them. */
export const checkLogEnd = (paths: StorePaths, logBytes: number): TE.TaskEither<StateError, void> => {
  if (logBytes === 0)
    return TE.flatMap(missingLogWitnesses(paths), ([first]) =>
      first === undefined ? TE.right(undefined) : TE.left(first.error),
    )
  return attempt('read the files beside the event log', paths.directory, async () => {
    const record = await readFileIfThere(paths.snapshotRecord)
    const recorded = record === undefined ? undefined : decodeSnapshotRecord(record)
    if (recorded !== undefined && E.isRight(recorded)) {
      const short = shortOf(paths, logBytes, recorded.right.offset)
      if (short !== undefined)
        return E.left(lostItsEnd(paths, paths.snapshotRecord, short, recorded.right.position, recorded.right.offset))
    }
    // A checkpoint ahead of a log is found when it is opened.
    return E.right(undefined)
  })
}

// About 190 phase changes: what opening folds after a checkpoint stays a few milliseconds, and rewriting it is rare.
const TAIL_BYTES = 64 * 1024

/**
 * Whether a writer whose log now ends at `after` should write a new checkpoint: when it holds none, the file is not the
 * one it holds, or the log has grown past it by more than `tailBytes` (small in tests).
 */
export const checkpointDue = (
  paths: StorePaths,
  held: HeldCheckpoint | undefined,
  after: Loaded,
  tailBytes = TAIL_BYTES,
): boolean => {
  if (held === undefined || !sameFingerprint(fingerprintOf(paths.checkpoint), held.fingerprint)) return true
  return (after.cursor as LogCursor).offset - held.file.header.offset > tailBytes
}

/** The release lines of `state`, spliced from `held` when it shows an earlier version of the same releases. */
const bodyOf = (held: HeldCheckpoint | undefined, state: State): Uint8Array[] => {
  if (held !== undefined) {
    const region = { buffer: held.file.bytes, ...held.file.lines }
    const splice = spliceRecords(CHECKPOINT_LAYOUT, region, held.state.releases, state.releases)
    if (splice !== undefined) return [held.file.bytes.subarray(0, splice.keep), ...splice.rest]
  }
  const lines: Uint8Array[] = [checkpointStart()]
  state.releases.forEach((group) => {
    for (const release of group) lines.push(releaseLine(release))
  })
  return lines
}

/** Writes the checkpoint of `after` (atomically, not synced); returns it as now held. */
export const writeCheckpoint = (
  paths: StorePaths,
  held: HeldCheckpoint | undefined,
  after: Loaded,
): TE.TaskEither<StateError, HeldCheckpoint> =>
  attempt('write the checkpoint', paths.checkpoint, async () => {
    const cursor = after.cursor as LogCursor
    const body = bodyOf(held, after.state)
    const keysAt = lengthOf(body)
    const shownKeys =
      held === undefined
        ? undefined
        : { region: { buffer: held.file.bytes, ...held.file.keys }, shown: held.state.requests }
    const keys = requestLines(shownKeys, after.state.requests)
    const header = headerOf(
      after.state,
      { position: cursor.position, offset: cursor.offset, hash: cursor.hash },
      after.lastRecordedAt,
      lengthOf(keys),
    )
    const parts = [...body, ...keys, headerLine(header)]
    const end = lengthOf(parts)
    const bytes = Buffer.allocUnsafe(end + 72) // "sha256 " + 64 hex digits + newline
    writeParts(bytes, 0, parts)
    bytes.set(trailerLine(bytes.subarray(0, end)), end)
    replaceFileSync(paths.checkpoint, bytes)
    const fingerprint = fingerprintOf(paths.checkpoint)
    const lines = { start: checkpointStart().length, end: keysAt }
    const keyLines = { start: keysAt, end: end - (parts.at(-1) as Uint8Array).length }
    return E.right({ file: { bytes, header, lines, keys: keyLines }, state: after.state, fingerprint })
  })
