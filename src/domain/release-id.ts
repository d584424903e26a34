/**
 * Release ids, `rel-YYYYMMDD-HHMMSSmmm`: a new one reads its release's instant in UTC. Ids order nothing in time (the
 * Go tool writes them from its local clock, older files hold legacy or foreign ones): instants do.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type DomainError, invalidInput } from './errors.js'

/** Brands a string checked to be a release id. */
export interface ReleaseIdBrand {
  readonly ReleaseId: unique symbol
}

/** The id of a release: any non-empty string when read (older files' ids are kept as they are). */
export const ReleaseId = t.brand(t.string, (s): s is t.Branded<string, ReleaseIdBrand> => s.length > 0, 'ReleaseId')
/** A release id: the key of `State.releases` (cast a string you hold, or take it from a `Release`). */
export type ReleaseId = t.TypeOf<typeof ReleaseId>

/** The order of release ids as plain strings (UTF-16 code units): an index's order, and ties of equal instants. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const CANONICAL_ID = /^rel-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(\d{3})$/
const LEGACY_ID = /^rel-\d{8}-\d{6}$/

/** The first and last instants an id can encode: years 0000 to 9999. */
export const MIN_ID_EPOCH_MS = -62_167_219_200_000
export const MAX_ID_EPOCH_MS = 253_402_300_799_999

/** The id for an instant (epoch milliseconds, within the years 0000 to 9999). */
export const formatReleaseId = (epochMs: number): ReleaseId => {
  const iso = new Date(epochMs).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const date = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`
  const time = `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 23)}`
  return `rel-${date}-${time}` as ReleaseId
}

/** The instant a canonical id encodes, or `undefined` for a legacy or foreign id. */
export const releaseIdEpochMs = (id: string): number | undefined => {
  if (!CANONICAL_ID.test(id)) return undefined
  const date = `${id.slice(4, 8)}-${id.slice(8, 10)}-${id.slice(10, 12)}`
  const time = `${id.slice(13, 15)}:${id.slice(15, 17)}:${id.slice(17, 19)}.${id.slice(19, 22)}`
  const ms = Date.parse(`${date}T${time}Z`)
  return Number.isNaN(ms) || formatReleaseId(ms) !== id ? undefined : ms
}

/** The instant a legacy id (`rel-YYYYMMDD-HHMMSS`, whole seconds) encodes, or `undefined` for any other id. */
const legacyIdEpochMs = (id: string): number | undefined => {
  if (!LEGACY_ID.test(id)) return undefined
  return releaseIdEpochMs(`${id}000`)
}

/**
 * How far the time an id reads is from its release's instant, in milliseconds (the Go tool writes ids from its local
 * clock: +09:00 in Tokyo), or `undefined` when they agree, or the id reads no time (a foreign id).
 */
export const idClockOffsetMs = (id: string, instantMs: number): number | undefined => {
  const exact = releaseIdEpochMs(id)
  if (exact !== undefined) return exact === instantMs ? undefined : exact - instantMs
  const seconds = legacyIdEpochMs(id)
  if (seconds === undefined) return undefined
  const instantSecond = Math.floor(instantMs / 1000) * 1000
  return seconds === instantSecond ? undefined : seconds - instantSecond
}

/**
 * A new release's instant and id: the clock's, or 1 ms after `greatestMs` (the whole millisecond of the greatest
 * instant the history holds) when the clock did not move past it; moved on by 1 ms while `taken` says the id is held
 * (by a release whose id does not read its instant), so that the id always reads the instant in UTC.
 */
export const nextReleaseId = (
  nowMs: number,
  greatestMs: number | undefined,
  taken: (id: ReleaseId) => boolean,
): E.Either<DomainError, { readonly id: ReleaseId; readonly epochMs: number }> => {
  if (!Number.isInteger(nowMs) || nowMs < MIN_ID_EPOCH_MS || nowMs > MAX_ID_EPOCH_MS) {
    return E.left(
      invalidInput(
        `the clock reads ${String(nowMs)} ms since the epoch, which a release id cannot encode (years 0000 to 9999)`,
      ),
    )
  }
  let epochMs = greatestMs === undefined ? nowMs : Math.max(nowMs, greatestMs + 1)
  while (epochMs <= MAX_ID_EPOCH_MS && taken(formatReleaseId(epochMs))) epochMs++
  if (epochMs > MAX_ID_EPOCH_MS) {
    return E.left(
      invalidInput(
        `no new release can come after the latest one in the history, at ` +
          `${new Date(greatestMs ?? nowMs).toISOString()}: the next instant would be past the year 9999, which a ` +
          'release id cannot encode',
      ),
    )
  }
  return E.right({ id: formatReleaseId(epochMs), epochMs })
}
