/** The report's tables: the audit rows and the result of verify. */
import type { AuditRow } from './report-audit.js'
import type { ReportData } from './report-data.js'
import { epochMsOf } from '../domain/timestamp.js'
import { count, counted, Html, html, utc } from './report-escape.js'

const auditLine = (row: AuditRow): Html =>
  html`<tr class="kind-${row.kind}">
    <td class="num">${row.position}</td>
    <td class="time" title="${row.recordedAt}">${row.recordedAt === '' ? '' : utc(epochMsOf(row.recordedAt))}</td>
    <td class="type">${row.type}</td>
    <td class="id">${row.release}</td>
    <td>${row.change}</td>
    <td>${row.actor}</td>
    <td>${row.host}</td>
    <td>${row.reason}</td>
  </tr>`

/** A table of audit rows (newest last, as history prints them), with a note when older ones are left out. */
export const auditTable = (
  rows: ReadonlyArray<AuditRow>,
  total: number,
  what: string,
  caption: string,
  id: string,
): Html => {
  if (total === 0) return html`<p class="empty" id="${id}-empty">No ${what} in this window.</p>`
  const note =
    rows.length < total
      ? html` (the newest ${count(rows.length)} of ${count(total)}; stagecraft-state history shows them all)`
      : html``
  return html`<table class="audit" id="${id}">
    <caption>
      ${caption}: ${counted(total, what.replace(/s$/, ''), what)}${note}
    </caption>
    <thead>
      <tr>
        <th>#</th>
        <th>recorded at</th>
        <th>event</th>
        <th>release</th>
        <th>change</th>
        <th>actor</th>
        <th>host</th>
        <th>reason or note</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(auditLine)}
    </tbody>
  </table>`
}

/** The verdict of verify, the chain head an auditor records, and every problem (the first ones, for many). */
export const verifySection = (data: ReportData): Html => {
  const report = data.verify
  const errors = report.problems.filter((problem) => problem.severity === 'error').length
  const warnings = data.problemsTotal === 0 ? ', no problems' : `, ${counted(data.problemsTotal, 'warning')}`
  const verdict = report.sound
    ? html`<p class="verdict sound" id="verdict">
        <strong>sound</strong>: ${counted(report.events, 'event')}, ${counted(report.releases, 'release')}${warnings}
      </p>`
    : html`<p class="verdict unsound" id="verdict">
        <strong>NOT sound</strong>: ${counted(errors, 'error')} among ${counted(data.problemsTotal, 'problem')} in
        ${counted(report.events, 'event')}; the figures of this report come from what could be read
      </p>`
  const head =
    report.head === undefined
      ? html`<p id="chain-head">No chain head: the store holds no event.</p>`
      : html`<p id="chain-head">
          Chain head: event <strong>${report.head.position}</strong>, sha256
          <code>${report.head.sha256}</code> (recorded elsewhere, it shows later whether the log was cut back or
          rewritten).
        </p>`
  const shown =
    report.problems.length < data.problemsTotal
      ? html`<p>
          The first ${count(report.problems.length)} problems are shown; stagecraft-state verify lists them all.
        </p>`
      : html``
  const problems =
    report.problems.length === 0
      ? html``
      : html`<table class="problems">
            <thead>
              <tr>
                <th>severity</th>
                <th>where</th>
                <th>problem</th>
              </tr>
            </thead>
            <tbody>
              ${report.problems.map(
                (problem) =>
                  html`<tr class="${problem.severity}">
                    <td>${problem.severity}</td>
                    <td class="id">${problem.location}</td>
                    <td>${problem.message}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${shown}`
  return html`${verdict}${head}${problems}`
}
