/**
 * `verify`'s word on ids that do not read their releases' instants: the Go tool writes ids from its local clock (and
 * timestamps with the offset), so a Tokyo release made at 19:11Z has an id reading 04:11 the next day. Harmless, since
 * order follows timestamps; said once per store, so that nobody reads time off those ids.
 */
import { idClockOffsetMs } from '../domain/release-id.js'
import type { Release } from '../domain/release.js'
import { allReleases, type State } from '../domain/state.js'
import { epochMsOfChecked } from '../domain/timestamp.js'
import type { StoreProblem } from '../store/index.js'

// Ids named in the warning; the others are counted.
const NAMED = 3

const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 23)

// A whole quarter of an hour from -12:00 to +14:00 is a zone's offset; anything else is some other clock.
const zoneOf = (offsetMs: number): string | undefined => {
  const minutes = offsetMs / 60_000
  if (!Number.isInteger(minutes) || minutes % 15 !== 0 || minutes < -12 * 60 || minutes > 14 * 60) return undefined
  const sign = minutes < 0 ? '-' : '+'
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')
  return `${sign}${hours}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`
}

const described = (release: Release, offsetMs: number): string => {
  const ms = epochMsOfChecked(release.timestamp)
  const zone = zoneOf(offsetMs)
  const clock =
    zone === undefined
      ? `a clock ${offsetMs > 0 ? 'ahead' : 'behind'} by ${Math.abs(offsetMs)} ms`
      : `a local clock (TZ ${zone})`
  return (
    `id ${release.id} reads ${clockTime(ms + offsetMs)} but its timestamp is ${clockTime(ms)}Z: ` +
    `written by the Go tool from ${clock}`
  )
}

/** One warning for every release whose id reads another time than its timestamp, or none. */
export const idClockProblems = (state: State, where: string): StoreProblem[] => {
  const found: Array<readonly [Release, number]> = []
  for (const release of allReleases(state)) {
    const offset = idClockOffsetMs(release.id, epochMsOfChecked(release.timestamp))
    if (offset !== undefined) found.push([release, offset])
  }
  if (found.length === 0) return []
  const named = found.slice(0, NAMED).map(([release, offset]) => described(release, offset))
  const more = found.length > NAMED ? `; and ${found.length - NAMED} more` : ''
  const count = found.length === 1 ? '' : `${found.length} release ids do not read their timestamps: `
  return [
    {
      severity: 'warning',
      location: where,
      message: `${count}${named.join('; ')}${more}; harmless, order follows timestamps`,
    },
  ]
}
