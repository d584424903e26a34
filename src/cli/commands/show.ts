/** `show` and `current`: one release in detail. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { defineCommand, stringOption } from '../command.js'
import { releasesValue } from '../format/json.js'
import { releaseTable } from '../format/release.js'
import { EXIT } from '../usage.js'
import { abandonedAfter, abandonedHint, abandonedIds } from './abandoned.js'
import { referencedId } from './reference.js'
import { printRelease } from './release-view.js'

export const show = defineCommand({
  parse: (args) =>
    pipe(
      abandonedAfter(args, 'show'),
      E.map((thresholdMs) => ({ releaseId: args.positionals[0] ?? '', thresholdMs })),
    ),
  run: async (input, { manager, out, now }) => {
    printRelease(out, await manager.getRelease(await referencedId(manager, input.releaseId)), now(), input.thresholdMs)
    return EXIT.ok
  },
})

export const current = defineCommand({
  parse: (args) =>
    pipe(
      abandonedAfter(args, 'current'),
      E.map((thresholdMs) => ({ environment: stringOption(args, 'env'), thresholdMs })),
    ),
  managerOptions: (input) => ({ abandonedAfterMs: input.thresholdMs }),
  run: async (input, { manager, out, now }) => {
    if (input.environment !== undefined) {
      printRelease(out, await manager.getCurrentRelease(input.environment), now(), input.thresholdMs)
      return EXIT.ok
    }
    const environments = [...new Set((await manager.listAllReleases()).map((release) => release.environment))]
    const releases = await Promise.all(environments.map((environment) => manager.getCurrentRelease(environment)))
    if (out.json) out.value(releasesValue(out, releases))
    else if (releases.length === 0) out.lines([`no releases recorded (${manager.location})`])
    else {
      const abandoned = await abandonedIds(manager)
      out.lines([
        ...releaseTable(releases, now(), abandoned, out.style, { relative: out.interactive, maxWidth: out.width }),
        ...abandonedHint(
          releases.filter((r) => abandoned.has(r.id)),
          input.thresholdMs,
          { total: abandoned.size },
        ),
      ])
    }
    return EXIT.ok
  },
})
