/**
 * The timeline of one environment as inline SVG: a row per release, a bar from its creation to its last event,
 * coloured by outcome, a rollback and a recovery marked; every bar has a title (its text alternative).
 */
import { type ReportEnvironment, type ReportOutcome, type ReportRelease, REPORT_OUTCOMES } from './report-data.js'
import { formatDuration } from '../domain/duration-text.js'
import { count, counted, Html, html, svgImage, utc } from './report-escape.js'

const WIDTH = 960
const LABEL = 230
const PLOT = WIDTH - LABEL - 20
const ROW = 16
const BAR = 10
const TOP = 26

/** The CSS class of an outcome. */
export const outcomeClass = (outcome: ReportOutcome): string => `o-${outcome.replace(' ', '-')}`

// A version longer than the label column is cut: the bar's title holds it whole.
const short = (text: string, max = 28): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

const describe = (release: ReportRelease): string =>
  [
    `${release.version} (${release.id})`,
    release.outcome,
    release.timed
      ? `created ${utc(release.createdMs)}, last event ${utc(release.lastMs)} ` +
        `(${formatDuration(release.lastMs - release.createdMs)})`
      : `created ${utc(release.createdMs)}; no timing (read in from a releases.json)`,
    ...(release.rollbackOf === undefined ? [] : [`rollback to ${release.rollbackOf}`]),
    ...(release.recovered ? ['closed out by recover'] : []),
  ].join('; ')

const row = (release: ReportRelease, index: number, x: (ms: number) => number): Html => {
  const y = TOP + index * ROW
  const start = x(release.createdMs)
  const width = Math.max(2, x(release.lastMs) - start)
  const mid = y + BAR / 2
  const shape = release.timed
    ? html`<rect
        class="${outcomeClass(release.outcome)}"
        x="${start.toFixed(1)}"
        y="${y}"
        width="${width.toFixed(1)}"
        height="${BAR}"
      />`
    : html`<path class="${outcomeClass(release.outcome)} untimed" d="M${start.toFixed(1)} ${y}l5 5-5 5-5-5z" />`
  const end = start + (release.timed ? width : 5) + 4
  const marks = [
    ...(release.rollbackOf === undefined
      ? []
      : [html`<text class="mark" x="${end.toFixed(1)}" y="${mid + 4}">↶</text>`]),
    ...(release.recovered
      ? [
          html`<circle
            class="mark-recovered"
            cx="${(end + (release.rollbackOf === undefined ? 4 : 16)).toFixed(1)}"
            cy="${mid}"
            r="4"
          />`,
        ]
      : []),
  ]
  return html`<g
    ><title>${describe(release)}</title
    ><text class="label" x="4" y="${mid + 4}">${short(release.version)}</text>${shape}${marks}</g
  >`
}

/** The SVG of an environment's newest releases (at most the ones the data holds). */
export const timelineSvg = (environment: ReportEnvironment): Html => {
  const releases = environment.releases
  const first = Math.min(...releases.map((r) => r.createdMs))
  const last = Math.max(...releases.map((r) => r.lastMs))
  const range = Math.max(last - first, 60_000)
  const x = (ms: number): number => LABEL + ((ms - first) / range) * PLOT
  const height = TOP + releases.length * ROW + 6
  const summary =
    `Timeline of ${environment.name}: ${releases.length === environment.total ? 'all' : 'the newest'} ` +
    `${counted(releases.length, 'release')}, from ${utc(first)} to ${utc(last)}`
  return svgImage({
    className: 'timeline',
    width: WIDTH,
    height,
    title: summary,
    content: html`<text class="axis" x="${LABEL}" y="14">${utc(first)}</text>
      <text class="axis" x="${WIDTH - 20}" y="14" text-anchor="end">${utc(last)}</text>
      <line class="axis-line" x1="${LABEL}" y1="18" x2="${WIDTH - 20}" y2="18" />
      ${releases.map((release, index) => row(release, index, x))}`,
  })
}

/** The legend of the timelines: each outcome's colour, and the marks. */
export const timelineLegend = (): Html =>
  html`<ul class="legend">
    ${REPORT_OUTCOMES.map((outcome) => html`<li><span class="swatch ${outcomeClass(outcome)}"></span>${outcome}</li>`)}
    <li><span class="mark">↶</span> rollback (redeploys an earlier release)</li>
    <li><span class="swatch mark-recovered round"></span> closed out by recover</li>
    <li><span class="swatch untimed-swatch"></span> no timing (read in from a releases.json)</li>
  </ul>`

/** The counts of an environment's releases in the window, by outcome. */
export const outcomeCounts = (environment: ReportEnvironment): Html => {
  const parts = REPORT_OUTCOMES.filter((outcome) => environment.outcomes[outcome] > 0).map(
    (outcome) =>
      html`<span class="count ${outcomeClass(outcome)}-text">${count(environment.outcomes[outcome])} ${outcome}</span>`,
  )
  const shown =
    environment.releases.length < environment.total
      ? html` The timeline shows the newest ${count(environment.releases.length)}; the
        ${count(environment.total - environment.releases.length)} before them are counted here only.`
      : html``
  return html`<p class="counts">
    <strong>${counted(environment.total, 'release')}</strong>:
    ${parts.flatMap((part, i) => (i === 0 ? [part] : [html`, `, part]))};
    ${counted(environment.rollbacks, 'rollback')}.${shown}
  </p>`
}
