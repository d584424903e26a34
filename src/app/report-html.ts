/**
 * The HTML report: a pure function from the gathered data to one self-contained page (inline CSS and SVG, no script,
 * nothing loaded from anywhere), readable opened from a file on a laptop.
 */
import { REPORT_CSS } from './report-css.js'
import type { ReportData, ReportEnvironment } from './report-data.js'
import { counted, Html, html, utc } from './report-escape.js'
import { metricsTable, phaseChart } from './report-metrics.js'
import { auditTable, verifySection } from './report-tables.js'
import { outcomeCounts, timelineLegend, timelineSvg } from './report-timeline.js'

const NOTABLE_CAPTION =
  'Recoveries (with their reasons), rollbacks, imports, reconciles and changes adopted from outside'

const notableTable = (data: ReportData): Html =>
  auditTable(data.audit.notable, data.audit.notableTotal, 'notable events', NOTABLE_CAPTION, 'notable-table')

const windowText = (data: ReportData): string => {
  const { since, until, environment } = data.window
  const from = since === undefined ? 'the start of the history' : utc(since.epochMs)
  const to = until === undefined ? 'now' : utc(until.epochMs)
  return `${environment === undefined ? 'every environment' : `environment ${environment}`}, from ${from} to ${to}`
}

const environmentSection = (environment: ReportEnvironment): Html =>
  html`<section class="environment" id="env-${environment.name}" data-environment="${environment.name}">
    <h3>${environment.name}</h3>
    ${outcomeCounts(environment)}${timelineSvg(environment)}
  </section>`

const timelines = (data: ReportData): Html =>
  data.environments.length === 0
    ? html`<p class="empty" id="no-releases">There are no releases in this window.</p>`
    : html`${timelineLegend()}${data.environments.map(environmentSection)}`

/** The whole page. */
export const reportHtml = (data: ReportData): string => {
  const releases = data.environments.reduce((sum, environment) => sum + environment.total, 0)
  const title = `Release history of ${data.store}`
  const page = html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
        <title>${title}</title>
        <style>
          ${new Html(REPORT_CSS)}
        </style>
      </head>
      <body>
        <header>
          <h1>${title}</h1>
          <p class="meta" id="summary">
            ${counted(releases, 'release')} in ${counted(data.environments.length, 'environment')}; ${windowText(data)}.
            Made ${utc(data.generatedMs)} by stagecraft-state report.
          </p>
          <nav>
            <a href="#verify">verify</a><a href="#timelines">timelines</a><a href="#metrics">metrics</a
            ><a href="#phases">phase durations</a><a href="#notable">recoveries, rollbacks and outside changes</a
            ><a href="#events">events</a>
          </nav>
        </header>
        <main>
          <section id="verify">
            <h2>Verify</h2>
            ${verifySection(data)}
          </section>
          <section id="timelines">
            <h2>Timeline per environment</h2>
            <p>
              Each release is a bar from its creation to its last event, coloured by how it ended; hover a bar for its
              details.
            </p>
            ${timelines(data)}
          </section>
          <section id="metrics">
            <h2>Deploy metrics</h2>
            ${metricsTable(data.metrics)}
          </section>
          <section id="phases">
            <h2>Phase durations</h2>
            ${phaseChart(data.metrics.overall.phases)}
          </section>
          <section id="notable">
            <h2>Recoveries, rollbacks and outside changes</h2>
            ${notableTable(data)}
          </section>
          <section id="events">
            <h2>Events</h2>
            ${auditTable(data.audit.rows, data.audit.total, 'events', 'Who recorded what', 'events-table')}
          </section>
        </main>
      </body>
    </html> `
  return page.text
}
