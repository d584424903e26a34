/**
 * Events from a newer version of this module: a well-formed envelope whose `type` or version `v` this one does not
 * know. Not damage: named, skipped by reads, and refusing writes (docs/events.md, "Compatibility policy").
 */
import * as t from 'io-ts'
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, EventMetadata, Ulid } from './events.js'
import { quote } from './show.js'
import { Timestamp } from './timestamp.js'

/** What this version can tell of an event it cannot interpret. */
export interface Foreign {
  readonly v: number
  readonly type?: string
  /** The stagecraft-state version that recorded it, when its envelope says (`meta.writer`). */
  readonly writer?: string
  /** The command it belongs to and how many events that command recorded, when its envelope says. */
  readonly command?: string
  readonly events?: number
}

// An envelope of this version whose type is not one of ours: every field but `data` as ours are.
const SameVersionEnvelope = t.type({
  v: t.literal(EVENT_SCHEMA_VERSION),
  id: Ulid,
  type: t.string,
  recordedAt: Timestamp,
  meta: EventMetadata,
})

const KNOWN = new Set<string>(EVENT_TYPES)

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined
// A name, not a payload: a long one is not shown.
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined

/** The newer-version event a decoded line is, if any; a known type with a bad payload is damage: `undefined`. */
export const foreignEvent = (json: unknown): Foreign | undefined => {
  const v = field(json, 'v')
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < EVENT_SCHEMA_VERSION) return undefined
  if (v === EVENT_SCHEMA_VERSION && (!SameVersionEnvelope.is(json) || KNOWN.has(json.type))) return undefined
  const meta = field(json, 'meta')
  const type = text(field(json, 'type'))
  const writer = text(field(meta, 'writer'))
  const command = field(meta, 'command')
  const events = field(meta, 'events')
  return {
    v,
    ...(type === undefined ? {} : { type }),
    ...(writer === undefined ? {} : { writer }),
    ...(Ulid.is(command) ? { command } : {}),
    ...(typeof events === 'number' && Number.isSafeInteger(events) && events >= 2 ? { events } : {}),
  }
}

/** The event in words: `event type "Sealed" (envelope version 1), written by stagecraft-state 0.4.0`. */
export const describeForeign = (foreign: Foreign): string => {
  const what = foreign.type === undefined ? 'an event' : `event type ${quote(foreign.type)}`
  const by =
    foreign.writer === undefined
      ? 'by a newer stagecraft-state'
      : `by stagecraft-state ${quote(foreign.writer).slice(1, -1)}`
  return `${what} (envelope version ${foreign.v}), written ${by}`
}

/** Why this version cannot interpret it. */
export const whyForeign = (foreign: Foreign): string =>
  foreign.v > EVENT_SCHEMA_VERSION
    ? `this version of stagecraft-state reads envelope version ${EVENT_SCHEMA_VERSION} only`
    : `this version of stagecraft-state knows event types ${EVENT_TYPES.join(', ')} only`

/** What to upgrade to. */
export const upgradeTo = (foreign: Foreign): string =>
  foreign.writer !== undefined
    ? `stagecraft-state ${quote(foreign.writer).slice(1, -1)} or later`
    : foreign.v > EVENT_SCHEMA_VERSION
      ? `a stagecraft-state that reads envelope version ${foreign.v}`
      : `a stagecraft-state that knows event type ${quote(foreign.type ?? '?')}`
