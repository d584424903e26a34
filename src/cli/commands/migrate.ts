/** `migrate`: moves the history between stores, keeping every event's line and hash (`migrateHistory`). */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { migrateHistory, type VerifyReport, storeAt } from '../../index.js'
import { defineCommand, optionalWith, requiredOption } from '../command.js'
import { EXIT } from '../usage.js'
import { parsePositiveInteger } from '../values.js'
import { plural } from '../format/plural.js'

const verdict = (report: VerifyReport): string => {
  const warnings = report.problems.filter((problem) => problem.severity === 'warning').length
  return (
    `${report.sound ? 'sound' : 'NOT sound'} (${plural(report.events, 'event')}, ` +
    `${plural(report.releases, 'release')}${warnings === 0 ? '' : `, ${plural(warnings, 'warning')}`})`
  )
}

const reportJson = (report: VerifyReport) => ({
  sound: report.sound,
  events: report.events,
  releases: report.releases,
  problems: report.problems,
})

export const migrate = defineCommand({
  parse: (args) =>
    pipe(
      E.Do,
      E.apS('from', requiredOption(args, 'from', 'migrate', 'STORE')),
      E.apS('to', requiredOption(args, 'to', 'migrate', 'STORE')),
      E.apS(
        'batch',
        optionalWith(args, 'batch', (raw) => parsePositiveInteger('batch', raw, 'migrate')),
      ),
    ),
  ownStores: true,
  run: async (input, { out, cwd, lockTimeoutMs, onProgress }) => {
    const report = await migrateHistory(storeAt(input.from), storeAt(input.to), {
      cwd,
      lockTimeoutMs,
      batchSize: input.batch,
      onWarning: out.warn,
      onProgress,
    })
    if (out.json) {
      out.value({
        from: report.from,
        to: report.to,
        events: report.events,
        copied: report.copied,
        hash: report.hash,
        source: reportJson(report.source),
        target: reportJson(report.target),
      })
    } else {
      const resumed =
        report.copied === report.events
          ? ''
          : report.copied === 0
            ? ' (all were there already)'
            : ` (${report.copied} copied now, the rest were there already)`
      out.lines([
        `moved ${plural(report.events, 'event')} from ${report.from} to ${report.to}${resumed}`,
        `last hash ${report.hash}, the same on both sides`,
        `verify: source ${verdict(report.source)}, target ${verdict(report.target)}`,
      ])
    }
    return report.source.sound && report.target.sound ? EXIT.ok : EXIT.failed
  },
})
