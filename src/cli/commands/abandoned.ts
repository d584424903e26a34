/**
 * The `--abandoned-after` threshold (the option is ABANDONED_AFTER in ./index.ts): releases not finished (pending or
 * in progress) and with no event for longer are possibly abandoned.
 */
import * as E from 'fp-ts/lib/Either.js'
import { DEFAULT_ABANDONED_AFTER_MS, type Release, type StateManager } from '../../index.js'
import { formatSpan } from '../../internals.js'
import type { ParsedArgs } from '../command.js'
import { wrap } from '../help.js'
import { shellCommand } from '../shell-quote.js'
import type { UsageError } from '../usage.js'
import { parseDuration } from '../values.js'

/** The threshold in milliseconds (the default when the option is absent). */
export const abandonedAfter = (args: ParsedArgs, command: string): E.Either<UsageError, number> => {
  const raw = args.values['abandoned-after']
  return typeof raw === 'string' ? parseDuration('abandoned-after', raw, command) : E.right(DEFAULT_ABANDONED_AFTER_MS)
}

/** The ids of the possibly abandoned releases of one environment, or of all. */
export const abandonedIds = async (manager: StateManager, environment?: string): Promise<ReadonlySet<string>> =>
  new Set((await manager.abandonedReleases(environment)).map((release) => release.id))

/** How many recover commands a hint spells out; past that, it says how to list them all. */
const MAX_NAMED = 5

/** A threshold as `--abandoned-after` takes it back: the largest unit that divides it. */
const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const
const durationOption = (ms: number): string => {
  const unit = UNITS.find(([, size]) => ms > 0 && ms % size === 0)
  return unit === undefined ? `${ms}ms` : `${ms / unit[1]}${unit[0]}`
}

/** Where the listing's releases come from, to say how to list every possibly abandoned one. */
export interface AbandonedScope {
  readonly total: number
  readonly environment?: string | undefined
  /** The terminal's width, to wrap the hint's sentences to (its commands stay whole, to be copied). */
  readonly width?: number | undefined
}

/** The hint under a listing that marked some releases: the recover command of the first few, and how to list all. */
export const abandonedHint = (
  shown: ReadonlyArray<Release>,
  thresholdMs: number,
  scope: AbandonedScope = { total: shown.length },
): string[] => {
  if (shown.length === 0 && scope.total === 0) return []
  const recover = (release: Release): string =>
    shellCommand(['stagecraft-state', 'recover', release.id, '--reason', 'orchestrator gone'])
  const why = `not finished (pending or in progress) with no event for over ${formatSpan(thresholdMs)}`
  const named = shown.slice(0, MAX_NAMED)
  const lines =
    shown.length === 1
      ? [
          `${(shown[0] as Release).id} is possibly abandoned: ${why}. If its orchestrator is gone, close ` +
            `it out: ${recover(shown[0] as Release)}`,
        ]
      : shown.length > 1
        ? [
            `${shown.length} releases are possibly abandoned: ${why}. If their orchestrators are gone, close them out:`,
            ...named.map((release) => `  ${recover(release)}`),
          ]
        : []
  const others = scope.total - named.length
  if (others > 0) {
    const list = [
      'stagecraft-state',
      'list',
      '--abandoned',
      ...(scope.environment === undefined ? [] : ['--env', scope.environment]),
    ]
    if (thresholdMs !== DEFAULT_ABANDONED_AFTER_MS) list.push('--abandoned-after', durationOption(thresholdMs))
    lines.push(
      `${others}${named.length === 0 ? '' : ' more'} ${others === 1 ? 'release is' : 'releases are'} ` +
        `possibly abandoned; list them all with: ${shellCommand(list)}`,
    )
  }
  const width = scope.width
  return [
    '',
    ...(width === undefined ? lines : lines.flatMap((line) => (line.startsWith('  ') ? [line] : wrap(line, width)))),
  ]
}
