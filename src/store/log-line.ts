/**
 * One line of the event log: an event envelope plus `prev`, the SHA-256 of the line before it (64 zeros for the first),
 * so that editing, deleting or reordering a line breaks the chain.
 */
import { hash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describeDecodeErrors } from '../domain/decode-errors.js'
import {
  MAX_LINE_DEPTH,
  MAX_LOG_LINE_BYTES,
  MAX_SNAPSHOT_LINE_BYTES,
  tooDeep,
  tooDeepProblem,
  tooLongProblem,
} from '../domain/json-limits.js'
import { withoutControls } from '../domain/show.js'
import { EventEnvelope } from '../domain/events.js'
import { type Foreign, foreignEvent } from '../domain/foreign.js'
import { readFastLine } from './fast-lines.js'

/** The `prev` of the first line. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * The persisted shape of a log line. `prev` needs no format check of its own: a reader compares it with the hash it
 * computed of the line before, which only a 64-digit lowercase hex string can equal, and a mismatch is reported as what
 * it is, a break in the chain.
 */
export const LogLine = t.intersection([EventEnvelope, t.type({ prev: t.string })], 'LogLine')
export type LogLine = t.TypeOf<typeof LogLine>

/** The SHA-256 of a line's bytes (without its newline), in hex. */
export const hashLine = (line: Uint8Array | string): string => hash('sha256', line, 'hex')

/** The text of a line (without its newline), keys in a fixed order. */
export const encodeLogLine = (envelope: EventEnvelope, prev: string): string =>
  JSON.stringify({
    v: envelope.v,
    id: envelope.id,
    type: envelope.type,
    recordedAt: envelope.recordedAt,
    meta: envelope.meta,
    data: envelope.data,
    prev,
  })

/** A line, read: the event's envelope, and the hash of the line before it that the line names. */
export interface DecodedLine {
  readonly envelope: EventEnvelope
  readonly prev: string
}

// The events that carry a whole releases.json, as encodeLogLine begins their lines.
const CARRIES_A_SNAPSHOT = /^\{"v":1,"id":"[0-9A-Z]{26}","type":"Snapshot(?:Imported|Reconciled)"/

/**
 * What makes a line too long or too deep to read (json-limits.ts), or `undefined`. Its length in bytes is only measured
 * when it may be past the limit (a character is at most 3 bytes).
 */
export const lineBoundProblem = (text: string): string | undefined => {
  if (text.length > MAX_LOG_LINE_BYTES / 3) {
    const bytes = Buffer.byteLength(text)
    const limit = CARRIES_A_SNAPSHOT.test(text) ? MAX_SNAPSHOT_LINE_BYTES : MAX_LOG_LINE_BYTES
    if (bytes > limit) return tooLongProblem('the line', bytes, limit)
  }
  const deep = tooDeep(text, MAX_LINE_DEPTH)
  return deep === undefined ? undefined : tooDeepProblem(deep)
}

/**
 * Why one of `envelopes` would be a line that readers refuse (too long, too deep), or undefined: checked before an
 * append, so that nothing is recorded that cannot be read back. Long values come from an imported releases.json (an id
 * of a megabyte, copied into every later event that names it). The import and reconcile events themselves are left out:
 * they carry a file already read within the bounds, and their own limit is far above that file's.
 */
export const unreadableLine = (envelopes: ReadonlyArray<EventEnvelope>): string | undefined => {
  for (const envelope of envelopes) {
    if (envelope.type === 'SnapshotImported' || envelope.type === 'SnapshotReconciled') continue
    const problem = lineBoundProblem(encodeLogLine(envelope, GENESIS_HASH))
    if (problem !== undefined) return `its ${envelope.type} event would be a line that cannot be read back: ${problem}`
  }
  return undefined
}

/**
 * A line a newer version of this module wrote (foreign.ts): what can be told of its event, and the `prev` it names, so
 * that the hash chain is checked through it like through any other line.
 */
export interface ForeignLine {
  readonly foreign: Foreign
  readonly prev: string
}

/** Whether a line read is one this version cannot interpret. */
export const isForeignLine = (line: DecodedLine | ForeignLine): line is ForeignLine => 'foreign' in line

/**
 * The general path: the bounds, `JSON.parse`, then the codec (its guard, and `decode` to word a refusal). A line the
 * codec refuses may still be a well-formed event of a newer version: not damage.
 */
export const decodeLineInGeneral = (text: string): E.Either<string, DecodedLine | ForeignLine> => {
  const unbounded = lineBoundProblem(text)
  if (unbounded !== undefined) return E.left(unbounded)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return E.left(`not valid JSON (${withoutControls(error instanceof Error ? error.message : String(error))})`)
  }
  // None of the codecs transforms a value, so what `is` accepts is exactly what `decode` would return (the same
  // object): the guard is the fast check, `decode` only words a refusal.
  if (LogLine.is(json)) return E.right({ envelope: envelopeOf(json), prev: json.prev })
  const foreign = foreignEvent(json)
  // An object, when foreign: its `prev` is checked like any line's.
  const prev = foreign === undefined ? undefined : (json as { prev?: unknown }).prev
  if (foreign !== undefined && typeof prev === 'string') return E.right({ foreign, prev })
  const decoded = LogLine.decode(json)
  return E.isLeft(decoded)
    ? E.left(`not an event: ${describeDecodeErrors(decoded.left).join('; ')}`)
    : E.right({ envelope: envelopeOf(decoded.right), prev: decoded.right.prev })
}

/** The envelope and `prev` of a line's text, or what is wrong with it. */
export const decodeLogLine = (text: string): E.Either<string, DecodedLine | ForeignLine> => {
  const fast = readFastLine(text)
  return fast === undefined ? decodeLineInGeneral(text) : E.right(fast)
}

/** The envelope without `prev`, for callers that show events (a replay uses the line as it is). */
export const withoutPrev = <A extends object>(envelope: A): Omit<A, 'prev'> => {
  if (!('prev' in envelope)) return envelope
  const { prev: _prev, ...rest } = envelope as A & { prev: unknown }
  return rest
}

/** The envelope as the domain knows it: the line without `prev`. */
export const envelopeOf = (line: LogLine): EventEnvelope => withoutPrev(line) as EventEnvelope
