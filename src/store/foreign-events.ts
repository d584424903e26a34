/**
 * What reads and writes make of events of a newer version: a fold skips and notes them, reads say so, and writes are
 * refused, so this version never records on top of a history it does not fully understand.
 */
import { describeForeign, upgradeTo, whyForeign } from '../domain/foreign.js'
import { StateError } from '../domain/state-error.js'
import type { ForeignEvent, ForeignSeen, Loaded, RecordProblem } from './event-store.js'

const KEPT = 3

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`

/** The note `seen` with `event` added. */
export const noteForeign = (seen: ForeignSeen | undefined, event: ForeignEvent): ForeignSeen =>
  seen === undefined
    ? { first: [event], count: 1, unfolded: 0 }
    : { ...seen, first: seen.first.length < KEPT ? [...seen.first, event] : seen.first, count: seen.count + 1 }

/** The note `seen` with an event of a known type that could not be folded after them. */
export const noteUnfolded = (seen: ForeignSeen, problem: RecordProblem): ForeignSeen => ({
  ...seen,
  unfolded: seen.unfolded + 1,
  firstUnfolded: seen.firstUnfolded ?? problem,
})

/** One event in words: where, what, and why this version cannot interpret it. */
export const describeForeignEvent = (event: ForeignEvent): string =>
  `${event.location}: ${describeForeign(event.foreign)}, cannot be interpreted: ${whyForeign(event.foreign)}`

/** `NEWER_VERSION` for an event a caller cannot go past: what was (not) done, and what to upgrade to, to do what. */
export const newerVersion = (
  event: ForeignEvent,
  done = 'nothing was written',
  toDo = 'write to this store',
): StateError =>
  new StateError(
    'NEWER_VERSION',
    `${describeForeignEvent(event)}; ${done}. Upgrade to ${upgradeTo(event.foreign)} to ${toDo}`,
  )

/** `NEWER_VERSION` for a read that must see every event (a migration copies each exactly). */
export const unreadable = (event: ForeignEvent): StateError =>
  newerVersion(event, 'a read that needs every event (a migration) cannot go past it', 'read all of this history')

/** Why a write on `loaded` must be refused, if it must: the store holds events this version cannot interpret. */
export const refusedWrite = (loaded: Loaded): StateError | undefined => {
  const first = loaded.foreign?.first[0]
  if (first === undefined) return undefined
  const more = (loaded.foreign?.count ?? 1) - 1
  const error = newerVersion(first)
  return more === 0
    ? error
    : new StateError(error.code, `${error.message} (${plural(more, 'more such event')} after it)`)
}

/** What a read that skipped them says, one message per event kept and one for the rest. */
export const foreignWarnings = (seen: ForeignSeen): ReadonlyArray<string> => {
  const messages = seen.first.map(
    (event) =>
      `${describeForeignEvent(event)}; it was skipped, and what it changed is not shown. ` +
      `Upgrade to ${upgradeTo(event.foreign)} to see it; this version refuses to write to this store`,
  )
  const rest = seen.count - seen.first.length
  if (rest > 0)
    messages.push(
      `${plural(rest, 'more event')} of a newer stagecraft-state after ` +
        `${seen.first.at(-1)?.location ?? 'them'} were skipped too`,
    )
  const unfolded = seen.firstUnfolded
  if (unfolded !== undefined) {
    const others = seen.unfolded > 1 ? `, with ${plural(seen.unfolded - 1, 'later event')} like it` : ''
    messages.push(
      `${unfolded.location}: could not be folded after the events skipped above (${unfolded.message}), ` +
        `and was skipped too${others}: ` +
        'they probably depend on what was skipped',
    )
  }
  return messages
}
