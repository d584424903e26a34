/** `history`: the audit trail, oldest first; `replay`: `releases.json` as it was at an instant. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { HistoryFilter, StateManager } from '../../index.js'
import { projectSnapshot } from '../../internals.js'
import { defineCommand, optionalWith, requiredOption, stringOption } from '../command.js'
import { terminalSafeJson } from '../format/visible.js'
import { EXIT } from '../usage.js'
import { checkTimeRange, parseInstantOption, parsePositiveInteger } from '../values.js'
import { printNewest, streamEvents, TERMINAL_DEFAULT_MAX } from './history-print.js'
import { beforeHistoryWarning } from './history-start.js'
import { referencedId } from './reference.js'

/**
 * No event about a release may mean the other filters left none, or that there is no such release (a mistyped id): that
 * is RELEASE_NOT_FOUND, not an empty trail. A release whose events exist (even one an accepted edit removed since) is
 * known; one in a releases.json not imported yet has no events but exists.
 */
const releaseMustExist = async (manager: StateManager, releaseId: string, filter: HistoryFilter): Promise<void> => {
  const filtered = filter.since !== undefined || filter.until !== undefined || filter.environment !== undefined
  if (filtered && (await manager.history({ releaseId })).length > 0) return
  await manager.getRelease(releaseId) // rejects with RELEASE_NOT_FOUND
}

export const history = defineCommand({
  parse: (args, now) =>
    pipe(
      E.Do,
      E.apS(
        'since',
        optionalWith(args, 'since', (raw) => parseInstantOption('since', raw, now, 'history')),
      ),
      E.apS(
        'until',
        optionalWith(args, 'until', (raw) => parseInstantOption('until', raw, now, 'history')),
      ),
      E.chain((times) => checkTimeRange(times, 'history')),
      E.bindW('max', () => optionalWith(args, 'max', (raw) => parsePositiveInteger('max', raw, 'history'))),
      E.map(({ max, ...times }) => ({
        filter: { ...times, environment: stringOption(args, 'env'), releaseId: stringOption(args, 'release') },
        max,
      })),
    ),
  run: async ({ filter: given, max: asked }, { manager, out, now }) => {
    const releaseId = given.releaseId === undefined ? undefined : await referencedId(manager, given.releaseId)
    const filter = { ...given, releaseId }
    // A person at a terminal sees the newest events; a pipe or a machine format gets what it asks for, streamed.
    const max = asked ?? (out.interactive && !out.json && filter.since === undefined ? TERMINAL_DEFAULT_MAX : undefined)
    const printed =
      max === undefined
        ? await streamEvents(manager, filter, out, now())
        : await printNewest(manager, filter, max, out, now())
    if (printed.count === 0 && filter.releaseId !== undefined) await releaseMustExist(manager, filter.releaseId, filter)
    printed.end()
    if (printed.count === 0 && !out.json) out.lines([`no events match (${manager.location})`])
    return EXIT.ok
  },
})

export const replay = defineCommand({
  parse: (args, now) =>
    pipe(
      requiredOption(args, 'at', 'replay', 'T'),
      E.chain((raw) => parseInstantOption('at', raw, now, 'replay')),
      E.map((at) => ({ at })),
    ),
  run: async (input, { manager, out, now }) => {
    const state = await manager.stateAt(input.at)
    const warning = await beforeHistoryWarning(manager, input.at, state, now())
    if (warning !== undefined) out.warn(warning)
    const text = projectSnapshot(state)
    // On a terminal, escaped as --json is; elsewhere the file's exact bytes (its hash is how a copy is judged).
    out.raw(out.interactive ? `${terminalSafeJson(text)}\n` : text)
    return EXIT.ok
  },
})
