/** `stats`: deploy metrics over a window (docs/metrics.md), as a table for people or the DeployStats value in JSON. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { defineCommand, optionalWith, stringOption } from '../command.js'
import { statsText } from '../format/stats.js'
import { EXIT } from '../usage.js'
import { checkTimeRange, parseInstantOption } from '../values.js'
import { abandonedAfter } from './abandoned.js'

export const stats = defineCommand({
  parse: (args, now) =>
    pipe(
      E.Do,
      E.apS(
        'since',
        optionalWith(args, 'since', (raw) => parseInstantOption('since', raw, now, 'stats')),
      ),
      E.apS(
        'until',
        optionalWith(args, 'until', (raw) => parseInstantOption('until', raw, now, 'stats')),
      ),
      E.chain((times) => checkTimeRange(times, 'stats')),
      E.bindW('abandonedAfterMs', () => abandonedAfter(args, 'stats')),
      E.map((input) => ({ ...input, environment: stringOption(args, 'env') })),
    ),
  run: async (filter, { manager, out }) => {
    const stats = await manager.stats(filter)
    if (out.json) out.value(stats)
    else out.lines(statsText(stats, manager.location, out.style, out.width))
    return EXIT.ok
  },
})
