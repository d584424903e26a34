/** `verify`: a full check of the store; exit 0 only when it is sound. */
import * as E from 'fp-ts/lib/Either.js'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import type { StateManager, VerifyOptions, VerifyProblem, VerifyReport } from '../../index.js'
import { defineCommand, listOption, optionalWith, stringOption } from '../command.js'
import { verifyJson } from '../format/json.js'
import type { Style } from '../format/style.js'
import { EXIT, usageError } from '../usage.js'
import { plural } from '../format/plural.js'
import { parseDuration } from '../values.js'

// "file:line: severity: message", the form compilers use, so editors and CI annotate the place.
const problemLine = (problem: VerifyProblem, style: Style): string =>
  `${problem.location}: ${problem.severity === 'error' ? style.red('error') : style.yellow('warning')}: ` +
  `${problem.message}`

/**
 * How many releases a releases.json with no event log holds: the report counts the history's releases, 0 here, which
 * reads as an empty store when the file holds a Go Stagecraft's releases. A file that cannot be read counts none:
 * verify has reported why.
 */
const unimportedReleases = async (manager: StateManager): Promise<number> => {
  if (manager.stateFile === undefined || !existsSync(manager.stateFile)) return 0
  const releases = await manager.fp.listAllReleases()()
  return E.isRight(releases) ? releases.right.length : 0
}

// What verify says of seals: the newest valid one (an auditor's proof of how far the log is sealed), or why none.
const sealLines = (report: VerifyReport): string[] => {
  const seals = report.seals
  if (seals === undefined) return []
  const lines: string[] = []
  if (seals.headMatched !== undefined)
    lines.push(`recorded head: event ${seals.headMatched.position} is still in the log with that SHA-256`)
  if (seals.count === 0) return seals.keysChecked ? [...lines, 'seals: none'] : lines
  const newest = seals.newestValid
  const how = seals.keysChecked ? 'checked against the trusted keys' : 'NOT checked against keys (give --trust)'
  lines.push(
    `seals: ${seals.count}, ${how}` +
      (newest === undefined
        ? '; none valid'
        : `; newest valid: event ${newest.position} (sealing event ${newest.head.position}) at ${newest.sealedAt}` +
          `, key ${newest.keyId.slice(0, 16)}…`),
  )
  if (newest !== undefined && report.head !== undefined && report.head.position > newest.position)
    lines.push(`${plural(report.head.position - newest.position, 'event')} after the newest valid seal: not sealed`)
  return lines
}

export const verify = defineCommand({
  parse: (args) =>
    pipe(
      optionalWith(args, 'max-seal-age', (raw) => parseDuration('max-seal-age', raw, 'verify')),
      E.flatMap((maxSealAgeMs) =>
        maxSealAgeMs !== undefined && listOption(args, 'trust').length === 0
          ? E.left(usageError('--max-seal-age needs --trust: only a seal checked against a key has an age', 'verify'))
          : E.right({ trust: listOption(args, 'trust'), maxSealAgeMs, head: stringOption(args, 'head') }),
      ),
    ),
  run: async (input, { manager, out, cwd }) => {
    const options: VerifyOptions = {
      ...(input.trust.length === 0
        ? {}
        : { trust: input.trust.map((file) => ({ file: resolve(cwd ?? process.cwd(), file) })) }),
      ...(input.maxSealAgeMs === undefined ? {} : { maxSealAgeMs: input.maxSealAgeMs }),
      ...(input.head === undefined ? {} : { head: input.head }),
    }
    const report = await manager.verify(options)
    if (out.json) out.value(verifyJson(report, manager.location))
    else {
      const errors = report.problems.filter((problem) => problem.severity === 'error').length
      const warnings = report.problems.length - errors
      const held = report.events === 0 ? await unimportedReleases(manager) : 0
      const counts =
        held > 0
          ? `0 events in ${manager.location}; its releases.json is not imported yet and holds ` +
            `${plural(held, 'release')} ("stagecraft-state import" makes ${held === 1 ? 'it' : 'them'} the ` +
            'start of the history)'
          : `${plural(report.events, 'event')}, ${plural(report.releases, 'release')} in ${manager.location}`
      const verdict = report.sound
        ? `${out.style.green('sound')}: ` +
          `${counts}${warnings === 0 ? ', no problems' : `, ${plural(warnings, 'warning')}`}`
        : `${out.style.red('NOT sound')}: ` +
          `${plural(errors, 'error')}${warnings === 0 ? '' : ` and ${plural(warnings, 'warning')}`} in ` +
          `${counts}`
      // The head, for an auditor to record: the hash chain alone cannot show the log cut back by whole lines.
      const head =
        report.head === undefined ? [] : [`chain head: event ${report.head.position}, sha256 ${report.head.sha256}`]
      out.lines([
        ...report.problems.map((problem) => problemLine(problem, out.style)),
        verdict,
        ...head,
        ...sealLines(report),
      ])
    }
    return report.sound ? EXIT.ok : EXIT.failed
  },
})
