/**
 * RFC 3339 timestamps, kept exactly as written (Go writes offsets such as `-07:00` and up to nine fraction digits), so
 * a string; comparisons go through the instant it denotes.
 */
import * as t from 'io-ts'

/** The instant a timestamp denotes, to the nanosecond. */
export interface Instant {
  /** Whole milliseconds since the Unix epoch (floored). */
  readonly epochMs: number
  /** Nanoseconds within that millisecond, 0 to 999,999. */
  readonly nanos: number
}

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

// Date.UTC maps years 0-99 to 1900-1999, so those (unlikely) years take the slow path.
const utcMs = (year: number, month: number, day: number, hour: number, minute: number, second: number): number => {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

const ZERO = 48

// The number written by `count` digits at `at`, or -1 when one of them is not a digit.
const digits = (text: string, at: number, count: number): number => {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

// RFC 3339 with every field in range; only whether a day 29 to 31 exists in its month is left to code. A regular
// expression runs compiled: cheaper than a scan for the two timestamps of every event replayed.
const RFC3339 =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/

const twoDigits = (text: string, at: number): number =>
  (text.charCodeAt(at) - ZERO) * 10 + text.charCodeAt(at + 1) - ZERO

const isValid = (text: string): boolean => {
  if (!RFC3339.test(text)) return false
  const day = twoDigits(text, 8)
  return day <= 28 || day <= daysInMonth(digits(text, 0, 4), twoDigits(text, 5))
}

// A history's events come in runs of one date, so most timestamps need no Date.UTC.
let lastDate = ''
let lastDayMs = 0

const dayMsOf = (text: string): number => {
  if (lastDate === '' || !text.startsWith(lastDate)) {
    lastDate = text.slice(0, 10)
    lastDayMs = utcMs(digits(text, 0, 4), twoDigits(text, 5), twoDigits(text, 8), 0, 0, 0)
  }
  return lastDayMs
}

// The nanoseconds after the second of a valid timestamp, and where its offset starts.
let fractionEnd = 19
const fractionNsOf = (text: string): number => {
  let at = 19
  if (text[at] !== '.') {
    fractionEnd = at
    return 0
  }
  // Milliseconds, as this module and most tools write them: no scan.
  const after = text[23]
  if (after === 'Z' || after === '+' || after === '-') {
    fractionEnd = 23
    return digits(text, 20, 3) * 1_000_000
  }
  const start = ++at
  while (at < text.length && text.charCodeAt(at) >= ZERO && text.charCodeAt(at) <= ZERO + 9) at++
  fractionEnd = at
  return digits(text, start, at - start) * 10 ** (9 - (at - start))
}

// The whole epoch milliseconds of a valid timestamp (allocates nothing: two per event replayed).
const validEpochMs = (text: string, fractionNs: number): number => {
  const at = fractionEnd
  const offsetMs =
    text[at] === 'Z'
      ? 0
      : (text[at] === '-' ? -1 : 1) * (twoDigits(text, at + 1) * 60 + twoDigits(text, at + 4)) * 60_000
  const timeMs = ((twoDigits(text, 11) * 60 + twoDigits(text, 14)) * 60 + twoDigits(text, 17)) * 1000
  return dayMsOf(text) + timeMs - offsetMs + Math.floor(fractionNs / 1_000_000)
}

/** Whether `text` is an RFC 3339 timestamp. */
export const isTimestampText = (text: string): boolean => isValid(text)

/** The instant an RFC 3339 timestamp denotes, or `undefined` when it is not one. */
export const parseInstant = (text: string): Instant | undefined => {
  if (!isValid(text)) return undefined
  const fractionNs = fractionNsOf(text)
  return { epochMs: validEpochMs(text, fractionNs), nanos: fractionNs % 1_000_000 }
}

/** The epoch milliseconds of a timestamp already checked (by the {@link Timestamp} codec), without a second check. */
export const epochMsOfChecked = (text: Timestamp): number => validEpochMs(text, fractionNsOf(text))

/** The whole milliseconds since the epoch a timestamp denotes, or NaN when it is not one (allocates nothing). */
export const epochMsOf = (text: string): number => (isValid(text) ? epochMsOfChecked(text as Timestamp) : Number.NaN)

/** Orders two instants: negative when `a` is earlier, positive when later, 0 when equal. */
export const compareInstants = (a: Instant, b: Instant): number => a.epochMs - b.epochMs || a.nanos - b.nanos

/** Brands a string checked to be an RFC 3339 timestamp. */
export interface TimestampBrand {
  readonly Timestamp: unique symbol
}

/** An RFC 3339 timestamp string (`2025-01-01T12:00:00Z`, `2025-01-01T05:00:00.5-07:00`). */
export const Timestamp = t.brand(t.string, (s): s is t.Branded<string, TimestampBrand> => isValid(s), 'Timestamp')
export type Timestamp = t.TypeOf<typeof Timestamp>

/** Orders two valid timestamps by the instants they denote. */
export const compareTimestamps = (a: Timestamp, b: Timestamp): number =>
  compareInstants(parseInstant(a) as Instant, parseInstant(b) as Instant)

/**
 * The timestamp of an instant as this module writes it, and as Go writes it: UTC, the fraction without trailing zeros
 * (`.12Z`, `.5Z`, none for a whole second), so that a Go rewrite of the file changes no value.
 */
export const formatTimestamp = (epochMs: number): Timestamp => {
  const iso = new Date(epochMs).toISOString()
  const fraction = iso.slice(19, -1).replace(/\.?0+$/, '')
  return `${iso.slice(0, 19)}${fraction}Z` as Timestamp
}

/** The instant of a timestamp already checked (by the {@link Timestamp} codec). */
export const instantOfChecked = (text: Timestamp): Instant => {
  const fractionNs = fractionNsOf(text)
  return { epochMs: validEpochMs(text, fractionNs), nanos: fractionNs % 1_000_000 }
}

/** Whether two timestamps denote the same instant (`.120Z` and `.12Z`, `+00:00` and `Z`), whatever their texts. */
export const sameInstant = (a: Timestamp, b: Timestamp): boolean =>
  a === b || compareInstants(instantOfChecked(a), instantOfChecked(b)) === 0
