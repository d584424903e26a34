/** `verify`: a full check of the store; exit 0 only when it is sound. */
import * as E from 'fp-ts/lib/Either.js'
import { existsSync } from 'node:fs'
import type { StateManager, VerifyProblem } from '../../index.js'
import { defineCommand } from '../command.js'
import { verifyJson } from '../format/json.js'
import type { Style } from '../format/style.js'
import { EXIT } from '../usage.js'
import { plural } from '../format/plural.js'

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

export const verify = defineCommand({
  parse: () => E.right({}),
  run: async (_input, { manager, out }) => {
    const report = await manager.verify()
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
      out.lines([...report.problems.map((problem) => problemLine(problem, out.style)), verdict, ...head])
    }
    return report.sound ? EXIT.ok : EXIT.failed
  },
})
