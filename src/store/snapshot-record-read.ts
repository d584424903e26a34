/** Reading the records of the snapshots written (snapshot-record.ts): the last, or the last few, of this log. */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import { lostItsEnd } from './checkpoint-file.js'
import type { Loaded } from './event-store.js'
import { type LogCursor, lineHashBefore } from './event-log.js'
import type { StorePaths } from './paths.js'
import { readFileIfThere } from './snapshot-file.js'
import { decodeSnapshotRecord, decodeSnapshotRecords, type SnapshotRecord } from './snapshot-record.js'

// Whether a record was written at a point of this log: its line there has the hash it names.
const ofThisLog = async (paths: StorePaths, cursor: LogCursor, record: SnapshotRecord): Promise<boolean> =>
  record.position === cursor.position
    ? record.hash === cursor.hash
    : (await lineHashBefore(paths.eventLog, record.offset)) === record.hash

const lastOf = async (paths: StorePaths): Promise<SnapshotRecord | undefined> => {
  const bytes = await readFileIfThere(paths.snapshotRecord)
  const decoded = bytes === undefined ? undefined : decodeSnapshotRecord(bytes)
  return decoded === undefined || E.isLeft(decoded) ? undefined : decoded.right
}

/** The last whole record, of whichever log: for a reader, whose view a writer may have gone past since. */
export const lastRecord = (paths: StorePaths): TE.TaskEither<StateError, SnapshotRecord | undefined> =>
  attempt('read the record of the snapshot', paths.snapshotRecord, async () => E.right(await lastOf(paths)))

/** The record of the last write, when it reads whole and belongs to this log; a shorter log is `CORRUPT_STATE`. */
export const readRecord = (paths: StorePaths, loaded: Loaded): TE.TaskEither<StateError, SnapshotRecord | undefined> =>
  attempt('read the record of the snapshot', paths.snapshotRecord, async () => {
    const record = await lastOf(paths)
    if (record === undefined) return E.right(undefined)
    const cursor = loaded.cursor as LogCursor
    if (record.position > cursor.position)
      return E.left(lostItsEnd(paths, paths.snapshotRecord, cursor.offset, record.position, record.offset))
    return E.right((await ofThisLog(paths, cursor, record)) ? record : undefined)
  })

/** The last `count` records of writes at points of this log, newest first (older points of a longer log are left). */
export const readRecords = (
  paths: StorePaths,
  loaded: Loaded,
  count: number,
): TE.TaskEither<StateError, ReadonlyArray<SnapshotRecord>> =>
  attempt('read the records of the snapshot', paths.snapshotRecord, async () => {
    const bytes = await readFileIfThere(paths.snapshotRecord)
    const cursor = loaded.cursor as LogCursor
    const found: SnapshotRecord[] = []
    for (const record of bytes === undefined ? [] : decodeSnapshotRecords(bytes)) {
      if (found.length === count) break
      if (record.position > cursor.position || found.some((seen) => seen.position === record.position)) continue
      if (await ofThisLog(paths, cursor, record)) found.push(record)
    }
    return E.right(found)
  })
