/** A release diff for people: a line per field, `from -> to` where it changed, the value alone where it did not. */
import { type Change, formatSpan, type ReleaseDiff } from '../../internals.js'
import type { Style } from './style.js'

const shown = (value: string): string => (value === '' ? '-' : value)

const line = (label: string, change: Change<string>, style: Style): string =>
  `${label.padEnd(16)}${
    change.changed ? `${style.yellow(shown(change.from))} -> ${style.yellow(shown(change.to))}` : shown(change.from)
  }`

/** Who recorded a release's events, as a list. */
const people = (actors: ReadonlyArray<string>): string => (actors.length === 0 ? '-' : actors.join(', '))

/** The diff as lines: the two ids and the time between, then environment, version, commit, status, phases, actors. */
export const diffLines = (diff: ReleaseDiff, style: Style): string[] => {
  const span = Number.isFinite(diff.elapsedMs)
    ? Math.abs(diff.elapsedMs) < 1000
      ? 'created within a second of each other'
      : `created ${formatSpan(diff.elapsedMs)} ${diff.elapsedMs > 0 ? 'later' : 'earlier'}`
    : 'created at times that cannot be compared'
  return [
    `${style.bold(diff.from)} -> ${style.bold(diff.to)} (${span})`,
    line('environment', diff.environment, style),
    line('version', diff.version, style),
    line('commit', diff.commitSha, style),
    line('status', diff.status, style),
    ...diff.phases.map((phase) => line(`  ${phase.phase}`, phase, style)),
    line(
      'recorded by',
      { from: people(diff.actors.from), to: people(diff.actors.to), changed: diff.actors.changed },
      style,
    ),
  ]
}
