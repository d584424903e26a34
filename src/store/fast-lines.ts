/**
 * Fast readers for the two line shapes that make up a deploy history, `PhaseUpdated` and `ReleaseCreated` as this
 * module writes them: `JSON.parse` and the codec's guard cost more than the rest of a replay. Such a line without
 * escapes is a fixed template, one regular expression that checks every value the codecs check by grammar; the result
 * is what the general path would give, and anything else is left to it (`undefined` means "not this shape", never
 * "invalid"). test/store/fast-lines.test.ts holds them equal to the general path.
 */
import type { EventEnvelope } from '../domain/events.js'
import { MAX_LOG_LINE_BYTES } from '../domain/json-limits.js'
import { PHASE_STATUSES, PHASES } from '../domain/phase.js'
import { Timestamp } from '../domain/timestamp.js'
import type { DecodedLine } from './log-line.js'

// A JSON string's content with nothing to unescape.
const PLAIN = String.raw`[^"\\\u0000-\u001f]`
const ULID = '[0-9A-HJKMNP-TV-Z]{26}'
const PHASE = PHASES.join('|')
const STATUS = PHASE_STATUSES.join('|')

const HEAD = (type: string): string =>
  String.raw`^\{"v":1,"id":"(${ULID})","type":"${type}","recordedAt":"(${PLAIN}*)",` +
  String.raw`"meta":\{"actor":"(${PLAIN}*)","host":"(${PLAIN}*)","pid":(0|[1-9]\d{0,15}),` +
  String.raw`"command":"(${ULID})"(?:,"writer":"(${PLAIN}*)")?\},`
const TAIL = String.raw`"prev":"(${PLAIN}*)"\}$`

const PHASE_UPDATED = new RegExp(
  HEAD('PhaseUpdated') +
    String.raw`"data":\{"releaseId":"(${PLAIN}+)","phase":"(${PHASE})","from":"(${STATUS})","to":"(${STATUS})"\},` +
    TAIL,
)

const RELEASE_CREATED = new RegExp(
  HEAD('ReleaseCreated') +
    String.raw`"data":\{"release":\{"id":"(${PLAIN}+)","environment":"(${PLAIN}*)","version":"(${PLAIN}*)",` +
    String.raw`"commitSha":"(${PLAIN}*)","timestamp":"(${PLAIN}*)",` +
    `"phases":\\{${PHASES.map((phase) => `"${phase}":"(${STATUS})"`).join(',')}\\}` +
    String.raw`(?:,"previousId":"(${PLAIN}+)")?\}(?:,"rollbackOf":"(${PLAIN}+)")?(?:,"note":"(${PLAIN}*)")?\},` +
    TAIL,
)

type Meta = EventEnvelope['meta']

// A line that may be past the general path's length limit is left to it, so that both refuse the same lines.
const MAX_FAST_LINE = Math.floor(MAX_LOG_LINE_BYTES / 3)

// The writer only when the line has one: the general path gives the object as the line has it.
const meta = (
  actor: string | undefined,
  host: string | undefined,
  pid: string | undefined,
  command: string | undefined,
  writer: string | undefined,
): Meta =>
  (writer === undefined
    ? { actor, host, pid: Number(pid), command }
    : { actor, host, pid: Number(pid), command, writer }) as Meta

const phaseUpdatedLine = (
  id: string | undefined,
  recordedAt: string,
  actor: string | undefined,
  host: string | undefined,
  pid: string | undefined,
  command: string | undefined,
  writer: string | undefined,
  releaseId: string | undefined,
  phase: string | undefined,
  from: string | undefined,
  to: string | undefined,
  prev: string,
): DecodedLine | undefined => {
  if (!Timestamp.is(recordedAt)) return undefined
  const envelope = {
    v: 1,
    id,
    type: 'PhaseUpdated',
    recordedAt,
    meta: meta(actor, host, pid, command, writer),
    data: { releaseId, phase, from, to },
  }
  return { envelope: envelope as EventEnvelope, prev }
}

/** The `PhaseUpdated` template's source: a worker checks lines against it ahead of the reader (line-hasher.ts). */
export const PHASE_UPDATED_SOURCE = PHASE_UPDATED.source

// The template's text between its values, in order.
const AFTER_ID = '","type":"PhaseUpdated","recordedAt":"'.length
const AFTER_RECORDED_AT = '","meta":{"actor":"'.length
const AFTER_ACTOR = '","host":"'.length
const AFTER_HOST = '","pid":'.length
const AFTER_PID = ',"command":"'.length
const WRITER = '","writer":"'
const AFTER_COMMAND = '"},"data":{"releaseId":"'.length
const AFTER_RELEASE_ID = '","phase":"'.length
const AFTER_PHASE = '","from":"'.length
const AFTER_FROM = '","to":"'.length
const AFTER_TO = '"},"prev":"'.length

/** A line known to match the `PhaseUpdated` template, read without matching again: values end at a quote. */
export const readMatchedPhaseUpdated = (text: string): DecodedLine | undefined => {
  if (text.length > MAX_FAST_LINE) return undefined
  let at = '{"v":1,"id":"'.length
  const id = text.slice(at, (at += 26))
  at += AFTER_ID
  let end = text.indexOf('"', at)
  const recordedAt = text.slice(at, end)
  end = text.indexOf('"', (at = end + AFTER_RECORDED_AT))
  const actor = text.slice(at, end)
  end = text.indexOf('"', (at = end + AFTER_ACTOR))
  const host = text.slice(at, end)
  end = text.indexOf(',', (at = end + AFTER_HOST))
  const pid = text.slice(at, end)
  at = end + AFTER_PID
  const command = text.slice(at, (at += 26))
  let writer: string | undefined
  if (text.startsWith(WRITER, at)) {
    end = text.indexOf('"', (at += WRITER.length))
    writer = text.slice(at, (at = end))
  }
  end = text.indexOf('"', (at += AFTER_COMMAND))
  const releaseId = text.slice(at, end)
  end = text.indexOf('"', (at = end + AFTER_RELEASE_ID))
  const phase = text.slice(at, end)
  end = text.indexOf('"', (at = end + AFTER_PHASE))
  const from = text.slice(at, end)
  end = text.indexOf('"', (at = end + AFTER_FROM))
  const to = text.slice(at, end)
  return phaseUpdatedLine(
    id,
    recordedAt,
    actor,
    host,
    pid,
    command,
    writer,
    releaseId,
    phase,
    from,
    to,
    text.slice(end + AFTER_TO, -2),
  )
}

/** A `PhaseUpdated` or `ReleaseCreated` line as the general path would read it, or `undefined` if of neither shape. */
export const readFastLine = (text: string): DecodedLine | undefined => {
  if (text.length > MAX_FAST_LINE) return undefined
  const updated = PHASE_UPDATED.exec(text)
  // Indexed, not destructured: this runs for nearly every line of a long log.
  if (updated !== null)
    return phaseUpdatedLine(
      updated[1],
      updated[2] as string,
      updated[3],
      updated[4],
      updated[5],
      updated[6],
      updated[7],
      updated[8],
      updated[9],
      updated[10],
      updated[11],
      updated[12] as string,
    )
  // A created release lives on in the state: strings from JSON.parse, not slices that would keep the whole line alive.
  const created = RELEASE_CREATED.exec(text)
  // Groups: 2 is when it was recorded, 12 the release's timestamp (7 the writer, when there is one).
  if (created === null || !Timestamp.is(created[2] ?? '') || !Timestamp.is(created[12] ?? '')) return undefined
  const { prev, ...envelope } = JSON.parse(text) as EventEnvelope & { prev: string }
  return { envelope: envelope as EventEnvelope, prev }
}
