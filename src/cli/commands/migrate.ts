/**
 * `migrate`: moves the history from one store to another (a file store into PostgreSQL, and
 * back), keeping every event's line and hash; the work is `migrateHistory` of the API.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { migrateHistory, type VerifyReport, storeAt } from '../../index.js'
import { defineCommand, optionalWith, requiredOption } from '../command.js'
import { EXIT } from '../usage.js'
import { parsePositiveInteger } from '../values.js'
import { plural } from '../format/plural.js'

const verdict = (report: VerifyReport): string => {
  const warnings = report.problems.filter((problem) => problem.severity === 'warning').length
  return `${report.sound ? 'sound' : 'NOT sound'} (${plural(report.events, 'event')}, ${plural(report.releases, 'release')}${warnings === 0 ? '' : `, ${plural(warnings, 'warning')}`})`
}

const reportJson = (report: VerifyReport) => ({ sound: report.sound, events: report.events, releases: report.releases, problems: report.problems })

export const migrate = defineCommand({
  name: 'migrate',
  summary: 'Move the history to another store (file <-> PostgreSQL), keeping every hash',
  synopsis: '--from STORE --to STORE [--batch N]',
  description:
    'Copies every event of the --from store into the --to store, in order, with the same lines and hashes, then writes the target\'s releases.json (for a file store) and verifies both sides. ' +
    'A STORE is a state file path or a postgres:// URL (?schema=NAME picks the schema). The source must verify; the target must be empty, or hold the start of the same history ' +
    '(an earlier move of a history that has grown since: only the rest is copied); a refused move changes nothing. Both stores are locked while events are copied, and the target ' +
    'gets them all at once or none: a migration killed part-way leaves it as it was. With --json: from, to, events, copied, hash, source and target verify reports.',
  options: {
    from: { type: 'string', value: 'STORE', help: 'the store to copy from: a state file path, or a postgres:// URL' },
    to: { type: 'string', value: 'STORE', help: 'the store to copy into: a state file path, or a postgres:// URL' },
    batch: { type: 'string', value: 'N', help: 'events per append to the target (default 500); all are committed together' },
  },
  examples: [
    'stagecraft-state migrate --from .stagecraft/releases.json --to "postgres://deploy@db.internal/deploys?schema=shop"',
    'stagecraft-state migrate --from "postgres://deploy@db.internal/deploys?schema=shop" --to backup/releases.json',
  ],
  parse: (args) =>
    pipe(
      E.Do,
      E.apS('from', requiredOption(args, 'from', 'migrate', 'STORE')),
      E.apS('to', requiredOption(args, 'to', 'migrate', 'STORE')),
      E.apS('batch', optionalWith(args, 'batch', (raw) => parsePositiveInteger('batch', raw, 'migrate'))),
    ),
  run: async (input, { out, cwd, lockTimeoutMs }) => {
    const report = await migrateHistory(storeAt(input.from), storeAt(input.to), { cwd, lockTimeoutMs, batchSize: input.batch, onWarning: out.warn })
    if (out.json) {
      out.value({ from: report.from, to: report.to, events: report.events, copied: report.copied, hash: report.hash, source: reportJson(report.source), target: reportJson(report.target) })
    } else {
      const resumed = report.copied === report.events ? '' : report.copied === 0 ? ' (all were there already)' : ` (${report.copied} copied now, the rest were there already)`
      out.lines([
        `moved ${plural(report.events, 'event')} from ${report.from} to ${report.to}${resumed}`,
        `last hash ${report.hash}, the same on both sides`,
        `verify: source ${verdict(report.source)}, target ${verdict(report.target)}`,
      ])
    }
    return report.source.sound && report.target.sound ? EXIT.ok : EXIT.failed
  },
})
