/**
 * Who records a command's events, and how they are enveloped: one command id and one time for
 * all the events of a command, event ids that sort in the order they were recorded.
 */
import { randomFillSync } from 'node:crypto'
import { monotonicFactory } from 'ulid'
import { type DomainEvent, envelope, type EventEnvelope, type EventMetadata, type Ulid } from '../domain/events.js'
import { parseInstant, type Timestamp } from '../domain/timestamp.js'
import { MODULE_VERSION } from './version.js'

/** The recording side of a manager: its actor and host, and its source of event ids. */
export interface Recorder {
  readonly actor: string
  readonly host: string
  readonly nextId: (epochMs: number) => Ulid
}

// ulid's default randomness reads Web Crypto, which Node loads on first use: milliseconds of every
// command a deploy tool runs in a new process. node:crypto's generator, a pool at a time, is not.
const randomFractions = (): (() => number) => {
  const pool = new Uint8Array(256)
  let next = pool.length
  return () => {
    if (next === pool.length) {
      randomFillSync(pool)
      next = 0
    }
    return (pool[next++] as number) / 256
  }
}

/** A recorder whose event ids increase strictly, even within one millisecond. */
export const recorder = (actor: string, host: string): Recorder => {
  const ulid = monotonicFactory(randomFractions())
  return { actor, host, nextId: (epochMs) => ulid(Math.max(0, epochMs)) as Ulid }
}

// Recorded times never go backwards, so "the state at 14:02" is a prefix of the log.
export const recordedAt = (nowMs: number, last: Timestamp | undefined): Timestamp => {
  const lastMs = last === undefined ? nowMs : (parseInstant(last)?.epochMs ?? nowMs)
  return new Date(Math.max(nowMs, lastMs)).toISOString() as Timestamp
}

/** The events of one command, enveloped: one command id, one time, numbered when more than one. */
export const envelopesOf = (
  by: Recorder,
  events: ReadonlyArray<DomainEvent>,
  nowMs: number,
  last: Timestamp | undefined,
): ReadonlyArray<EventEnvelope> => {
  if (events.length === 0) return []
  const at = recordedAt(nowMs, last)
  const common = {
    actor: by.actor,
    host: by.host,
    pid: process.pid as EventMetadata['pid'],
    command: by.nextId(nowMs),
    writer: MODULE_VERSION,
  }
  const meta: EventMetadata =
    events.length > 1 ? { ...common, events: events.length as NonNullable<EventMetadata['events']> } : common
  return events.map((event) => envelope(event, { id: by.nextId(nowMs), recordedAt: at, meta }))
}
