/**
 * The manager's reads of the whole log, each its own full pass rather than the manager's view: `verify`, the deploy
 * metrics (`stats`) and the HTML report. Each refuses a missing store first when the manager is asked to.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { listAllReleases } from '../domain/queries.js'
import { initialState } from '../domain/state.js'
import { settled, type StateError } from '../domain/state-error.js'
import type { EventStore } from '../store/index.js'
import type { FpStateManager } from './api.js'
import { checkedBag } from './arguments.js'
import type { ResolvedOptions } from './options.js'
import { makeReport } from './report.js'
import { sealCheckOf } from './seal-options.js'
import { stats, statsQuery } from './stats.js'
import type { StoreView } from './store-view.js'
import { verifyStore } from './verify.js'

/** What the whole-store reads need of their manager. */
export interface WholeStoreContext {
  readonly store: EventStore
  readonly view: StoreView
  readonly config: Pick<ResolvedOptions, 'abandonedAfterMs' | 'onProgress' | 'cwd'>
  /** The manager's clock, read once per call. */
  readonly clock: TE.TaskEither<StateError, number>
  /** Refuses a store never written, when the manager's `missingStore` is 'error'. */
  readonly present: TE.TaskEither<StateError, void>
}

export const wholeStoreReads = ({
  store,
  view,
  config,
  clock,
  present,
}: WholeStoreContext): Pick<FpStateManager, 'verify' | 'stats' | 'report'> => {
  // Read only for a store with no event: the state of a releases.json not imported yet (the Go Stagecraft's).
  const unimported = pipe(
    view.refresh,
    TE.map((loaded) => (loaded.cursor.position === 0 ? loaded.state : initialState)),
  )
  return {
    verify: (options) =>
      settled(
        pipe(
          clock,
          TE.flatMapEither((nowMs) => sealCheckOf(options, nowMs)),
          TE.tap(() => present),
          TE.flatMap((check) => verifyStore(store, config.onProgress, check)),
        ),
      ),
    stats: (filter) =>
      settled(
        pipe(
          clock,
          TE.flatMap((nowMs) => statsQuery(filter, nowMs, config.abandonedAfterMs)),
          TE.tap(() => present),
          TE.flatMap((query) => stats(store, query, view.warnForeign, pipe(unimported, TE.map(listAllReleases)))),
        ),
      ),
    report: (options) =>
      settled(
        pipe(
          checkedBag('report', options),
          TE.tap(() => present),
          TE.bindTo('given'),
          TE.bind('nowMs', () => clock),
          TE.flatMap(({ given, nowMs }) =>
            makeReport(store, given, {
              nowMs,
              abandonedAfterMs: config.abandonedAfterMs,
              onProgress: config.onProgress,
              cwd: config.cwd,
              unimported,
            }),
          ),
        ),
      ),
  }
}
