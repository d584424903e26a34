/**
 * The checkpoint file: the state folded from the event log up to a line of it, so that opening a store folds only
 * the lines after. A cache: deleting it loses nothing.
 *
 * Layout, one item a line:
 *   stagecraft-state checkpoint 1       the format and its version
 *   {"id":"rel-…",…}                   one line per release, in the state's (id) order: its stored
 *   …                                  form, and what the history knows of it (`facts`)
 *   {"key":"…",…}                      one line per request id, in id order: its first use
 *   …                                  (checkpoint-requests.ts; from format 2)
 *   {"position":…,"offset":…,…}         the header: the anchor in the log, and the rest of the state
 *   sha256 <hex>                        the SHA-256 of every byte before this line
 *
 * Release lines come first and in id order, so that a command finds a release by a binary search over the bytes, and
 * a new checkpoint is the old one with the changed lines spliced in.
 */
import { hash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { describeDecodeErrors } from '../domain/decode-errors.js'
import { deepFreeze } from '../domain/deep-freeze.js'
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, SnapshotFields, SnapshotFieldTexts } from '../domain/events.js'
import {
  MAX_CHECKPOINT_LINE_BYTES,
  MAX_LINE_DEPTH,
  tooDeep,
  tooDeepProblem,
  tooLongProblem,
} from '../domain/json-limits.js'
import { quote } from '../domain/show.js'
import {
  factsOf,
  keepFacts,
  keepPreserved,
  type Release,
  ReleaseFacts,
  StoredRelease,
  storedForm,
} from '../domain/release.js'
import { ReleaseId } from '../domain/release-id.js'
import type { State } from '../domain/state.js'
import { Timestamp } from '../domain/timestamp.js'
import { StateError } from '../domain/state-error.js'
import type { RecordLayout } from './sorted-records.js'

/** The format this module writes and reads. */
export const CHECKPOINT_VERSION = 3

/** The first line of every checkpoint, up to its version number. */
export const CHECKPOINT_MAGIC = 'stagecraft-state checkpoint '

const encoder = new TextEncoder()
const FIRST_LINE = encoder.encode(`${CHECKPOINT_MAGIC}${CHECKPOINT_VERSION}\n`)

/** A count or an offset: a whole number, 0 or more. */
export const Count = new t.Type<number, number, unknown>(
  'Count',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, context) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, context)),
  (n) => n,
)

/** Where in the log a checkpoint was taken: after the line at `position`, which ends at `offset`. */
export const CheckpointAnchor = t.type(
  {
    /** How many events the state folds. */
    position: Count,
    /** The byte offset where the line after it starts. */
    offset: Count,
    /** The SHA-256 of the last line folded (without its newline): the chain's hash there. */
    hash: t.string,
  },
  'CheckpointAnchor',
)
export type CheckpointAnchor = t.TypeOf<typeof CheckpointAnchor>

/** The header line: the anchor and everything of the state but its releases. */
export const CheckpointHeader = t.intersection(
  [
    CheckpointAnchor,
    t.type({
      lastRecordedAt: t.union([Timestamp, t.null]),
      greatestId: t.union([ReleaseId, t.null]),
      /** How many ids the release lines hold (a Go-written file may give two releases one id). */
      ids: Count,
      /** Each environment's current release: its id, and its index among the releases holding that id. */
      current: t.readonlyArray(t.tuple([t.string, ReleaseId, Count])),
      /** Top-level fields of an imported `releases.json`, parsed. */
      otherFields: SnapshotFields,
      requests: Count,
      /** The length of the request lines in bytes: they end where the header starts. */
      keyBytes: Count,
    }),
    // Absent from a checkpoint written by an earlier version, which is read as before.
    t.partial({
      /** The same, as the file wrote them (top-level-fields.ts). */
      otherFieldsJson: SnapshotFieldTexts,
      /** The envelope version and event types its writer knew: a version not knowing them all does not use it. */
      events: t.type({ v: t.number, types: t.readonlyArray(t.string) }),
    }),
  ],
  'CheckpointHeader',
)
export type CheckpointHeader = t.TypeOf<typeof CheckpointHeader>

/** One release line: the release as an event records it, and its facts. */
export const CheckpointRelease = t.intersection(
  [StoredRelease, t.partial({ facts: ReleaseFacts })],
  'CheckpointRelease',
)
export type CheckpointRelease = t.TypeOf<typeof CheckpointRelease>

/** A release as a checkpoint line (and a projection row's `body`) holds it: stored form and facts, as JSON. */
export const releaseJson = (release: Release): string => {
  const { id, environment, version, commitSha, timestamp, phases, previousId, preserved } = storedForm(release)
  const facts = factsOf(release)
  const hasFacts = Object.keys(facts).length > 0
  return JSON.stringify({
    id,
    environment,
    version,
    commitSha,
    timestamp,
    phases,
    ...(previousId === undefined ? {} : { previousId }),
    ...(preserved === undefined ? {} : { preserved }),
    ...(hasFacts ? { facts } : {}),
  })
}

/** A release's line, with its newline; not cached, since a new checkpoint only makes the lines that changed. */
export const releaseLine = (release: Release): Uint8Array => encoder.encode(`${releaseJson(release)}\n`)

const TRAILER = 'sha256 '
const MARKER = encoder.encode('\n{"id":')

/** The release lines of a checkpoint. */
export const CHECKPOINT_LAYOUT: RecordLayout = {
  marker: MARKER,
  idOffset: MARKER.length - 1,
  separator: new Uint8Array(0),
  encode: releaseLine,
}

/** What makes a checkpoint line (or a projection row's JSON) too long or too deep to read, or `undefined`. */
export const checkpointLineProblem = (text: string): string | undefined => {
  // A character is at most 3 bytes, so a shorter text cannot be too long.
  const bytes = text.length > MAX_CHECKPOINT_LINE_BYTES / 3 ? Buffer.byteLength(text) : 0
  if (bytes > MAX_CHECKPOINT_LINE_BYTES) return tooLongProblem('the line', bytes, MAX_CHECKPOINT_LINE_BYTES)
  const deep = tooDeep(text, MAX_LINE_DEPTH)
  return deep === undefined ? undefined : tooDeepProblem(deep)
}

/** A release line read back: the release of the state it was, or why not. */
export const decodeReleaseLine = (text: string): E.Either<string, Release> => {
  const unbounded = checkpointLineProblem(text)
  if (unbounded !== undefined) return E.left(unbounded)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return E.left(`not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  if (!CheckpointRelease.is(json)) {
    const decoded = CheckpointRelease.decode(json)
    return E.left(
      E.isLeft(decoded) ? `not a release: ${describeDecodeErrors(decoded.left).join('; ')}` : 'not a release',
    )
  }
  const { id, environment, version, commitSha, timestamp, phases, previousId, preserved, facts } = json
  const release: Release =
    previousId === undefined
      ? { id, environment, version, commitSha, timestamp, phases }
      : { id, environment, version, commitSha, timestamp, phases, previousId }
  if (preserved !== undefined) keepPreserved(release, deepFreeze(preserved))
  if (facts !== undefined) keepFacts(release, facts)
  return E.right(deepFreeze(release))
}

/** Each environment's current release as stores keep it: its id, and its index among that id's releases. */
export const currentIndexes = (state: State): Array<[string, ReleaseId, number]> =>
  Array.from(state.current, ([environment, release]) => [
    environment,
    release.id,
    Math.max(0, state.releases.get(release.id)?.indexOf(release) ?? 0),
  ])

/** The header of a state at an anchor, its request lines `keyBytes` long. */
export const headerOf = (
  state: State,
  anchor: CheckpointAnchor,
  lastRecordedAt: Timestamp | undefined,
  keyBytes: number,
): CheckpointHeader => ({
  ...anchor,
  lastRecordedAt: lastRecordedAt ?? null,
  greatestId: state.greatestId ?? null,
  ids: state.releases.size,
  current: currentIndexes(state),
  otherFields: state.otherFields,
  ...(state.otherFieldsJson === undefined ? {} : { otherFieldsJson: state.otherFieldsJson }),
  events: WRITER_EVENTS,
  requests: state.requests.size,
  keyBytes,
})

const WRITER_EVENTS = { v: EVENT_SCHEMA_VERSION, types: EVENT_TYPES }
const KNOWN_TYPES = new Set<string>(EVENT_TYPES)

/**
 * Why a checkpoint's writer knew events this version does not, if it did: it may have folded events a replay by this
 * version skips (and then refuses to write over), so it is not used.
 */
const newerEvents = (header: CheckpointHeader): Mistrust | undefined => {
  const { events } = header
  // Written before checkpoints said: by a version that refused any event it did not know.
  if (events === undefined) return undefined
  const newer = 'it was written by a newer stagecraft-state, which'
  if (events.v > EVENT_SCHEMA_VERSION)
    return `${newer} reads envelope version ${events.v} (this one reads ${EVENT_SCHEMA_VERSION})`
  const unknown = events.types.filter((type) => !KNOWN_TYPES.has(type))
  return unknown.length === 0
    ? undefined
    : `${newer} knows event types this one does not (${unknown.map((type) => quote(type)).join(', ')})`
}

/** The number of the line of `bytes` that starts at `offset`, counting from 1. */
export const lineNumberAt = (bytes: Uint8Array, offset: number): number =>
  bytes.subarray(0, offset).reduce((count, byte) => (byte === 10 ? count + 1 : count), 1)

/** `CORRUPT_STATE` for a line of the checkpoint at `path`, starting at `offset` of its bytes, that does not decode. */
export const damagedLine = (path: string, bytes: Uint8Array, offset: number, why: string): StateError =>
  new StateError(
    'CORRUPT_STATE',
    `${path}:${lineNumberAt(bytes, offset)}: ${why}; the checkpoint is only a cache: delete it and the ` +
      'store is read from its event log',
  )

export const headerLine = (header: CheckpointHeader): Uint8Array => encoder.encode(`${JSON.stringify(header)}\n`)

/** The last line of a checkpoint: the SHA-256 of every byte before it. */
export const trailerLine = (before: Uint8Array): Uint8Array =>
  encoder.encode(`${TRAILER}${hash('sha256', before, 'hex')}\n`)

export const checkpointStart = (): Uint8Array => FIRST_LINE

/** A checkpoint read back: its header, and where its release lines are in its bytes. */
export interface CheckpointFile {
  readonly bytes: Buffer
  readonly header: CheckpointHeader
  /** The release lines: from the start of the first to the end of the last (its newline included). */
  readonly lines: { readonly start: number; readonly end: number }
  readonly keys: { readonly start: number; readonly end: number }
}

/** Why a checkpoint is not used, in words (the reader replays the whole log instead). */
export type Mistrust = string

/** Reads a checkpoint's bytes: the file it is, or why it cannot be trusted. */
export const decodeCheckpoint = (bytes: Buffer): E.Either<Mistrust, CheckpointFile> => {
  const firstNewline = bytes.indexOf(10)
  if (firstNewline === -1 || !bytes.toString('utf8', 0, firstNewline).startsWith(CHECKPOINT_MAGIC))
    return E.left('it is not a checkpoint (its first line is not "stagecraft-state checkpoint N")')
  const version = Number(bytes.toString('utf8', CHECKPOINT_MAGIC.length, firstNewline))
  if (version !== CHECKPOINT_VERSION)
    return E.left(
      `it is of format ${bytes.toString('utf8', CHECKPOINT_MAGIC.length, firstNewline)}, and this version ` +
        `of stagecraft-state reads format ${CHECKPOINT_VERSION}`,
    )
  if (bytes.length < 2 || bytes[bytes.length - 1] !== 10)
    return E.left('it is incomplete (it does not end with a newline: torn by a crash)')
  const trailerStart = bytes.lastIndexOf(10, bytes.length - 2) + 1
  const trailer = bytes.toString('latin1', trailerStart, bytes.length - 1)
  if (!trailer.startsWith(TRAILER) || trailerStart <= firstNewline)
    return E.left('it is incomplete (its last line is not its SHA-256)')
  if (hash('sha256', bytes.subarray(0, trailerStart), 'hex') !== trailer.slice(TRAILER.length))
    return E.left('its content does not match its SHA-256 (torn or changed since it was written)')
  const headerStart = bytes.lastIndexOf(10, trailerStart - 2) + 1
  if (headerStart <= firstNewline) return E.left('it has no header line')
  const headerText = bytes.toString('utf8', headerStart, trailerStart - 1)
  const unbounded = checkpointLineProblem(headerText)
  if (unbounded !== undefined) {
    return E.left(`its header (line ${lineNumberAt(bytes, headerStart)}) cannot be read: ${unbounded}`)
  }
  return pipe(
    E.tryCatch(
      () => JSON.parse(headerText) as unknown,
      () => 'its header is not valid JSON',
    ),
    // The guard first: it accepts what decode would, at a fraction of the cost; decode words a refusal.
    E.chain((json) =>
      CheckpointHeader.is(json)
        ? E.right(json)
        : pipe(
            CheckpointHeader.decode(json),
            E.mapLeft((errors) => `its header is not one: ${describeDecodeErrors(errors).join('; ')}`),
          ),
    ),
    E.chain((header) => {
      const newer = newerEvents(header)
      return newer === undefined ? E.right(header) : E.left(newer)
    }),
    E.filterOrElse(
      (header) => headerStart - header.keyBytes > firstNewline,
      (header) => `its header says its request lines are ${header.keyBytes} bytes long, more than all its lines`,
    ),
    E.map((header) => {
      const keysAt = headerStart - header.keyBytes
      return {
        bytes,
        header,
        lines: { start: firstNewline + 1, end: keysAt },
        keys: { start: keysAt, end: headerStart },
      }
    }),
  )
}
