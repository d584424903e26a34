/**
 * The `--abandoned-after` option shared by the commands that mark possibly abandoned releases:
 * releases with a phase still running and no event for longer than the threshold.
 */
import * as E from 'fp-ts/lib/Either.js'
import { DEFAULT_ABANDONED_AFTER_MS, type Release, type StateManager } from '../../index.js'
import type { OptionSpec, ParsedArgs } from '../command.js'
import { formatSpan } from '../format/release.js'
import { shellCommand } from '../shell-quote.js'
import type { UsageError } from '../usage.js'
import { parseDuration } from '../values.js'

/** The option, for a command's option table. */
export const abandonedOption: OptionSpec = {
  type: 'string',
  value: 'DURATION',
  help: `mark releases still running with no event for longer than this as possibly abandoned (default ${formatSpan(DEFAULT_ABANDONED_AFTER_MS)}; 90s, 30m, 2h, 1d)`,
}

/** The threshold in milliseconds (the default when the option is absent). */
export const abandonedAfter = (args: ParsedArgs, command: string): E.Either<UsageError, number> => {
  const raw = args.values['abandoned-after']
  return typeof raw === 'string' ? parseDuration('abandoned-after', raw, command) : E.right(DEFAULT_ABANDONED_AFTER_MS)
}

/** The ids of the possibly abandoned releases of one environment, or of all. */
export const abandonedIds = async (manager: StateManager, environment?: string): Promise<ReadonlySet<string>> =>
  new Set((await manager.abandonedReleases(environment)).map((release) => release.id))

/** The hint printed under a listing that marked some releases. */
export const abandonedHint = (releases: ReadonlyArray<Release>, thresholdMs: number): string[] => {
  if (releases.length === 0) return []
  const first = releases[0] as Release
  const which = releases.length === 1 ? `${first.id} is` : `${releases.length} releases are`
  return [
    '',
    `${which} possibly abandoned: still in progress with no event for over ${formatSpan(thresholdMs)}. ` +
      `If its orchestrator is gone, close it out: ${shellCommand(['stagecraft-state', 'recover', first.id, '--reason', 'orchestrator gone'])}`,
  ]
}
