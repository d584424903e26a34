/**
 * Deploy metrics over a window (docs/metrics.md): the window resolved with the manager's clock, then the store read
 * once, streamed, into the domain's fold, which keeps a small record per release and no event.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { DeployStats, StatsQuery } from '../domain/deploy-stats.js'
import { invalidInput } from '../domain/errors.js'
import { parseEnvironment } from '../domain/input.js'
import { type StatsFold, startStats } from '../domain/stats-fold.js'
import { type Release, storedForm } from '../domain/release.js'
import { StateError } from '../domain/state-error.js'
import { formatTimestamp } from '../domain/timestamp.js'
import { type EventStore, type ForeignSeen, noteForeign } from '../store/index.js'
import { checkedBag, checkedTime } from './arguments.js'
import { parseTime } from './audit.js'
import { duration } from './options.js'

/** Which releases `stats` measures: those created in the window, of one environment or all. */
export interface StatsFilter {
  /** Only this environment (default: every environment, and overall). */
  readonly environment?: string | undefined
  /** The window's start: a `Date` or an RFC 3339 string (default: 30 days before `until`). */
  readonly since?: Date | string | undefined
  /** The window's end: a `Date` or an RFC 3339 string (default: now, by the manager's clock). */
  readonly until?: Date | string | undefined
  /** After how long without an event an unfinished release counts as abandoned (default: the manager's). */
  readonly abandonedAfterMs?: number | undefined
}

/** The length of the default window: the last 30 days. */
export const DEFAULT_STATS_WINDOW_MS = 30 * 86_400_000

const fromDomain = E.mapLeft(StateError.fromDomain)

const timeMs = (what: string, raw: Date | string | undefined, fallback: number): E.Either<StateError, number> =>
  raw === undefined
    ? E.right(fallback)
    : pipe(
        checkedTime(what, raw),
        E.flatMap(() => fromDomain(parseTime(what, raw))),
        E.map((instant) => instant.epochMs),
      )

/** The query a filter asks, with the clock's reading `nowMs` for what it leaves out. */
export const statsQuery = (
  filter: StatsFilter | undefined,
  nowMs: number,
  abandonedAfterMs: number,
): TE.TaskEither<StateError, StatsQuery> =>
  pipe(
    checkedBag('stats', filter),
    TE.flatMapEither((given) =>
      pipe(
        E.Do,
        E.bind('untilMs', () => timeMs('until', given.until, nowMs)),
        E.bind('sinceMs', ({ untilMs }) => timeMs('since', given.since, untilMs - DEFAULT_STATS_WINDOW_MS)),
        E.bind('environment', () =>
          given.environment === undefined ? E.right(undefined) : fromDomain(parseEnvironment(given.environment)),
        ),
        E.bind('abandonedAfterMs', () => duration('abandonedAfterMs', given.abandonedAfterMs, abandonedAfterMs)),
        E.filterOrElse(
          ({ sinceMs, untilMs }) => sinceMs <= untilMs,
          ({ sinceMs, untilMs }) =>
            StateError.fromDomain(
              invalidInput(
                `since ${formatTimestamp(sinceMs)} is later than until ${formatTimestamp(untilMs)}: ` +
                  'the window is empty (are they swapped?)',
              ),
            ),
        ),
      ),
    ),
  )

/** The releases of a releases.json not imported yet, as the event that would import them, at `atMs`. */
export const importOf = (releases: ReadonlyArray<Release>, atMs: number) =>
  ({
    type: 'SnapshotImported',
    data: { releases: releases.map(storedForm) },
    recordedAt: formatTimestamp(atMs),
  }) as const

const asImported = (
  fold: StatsFold,
  query: StatsQuery,
  unimported: TE.TaskEither<StateError, ReadonlyArray<Release>>,
): TE.TaskEither<StateError, void> =>
  pipe(
    unimported,
    TE.map((releases) => {
      if (releases.length > 0) fold.apply(importOf(releases, query.untilMs))
    }),
  )

/**
 * The deploy metrics of the store's history over `query`, read in one pass. A store with no event yet may have a
 * releases.json not imported (the Go Stagecraft's): `unimported` gives its releases, measured as an import would be.
 */
export const stats = (
  store: EventStore,
  query: StatsQuery,
  onForeign: (seen: ForeignSeen) => void = () => undefined,
  unimported: TE.TaskEither<StateError, ReadonlyArray<Release>> = TE.right([]),
): TE.TaskEither<StateError, DeployStats> => {
  const fold = startStats(query)
  let read = 0
  // Events of a newer version are not measured: the caller is told what was left out.
  let foreign: ForeignSeen | undefined
  return pipe(
    store.read(store.origin, {
      event: ({ envelope }) => {
        read++
        // Recorded times never decrease (recorder.ts): nothing after the window's end is read.
        return fold.apply(envelope) === undefined ? undefined : 'stop'
      },
      foreign: (event) => {
        foreign = noteForeign(foreign, event)
        return undefined
      },
    }),
    TE.tap(() => (read > 0 || foreign !== undefined ? TE.right(undefined) : asImported(fold, query, unimported))),
    TE.map(() => {
      if (foreign !== undefined) onForeign(foreign)
      return fold.result()
    }),
  )
}
