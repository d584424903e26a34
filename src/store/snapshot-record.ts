/**
 * The record of the last `releases.json` written: its SHA-256 and the point of the log it showed, appended to
 * `releases.json.sha256` after the snapshot's rename. It tells a snapshot this module left from one changed by someone
 * else, by its bytes, not file times. Not fsynced: a power loss may lose or tear its last lines (never ahead of the
 * snapshot), which each line's own SHA-256 shows.
 */
import { hash } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { MAX_LINE_DEPTH, tooDeep } from '../domain/json-limits.js'
import { Count } from './checkpoint-format.js'
import { replaceFileSync } from './replace-file.js'
import type { Fingerprint } from './snapshot-file.js'

/** What was written, and when in the log. */
export const SnapshotRecord = t.intersection(
  [
    t.type({
      sha256: t.string,
      bytes: Count,
      position: Count,
      offset: Count,
      /** The chain's hash at that position: the SHA-256 of the log's line there. */
      hash: t.string,
      /** Whether the bytes are this module's projection of the log there (not a file kept in its own layout). */
      projection: t.boolean,
    }),
    t.partial({
      /** The file's inode, size and times just after its rename: a reader that finds them unchanged hashes nothing. */
      file: t.type({ ino: t.string, size: t.string, mtimeNs: t.string, ctimeNs: t.string }),
    }),
  ],
  'SnapshotRecord',
)
export type SnapshotRecord = t.TypeOf<typeof SnapshotRecord>

/** How long the record file may grow before a write starts it again with its last records. */
const COMPACT_AT_BYTES = 64 * 1024

/** How many records compaction keeps: the files another tool's write may have started from (outside-writes.ts). */
export const RECORDS_KEPT = 16

/** A record as a line of the record file: its JSON, a space, and the SHA-256 of the JSON. */
export const encodeSnapshotRecord = (record: SnapshotRecord): Buffer => {
  const json = JSON.stringify(record)
  return Buffer.from(`${json} ${hash('sha256', json, 'hex')}\n`, 'utf8')
}

const RECORD_MAX_CHARS = 64 * 1024

const decodeLine = (line: string): SnapshotRecord | undefined => {
  const space = line.lastIndexOf(' ')
  const json = line.slice(0, space)
  // A record is a few hundred bytes of flat JSON: a longer or deeper line is none (it is not read).
  if (space === -1 || json.length > RECORD_MAX_CHARS || tooDeep(json, MAX_LINE_DEPTH) !== undefined) return undefined
  if (hash('sha256', json, 'hex') !== line.slice(space + 1)) return undefined
  try {
    const record: unknown = JSON.parse(json)
    return SnapshotRecord.is(record) ? record : undefined
  } catch {
    return undefined
  }
}

/** The last whole record of a record file, or why there is none (a torn last line gives the one before). */
export const decodeSnapshotRecord = (bytes: Buffer): E.Either<string, SnapshotRecord> => {
  const lines = bytes.toString('utf8').split('\n')
  for (let i = lines.length - 1; i >= 0; i--) {
    const record = decodeLine(lines[i] as string)
    if (record !== undefined) return E.right(record)
  }
  return E.left('it holds no whole record')
}

/** Every whole record of a record file, newest first. */
export const decodeSnapshotRecords = (bytes: Buffer): ReadonlyArray<SnapshotRecord> =>
  bytes
    .toString('utf8')
    .split('\n')
    .map(decodeLine)
    .filter((record): record is SnapshotRecord => record !== undefined)
    .reverse()

/**
 * Records the snapshot just written by appending a line, cheaper than replacing the file (ext4 makes a rename over a
 * file wait for its blocks) and as well ordered after the snapshot's rename through a power loss. Started again with
 * the last records past 64 KiB.
 */
export const appendSnapshotRecord = (path: string, record: SnapshotRecord): void => {
  const line = encodeSnapshotRecord(record)
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o666)
  let size: number
  try {
    for (let written = 0; written < line.length;) written += writeSync(fd, line, written, line.length - written)
    size = fstatSync(fd).size
  } finally {
    closeSync(fd)
  }
  if (size > COMPACT_AT_BYTES) replaceFileSync(path, lastLines(readFileSync(path), RECORDS_KEPT))
}

// The last `count` whole lines (a torn last line, from a power loss, is left out).
const lastLines = (bytes: Buffer, count: number): Buffer => {
  const lines = bytes.toString('utf8').split('\n').slice(0, -1)
  return Buffer.from(`${lines.slice(-count).join('\n')}\n`, 'utf8')
}

/** A file's fingerprint as a record keeps it (numbers as text: they are 64-bit), or nothing when there is none. */
export const recordedFile = (fingerprint: Fingerprint | undefined): Pick<SnapshotRecord, 'file'> =>
  fingerprint === undefined
    ? {}
    : {
        file: {
          ino: String(fingerprint.ino),
          size: String(fingerprint.size),
          mtimeNs: String(fingerprint.mtimeNs),
          ctimeNs: String(fingerprint.ctimeNs),
        },
      }

/** Whether the file is still as the record found it just after writing it. */
export const stillRecorded = (record: SnapshotRecord | undefined, fingerprint: Fingerprint): boolean => {
  const file = record?.file
  return (
    file !== undefined &&
    file.ino === String(fingerprint.ino) &&
    file.size === String(fingerprint.size) &&
    file.mtimeNs === String(fingerprint.mtimeNs) &&
    file.ctimeNs === String(fingerprint.ctimeNs)
  )
}
