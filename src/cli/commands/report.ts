/** `report`: the HTML page of the history, written to a file (whole or not at all), or to stdout with `--html -`. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { defineCommand, optionalWith, requiredOption, stringOption } from '../command.js'
import { plural } from '../format/plural.js'
import { EXIT, usageError } from '../usage.js'
import { checkTimeRange, parseInstantOption } from '../values.js'

export const report = defineCommand({
  parse: (args, now) =>
    pipe(
      requiredOption(args, 'html', 'report', 'FILE'),
      E.chain((file) =>
        file.trim() === '' ? E.left(usageError('--html needs a file name (or - for stdout)', 'report')) : E.right(file),
      ),
      E.bindTo('file'),
      E.apS(
        'since',
        optionalWith(args, 'since', (raw) => parseInstantOption('since', raw, now, 'report')),
      ),
      E.apS(
        'until',
        optionalWith(args, 'until', (raw) => parseInstantOption('until', raw, now, 'report')),
      ),
      E.chain((input) => checkTimeRange(input, 'report')),
      E.map((input) => ({ ...input, environment: stringOption(args, 'env') })),
    ),
  run: async ({ file, since, until, environment }, { manager, out }) => {
    const toStdout = file === '-'
    const made = await manager.report({ since, until, environment, ...(toStdout ? {} : { file }) })
    if (toStdout) {
      out.raw(made.html)
      return EXIT.ok
    }
    const { releases, environments, events, sound } = made
    if (out.json) out.value({ file, releases, environments, events, sound })
    else
      out.lines([
        `report written to ${file}: ${plural(releases, 'release')} in ${plural(environments, 'environment')}, ` +
          `${plural(events, 'event')}; verify: ${sound ? out.style.green('sound') : out.style.red('NOT sound')}`,
      ])
    return EXIT.ok
  },
})
