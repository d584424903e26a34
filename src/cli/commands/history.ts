/**
 * `history`: the audit trail, oldest first; `replay`: `releases.json` as it was at an instant.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { type HistoryFilter, projectSnapshot, type StateManager } from '../../index.js'
import { defineCommand, optionalWith, requiredOption, stringOption } from '../command.js'
import { historyEventJson } from '../format/json.js'
import { timeline } from '../format/timeline.js'
import { EXIT } from '../usage.js'
import { checkTimeRange, parseInstantOption } from '../values.js'
import { beforeHistoryWarning } from './history-start.js'

/**
 * No event about a release may mean the other filters left none, or that there is no such
 * release (a mistyped id): that is RELEASE_NOT_FOUND, not an empty trail. A release whose events
 * exist (even one an accepted edit removed since) is known; one in a releases.json not imported
 * yet has no events but exists.
 */
const releaseMustExist = async (manager: StateManager, releaseId: string, filter: HistoryFilter): Promise<void> => {
  const filtered = filter.since !== undefined || filter.until !== undefined || filter.environment !== undefined
  if (filtered && (await manager.history({ releaseId })).length > 0) return
  await manager.getRelease(releaseId) // rejects with RELEASE_NOT_FOUND
}

const TIME_FORMS = 'an RFC 3339 timestamp (2025-01-01T14:02:00Z), a date (2025-01-01, its midnight UTC) or a duration ago (2h)'

export const history = defineCommand({
  name: 'history',
  summary: 'Show the audit trail, oldest first',
  synopsis: '[--env E] [--release ID] [--since T] [--until T]',
  description:
    'Shows every recorded event, oldest first: when it was recorded, its type, the release, the phase and its change (from -> to), who recorded it, ' +
    'and the reason or note ("rollback to ..." for a release that redeploys an earlier one). An accepted outside edit (reconciled) takes a line per difference it made: ' +
    'a phase from -> to, a field such as "version v1 -> v2", a release added or removed. Given filters must all hold; --since later than --until is refused, ' +
    'and so is --release of a release that does not exist. ' +
    'With --json, an array of events with their envelope: position, id, time, type, release, releases, actor, host, pid, command, v, payload (the event as recorded).',
  options: {
    env: { type: 'string', value: 'E', help: 'only events about releases of this environment' },
    release: { type: 'string', value: 'ID', help: 'only events about this release' },
    since: { type: 'string', value: 'T', help: `only events recorded at or after T: ${TIME_FORMS}` },
    until: { type: 'string', value: 'T', help: 'only events recorded at or before T (same forms)' },
  },
  examples: ['stagecraft-state history --env prod', 'stagecraft-state history --release rel-20250101-120000000', 'stagecraft-state history --since 2h --json'],
  parse: (args, now) =>
    pipe(
      E.Do,
      E.apS('since', optionalWith(args, 'since', (raw) => parseInstantOption('since', raw, now, 'history'))),
      E.apS('until', optionalWith(args, 'until', (raw) => parseInstantOption('until', raw, now, 'history'))),
      E.chain((times) => checkTimeRange(times, 'history')),
      E.map((times) => ({ ...times, environment: stringOption(args, 'env'), releaseId: stringOption(args, 'release') })),
    ),
  run: async (input, { manager, out }) => {
    const events = await manager.history(input)
    if (events.length === 0 && input.releaseId !== undefined) await releaseMustExist(manager, input.releaseId, input)
    if (out.json) out.value(events.map(historyEventJson))
    else if (events.length === 0) out.lines([`no events match (${manager.location})`])
    else out.lines(timeline(events, out.style))
    return EXIT.ok
  },
})

export const replay = defineCommand({
  name: 'replay',
  summary: 'Print releases.json as it was at an instant',
  synopsis: '--at T',
  description:
    'Folds every event recorded at or before T and prints the releases.json that state projects to, byte for byte ' +
    '(no newline is added, so "replay --at T > old.json" reproduces the file; on a terminal a newline ends the output). ' +
    `T is ${TIME_FORMS}. --json changes nothing: the output is JSON already. ` +
    'Before the history starts, the snapshot is empty and a warning on stderr says when the history starts (or that it starts with an import).',
  options: { at: { type: 'string', value: 'T', help: 'the instant (required)' } },
  examples: ['stagecraft-state replay --at 2025-01-01T14:02:00Z > releases-at-1402.json'],
  parse: (args, now) => pipe(requiredOption(args, 'at', 'replay', 'T'), E.chain((raw) => parseInstantOption('at', raw, now, 'replay')), E.map((at) => ({ at }))),
  run: async (input, { manager, out, now }) => {
    const state = await manager.stateAt(input.at)
    const warning = await beforeHistoryWarning(manager, input.at, state, now())
    if (warning !== undefined) out.warn(warning)
    const text = projectSnapshot(state)
    out.raw(out.interactive ? `${text}\n` : text)
    return EXIT.ok
  },
})
