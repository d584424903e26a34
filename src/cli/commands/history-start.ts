/** Where the history starts, for `replay` before it: an empty snapshot there reads wrongly as "no releases". */
import * as E from 'fp-ts/lib/Either.js'
import type { HistoryEvent, State, StateManager } from '../../index.js'
import { parseInstant, releaseCount } from '../../internals.js'
import { plural } from '../format/plural.js'

/** The first event, found by probing up to a bound that doubles from `afterMs`, without reading the whole history. */
const firstEventAfter = async (
  manager: StateManager,
  afterMs: number,
  nowMs: number,
): Promise<HistoryEvent | undefined> => {
  for (let step = 1000; afterMs + step < nowMs; step *= 2) {
    const found = await manager.history({ until: new Date(afterMs + step) })
    if (found.length > 0) return found[0]
  }
  // Nothing up to now: the log is empty, or its times are ahead of this clock.
  return (await manager.history())[0]
}

/** What a replay at `at` should warn about, if anything; `state` is the state at `at`. */
export const beforeHistoryWarning = async (
  manager: StateManager,
  at: string,
  state: State,
  now: Date,
): Promise<string | undefined> => {
  if (releaseCount(state) > 0) return undefined
  const atMs = parseInstant(at)?.epochMs
  // Events before `at` mean the history had started, and held no release then.
  if (atMs === undefined || (await manager.history({ until: at })).length > 0) return undefined
  const first = await firstEventAfter(manager, atMs, now.getTime())
  if (first === undefined) {
    // An empty log: a releases.json the module did not write may still hold releases.
    const unimported = await manager.fp.listAllReleases()()
    const held = E.isRight(unimported) ? unimported.right.length : 0
    return held > 0
      ? `the history is empty: ${manager.stateFile ?? manager.location} holds ${plural(held, 'release')} ` +
          'not imported yet, and the history knows nothing before its import ("stagecraft-state import" ' +
          'records it now)'
      : `the history is empty: no event is recorded yet in ${manager.location}`
  }
  if (first.type === 'SnapshotImported') {
    const from = first.data.source === undefined ? '' : ` of ${first.data.source.file}`
    return (
      `${at} is before the history starts: it starts with the import${from} at ${first.recordedAt} ` +
      `(${plural(first.data.releases.length, 'release')}); what the file held before then is not in the ` +
      'history'
    )
  }
  return `${at} is before the first event, recorded at ${first.recordedAt}: no release had been recorded yet`
}
