/**
 * The report's deploy metrics: the table of `stats` (docs/metrics.md defines every figure) per environment and overall,
 * and the phase durations as a chart (median, p90, max of each phase) with the same figures as a table beside it.
 */
import type { DeployStats, DurationSummary, PhaseStats, StatsFigures } from '../domain/deploy-stats.js'
import { formatDuration } from '../domain/duration-text.js'
import { count, Html, html, svgImage, utc } from './report-escape.js'

const percent = (rate: number | null, part: number, whole: number): string =>
  rate === null ? '–' : `${(rate * 100).toFixed(1)}% (${count(part)} of ${count(whole)})`

const perWeek = (value: number | null): string => (value === null ? '–' : value.toFixed(value < 10 ? 2 : 1))

const spread = (summary: DurationSummary): string =>
  summary.count === 0 || summary.medianMs === null || summary.p90Ms === null
    ? '–'
    : `${formatDuration(summary.medianMs)} / ${formatDuration(summary.p90Ms)} (${count(summary.count)})`

const restore = (figures: StatsFigures): string => {
  const { timeToRestore } = figures
  const notes = [
    ...(timeToRestore.noTiming > 0 ? [`${count(timeToRestore.noTiming)} no timing`] : []),
    ...(timeToRestore.unrestored > 0 ? [`${count(timeToRestore.unrestored)} not restored`] : []),
  ]
  return `${spread(timeToRestore)}${notes.length === 0 ? '' : `; ${notes.join(', ')}`}`
}

const metricsRow = (name: string, figures: StatsFigures, overall: boolean): Html => {
  const { frequency, changeFailure, outcomes } = figures
  return html`<tr class="${overall ? 'overall' : ''}" data-environment="${name}">
    <th scope="row">${name}</th>
    <td class="num">${count(frequency.created)}</td>
    <td class="num">${count(frequency.completed)}</td>
    <td class="num">${perWeek(frequency.completedPerWeek)}</td>
    <td>${percent(changeFailure.changeFailureRate, changeFailure.failed, changeFailure.finished)}</td>
    <td>${percent(changeFailure.rollbackRate, changeFailure.rolledBack, frequency.created)}</td>
    <td>${restore(figures)}</td>
    <td class="num">${count(outcomes.recovered)}</td>
    <td class="num">${count(outcomes.abandoned)}</td>
    <td class="num">${count(outcomes.unfinished)}</td>
  </tr>`
}

/** The metrics table: a row per environment, and one for all of them when there are several. */
export const metricsTable = (metrics: DeployStats): Html => {
  const window = html`<p>
    From ${utc(Date.parse(metrics.since))} to ${utc(Date.parse(metrics.until))} (${metrics.days.toFixed(1)} days);
    releases created in that window. Times to restore are median / p90 (how many).
  </p>`
  if (metrics.environments.length === 0)
    return html`${window}
      <p class="empty">No release was created in this window.</p>`
  const rows = metrics.environments.map((environment) => metricsRow(environment.environment, environment, false))
  const all = metrics.environments.length > 1 ? [metricsRow('all environments', metrics.overall, true)] : []
  return html`${window}
    <table class="metrics" id="metrics-table">
      <thead>
        <tr>
          <th>environment</th>
          <th>created</th>
          <th>completed</th>
          <th>completed per week</th>
          <th>change failure rate</th>
          <th>rolled back</th>
          <th>time to restore</th>
          <th>recovered</th>
          <th>abandoned</th>
          <th>unfinished</th>
        </tr>
      </thead>
      <tbody>
        ${[...rows, ...all]}
      </tbody>
    </table>`
}

const WIDTH = 960
const LABEL = 110
const PLOT = WIDTH - LABEL - 20
const ROW = 24

const phaseNotes = (phase: PhaseStats): string =>
  [
    ...(phase.noTiming > 0 ? [`${count(phase.noTiming)} no timing`] : []),
    ...(phase.unfinished > 0 ? [`${count(phase.unfinished)} unfinished`] : []),
    ...(phase.notRun > 0 ? [`${count(phase.notRun)} not run`] : []),
    ...(phase.closedByRecovery > 0 ? [`${count(phase.closedByRecovery)} closed by recover`] : []),
    ...(phase.clockWentBack > 0 ? [`${count(phase.clockWentBack)} clock went back`] : []),
  ].join(', ')

const phaseTitle = (phase: PhaseStats): string =>
  phase.count === 0 || phase.medianMs === null || phase.p90Ms === null || phase.maxMs === null
    ? `${phase.phase}: no timed run${phaseNotes(phase) === '' ? '' : ` (${phaseNotes(phase)})`}`
    : `${phase.phase}: median ${formatDuration(phase.medianMs)}, p90 ${formatDuration(phase.p90Ms)}, ` +
      `max ${formatDuration(phase.maxMs)} over ${count(phase.count)} runs` +
      `${phaseNotes(phase) === '' ? '' : `; ${phaseNotes(phase)}`}`

const phaseBar = (phase: PhaseStats, index: number, x: (ms: number) => number): Html => {
  const y = 8 + index * ROW
  const bars =
    phase.medianMs === null || phase.p90Ms === null || phase.maxMs === null
      ? html`<text x="${LABEL + 4}" y="${y + 13}">no timed run</text>`
      : html`<rect
            class="max-bar"
            x="${LABEL}"
            y="${y + 7}"
            width="${Math.max(1, x(phase.maxMs) - LABEL).toFixed(1)}"
            height="4"
          /><rect
            class="p90"
            x="${LABEL}"
            y="${y + 3}"
            width="${Math.max(1, x(phase.p90Ms) - LABEL).toFixed(1)}"
            height="12"
          /><line
            class="median"
            x1="${x(phase.medianMs).toFixed(1)}"
            y1="${y}"
            x2="${x(phase.medianMs).toFixed(1)}"
            y2="${y + 18}"
          />`
  return html`<g><title>${phaseTitle(phase)}</title><text x="4" y="${y + 13}">${phase.phase}</text>${bars}</g>`
}

/** The phase durations (of every environment in the window) as a chart and a table. */
export const phaseChart = (phases: ReadonlyArray<PhaseStats>): Html => {
  const longest = Math.max(1, ...phases.map((phase) => phase.maxMs ?? 0))
  const x = (ms: number): number => LABEL + (Math.max(0, ms) / longest) * PLOT
  const height = 8 + phases.length * ROW + 16
  const summary = 'Phase durations, from running to a final status: median (line), p90 (bar), max (thin bar)'
  const chart = svgImage({
    className: 'chart',
    width: WIDTH,
    height,
    title: summary,
    content: html`${phases.map((phase, index) => phaseBar(phase, index, x))}
      <text x="${LABEL}" y="${height - 2}">0</text>
      <text x="${LABEL + PLOT}" y="${height - 2}" text-anchor="end">${formatDuration(longest)}</text>`,
  })
  return html`${chart}
    <table class="phases" id="phases-table">
      <thead>
        <tr>
          <th>phase</th>
          <th>timed runs</th>
          <th>median</th>
          <th>p90</th>
          <th>max</th>
          <th>not measured</th>
        </tr>
      </thead>
      <tbody>
        ${phases.map(
          (phase) =>
            html`<tr data-phase="${phase.phase}">
              <th scope="row">${phase.phase}</th>
              <td class="num">${count(phase.count)}</td>
              <td class="num">${phase.medianMs === null ? '–' : formatDuration(phase.medianMs)}</td>
              <td class="num">${phase.p90Ms === null ? '–' : formatDuration(phase.p90Ms)}</td>
              <td class="num">${phase.maxMs === null ? '–' : formatDuration(phase.maxMs)}</td>
              <td>${phaseNotes(phase)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`
}
