/**
 * Deploy metrics for a team lead: one table of the figures (overall, then a column per environment), one of phase
 * durations, and the failures nothing restored. A figure with nothing to measure reads "-", never 0 or a guess.
 */
import type { DeployStats, DurationSummary, PhaseStats, StatsFigures } from '../../index.js'
import { formatDuration as durationText } from '../../internals.js'
import { plural } from './plural.js'
import type { Style } from './style.js'
import { type CellInput, renderTable } from './table.js'

/** A duration (`420ms`, `3m 5s`), or `-` when there is none. */
export const formatDuration = (ms: number | null): string => (ms === null ? '-' : durationText(ms))

const percent = (rate: number | null): string => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`)
const perPeriod = (value: number | null): string =>
  value === null ? '-' : value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(2)
const spread = (summary: DurationSummary): string =>
  summary.count === 0
    ? '-'
    : `${formatDuration(summary.medianMs)} / ${formatDuration(summary.p90Ms)} / ${formatDuration(summary.maxMs)}`

// Each row: its label, and its cell for one set of figures.
const ROWS: ReadonlyArray<readonly [string, (figures: StatsFigures) => string]> = [
  ['releases created', (f) => String(f.frequency.created)],
  ['  completed', (f) => String(f.outcomes.completed)],
  ['  failed', (f) => String(f.outcomes.failed)],
  ['  recovered', (f) => String(f.outcomes.recovered)],
  ['  unfinished', (f) => String(f.outcomes.unfinished)],
  ['  abandoned', (f) => String(f.outcomes.abandoned)],
  ['completed per day', (f) => perPeriod(f.frequency.completedPerDay)],
  ['completed per week', (f) => perPeriod(f.frequency.completedPerWeek)],
  ['created per week', (f) => perPeriod(f.frequency.createdPerWeek)],
  [
    'change failure rate',
    (f) => `${percent(f.changeFailure.changeFailureRate)} (${f.changeFailure.failed}/${f.changeFailure.finished})`,
  ],
  [
    'rolled back',
    (f) => `${percent(f.changeFailure.rollbackRate)} (${f.changeFailure.rolledBack}/${f.frequency.created})`,
  ],
  ['time to restore (median / p90 / max)', (f) => spread(f.timeToRestore)],
  ['  restores timed', (f) => String(f.timeToRestore.count)],
  ['  restores with no timing', (f) => String(f.timeToRestore.noTiming)],
  ['  failures not restored', (f) => String(f.timeToRestore.unrestored)],
]

const windowLine = (stats: DeployStats, location: string): string =>
  `Deploy stats from ${stats.since} to ${stats.until} (${perPeriod(stats.days)} days), ` +
  `${stats.environment === null ? 'every environment' : stats.environment} (${location})`

const figuresTable = (stats: DeployStats, style: Style, width: number | undefined): string[] => {
  const columns: ReadonlyArray<readonly [string, StatsFigures]> =
    stats.environment === null
      ? [['OVERALL', stats.overall], ...stats.environments.map((e) => [e.environment, e] as const)]
      : [[stats.environment, stats.overall]]
  const rows = ROWS.map(([label, cell]): CellInput[] => [label, ...columns.map(([, figures]) => cell(figures))])
  return renderTable(['', ...columns.map(([name]) => name)], rows, style, 2, { maxWidth: width, keep: [0] })
}

// What a phase's durations leave out, in words.
const phaseNotes = (phase: PhaseStats): string =>
  [
    [phase.noTiming, 'no timing'],
    [phase.unfinished, 'unfinished'],
    [phase.notRun, 'not run'],
    [phase.closedByRecovery, 'closed by recovery'],
    [phase.clockWentBack, 'clock went back'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n as number} ${what as string}`)
    .join(', ')

const phasesTable = (figures: StatsFigures, style: Style, width: number | undefined): string[] =>
  renderTable(
    ['PHASE', 'TIMED', 'MEDIAN', 'P90', 'MAX', 'NOT TIMED'],
    figures.phases.map((phase) => [
      phase.phase,
      String(phase.count),
      formatDuration(phase.medianMs),
      formatDuration(phase.p90Ms),
      formatDuration(phase.maxMs),
      phaseNotes(phase),
    ]),
    style,
    2,
    { maxWidth: width, keep: [0] },
  )

/** How many unrestored failures are named; the rest are counted. */
const MAX_NAMED = 10

const unrestoredLines = (figures: StatsFigures): string[] => {
  const ids = figures.timeToRestore.unrestoredIds
  if (ids.length === 0) return []
  const more = ids.length - MAX_NAMED
  return [
    '',
    `Not restored: ${plural(ids.length, 'failed release')}, with no later release of ` +
      `${ids.length === 1 ? 'its' : 'their'} environment completed since:`,
    ...ids.slice(0, MAX_NAMED).map((id) => `  ${id}`),
    ...(more > 0 ? [`  and ${more} more (-o json lists them all)`] : []),
  ]
}

/** The text of `stagecraft-state stats`. */
export const statsText = (stats: DeployStats, location: string, style: Style, width?: number): string[] => {
  const head = windowLine(stats, location)
  if (stats.overall.frequency.created === 0)
    return [
      head,
      '',
      `no releases${stats.environment === null ? '' : ` of ${stats.environment}`} in the window: nothing to ` +
        'measure (--since and --until choose another window)',
    ]
  return [
    head,
    '',
    ...figuresTable(stats, style, width),
    '',
    `Phase durations${stats.environment === null ? ', every environment' : ''} ` +
      '(from running to its final status; median / p90 / max):',
    ...phasesTable(stats.overall, style, width),
    ...unrestoredLines(stats.overall),
  ]
}
