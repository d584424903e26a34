/** Release ids, `rel-YYYYMMDD-HHMMSSmmm` UTC: a new id sorts after every id in the history, legacy ones too. */
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

/** The order of release ids: as plain strings (UTF-16 code units), as new ids and `releases.json` records sort. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const CANONICAL_ID = /^rel-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(\d{3})$/

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

/** The earliest instant whose id sorts after `id`, found by bisection, or `undefined` when none can (`zzz`). */
export const firstEpochMsAfter = (id: string): number | undefined => {
  const exact = releaseIdEpochMs(id)
  if (exact !== undefined) return exact < MAX_ID_EPOCH_MS ? exact + 1 : undefined
  if (formatReleaseId(MAX_ID_EPOCH_MS) <= id) return undefined
  let low = MIN_ID_EPOCH_MS
  let high = MAX_ID_EPOCH_MS
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    if (formatReleaseId(middle) > id) high = middle
    else low = middle + 1
  }
  return low
}

/** A new release's id at `nowMs`: the clock's, or the first after `greatestId` when the clock did not move on. */
export const nextReleaseId = (
  nowMs: number,
  greatestId: ReleaseId | undefined,
): E.Either<DomainError, { readonly id: ReleaseId; readonly epochMs: number }> => {
  if (!Number.isInteger(nowMs) || nowMs < MIN_ID_EPOCH_MS || nowMs > MAX_ID_EPOCH_MS) {
    return E.left(
      invalidInput(
        `the clock reads ${String(nowMs)} ms since the epoch, which a release id cannot encode (years 0000 to 9999)`,
      ),
    )
  }
  if (greatestId === undefined) return E.right({ id: formatReleaseId(nowMs), epochMs: nowMs })
  const floor = firstEpochMsAfter(greatestId)
  if (floor === undefined) {
    return E.left(
      invalidInput(
        `no new release id can sort after the existing id "${greatestId}"; rename that release in the ` +
          'history before creating more',
      ),
    )
  }
  const epochMs = Math.max(nowMs, floor)
  return E.right({ id: formatReleaseId(epochMs), epochMs })
}
