/** A log line: an event envelope plus `prev`, the SHA-256 of the line before, so any edit breaks the chain. */
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
import { EventEnvelope, recordsAFile } from '../domain/events.js'
import { type Foreign, foreignEvent } from '../domain/foreign.js'
import { readFastLine } from './fast-lines.js'

/** The `prev` of the first line. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * The persisted shape of a log line. `prev` needs no format check: only a 64-digit hex string can equal the hash of the
 * line before, and a mismatch is reported as what it is, a break in the chain.
 */
export const LogLine = t.intersection([EventEnvelope, t.type({ prev: t.string })], 'LogLine')
export type LogLine = t.TypeOf<typeof LogLine>

/** The SHA-256 of a line's bytes (without its newline), in hex. */
export const hashLine = (line: Uint8Array | string): string => hash('sha256', line, 'hex')

/**
 * What a record whose `prev` is not the hash of the one before it says: a `line` of the file log,
 * an `event` of a table or of memory, at 1-based `position`.
 */
export const chainProblem = (position: number, record: 'line' | 'event'): string =>
  position === 1
    ? `the hash chain is broken: the first ${record} does not start the chain (${record}s before it were deleted)`
    : `the hash chain is broken: this ${record} does not follow ${record} ${position - 1} as written ` +
      `(${record} ${position - 1} was edited, or ${record}s were deleted or reordered)`

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

/** What makes a line too long or too deep to read (json-limits.ts), or `undefined`. */
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
 * Why one of `envelopes` would be a line readers refuse, or undefined: checked before an append, so that nothing is
 * recorded that cannot be read back. Import and reconcile events are left out: their file was read within bounds far
 * below their own limit.
 */
export const unreadableLine = (envelopes: ReadonlyArray<EventEnvelope>): string | undefined => {
  for (const envelope of envelopes) {
    if (recordsAFile(envelope)) continue
    const problem = lineBoundProblem(encodeLogLine(envelope, GENESIS_HASH))
    if (problem !== undefined) return `its ${envelope.type} event would be a line that cannot be read back: ${problem}`
  }
  return undefined
}

/** A line a newer version wrote (foreign.ts): what can be told of its event, and its `prev`, for the chain. */
export interface ForeignLine {
  readonly foreign: Foreign
  readonly prev: string
}

/** Whether a line read is one this version cannot interpret. */
export const isForeignLine = (line: DecodedLine | ForeignLine): line is ForeignLine => 'foreign' in line

/** The general path: bounds, `JSON.parse`, the codec; a refused line may still be a newer version's event. */
export const decodeLineInGeneral = (text: string): E.Either<string, DecodedLine | ForeignLine> => {
  const unbounded = lineBoundProblem(text)
  if (unbounded !== undefined) return E.left(unbounded)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return E.left(`not valid JSON (${withoutControls(error instanceof Error ? error.message : String(error))})`)
  }
  // No codec transforms a value, so the guard accepts exactly what `decode` returns; `decode` only words a refusal.
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
