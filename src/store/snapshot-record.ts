/**
 * The record of the last `releases.json` written: its SHA-256, and the point of the log it showed.
 * Written after every write that replaced the snapshot (after its rename), beside it, as
 * `releases.json.sha256`: what tells a snapshot this module left (in step, or behind the log after
 * an interrupted write) from one changed by someone else, by its bytes, not by file times.
 *
 * Not fsynced: after a power loss it may be older than the snapshot (never newer: it is written
 * after it) or torn, which its own SHA-256 shows; a writer then judges the snapshot without it.
 */
import { hash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { Count } from './checkpoint-format.js'

/** What was written, and when in the log. */
export const SnapshotRecord = t.type(
  {
    /** The SHA-256 of the snapshot's bytes. */
    sha256: t.string,
    /** How many bytes it had. */
    bytes: Count,
    /** The number of events of the log it showed. */
    position: Count,
    /** Where the log's next line would start then. */
    offset: Count,
    /** The chain's hash at that position: the SHA-256 of the log's line there. */
    hash: t.string,
    /**
     * Whether the bytes are this module's projection of the log there; not when a file was kept
     * as it was (an imported or accepted file in its own layout), which is never spliced.
     */
    projection: t.boolean,
  },
  'SnapshotRecord',
)
export type SnapshotRecord = t.TypeOf<typeof SnapshotRecord>

const TRAILER = 'sha256 '

/** The bytes of a record file. */
export const encodeSnapshotRecord = (record: SnapshotRecord): Buffer => {
  const line = `${JSON.stringify(record)}\n`
  return Buffer.from(`${line}${TRAILER}${hash('sha256', line, 'hex')}\n`, 'utf8')
}

/** A record file read back, or why it cannot be used. */
export const decodeSnapshotRecord = (bytes: Buffer): E.Either<string, SnapshotRecord> => {
  const text = bytes.toString('utf8')
  const newline = text.indexOf('\n')
  const line = text.slice(0, newline + 1)
  if (newline === -1 || text !== `${line}${TRAILER}${hash('sha256', line, 'hex')}\n`) return E.left('it is torn or was changed (its content does not match its SHA-256)')
  return pipe(
    E.tryCatch(() => JSON.parse(line) as unknown, () => 'it is not valid JSON'),
    E.chain((json) => (SnapshotRecord.is(json) ? E.right(json) : E.left('it is not a record of a snapshot'))),
  )
}
