/** `list`: releases in a table, newest first, marking those possibly abandoned. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Release } from '../../index.js'
import { defineCommand, flag, optionalWith, stringOption } from '../command.js'
import { releaseJson } from '../format/json.js'
import { releaseTable } from '../format/release.js'
import { EXIT } from '../usage.js'
import { parsePositiveInteger } from '../values.js'
import { abandonedAfter, abandonedHint, abandonedIds } from './abandoned.js'

/** At most `limit` releases of each environment; the list keeps its order. */
const limitEach = (releases: ReadonlyArray<Release>, limit: number | undefined): Release[] => {
  if (limit === undefined) return [...releases]
  const seen = new Map<string, number>()
  return releases.filter((release) => {
    const count = (seen.get(release.environment) ?? 0) + 1
    seen.set(release.environment, count)
    return count <= limit
  })
}

export const list = defineCommand({
  parse: (args) =>
    pipe(
      E.Do,
      E.apS(
        'limit',
        optionalWith(args, 'limit', (raw) => parsePositiveInteger('limit', raw, 'list')),
      ),
      E.apS('thresholdMs', abandonedAfter(args, 'list')),
      E.map((input) => ({ ...input, environment: stringOption(args, 'env'), onlyAbandoned: flag(args, 'abandoned') })),
    ),
  managerOptions: (input) => ({ abandonedAfterMs: input.thresholdMs }),
  run: async (input, { manager, out, now }) => {
    const all =
      input.environment === undefined ? await manager.listAllReleases() : await manager.listReleases(input.environment)
    const abandoned = await abandonedIds(manager, input.environment)
    const releases = limitEach(
      input.onlyAbandoned ? all.filter((release) => abandoned.has(release.id)) : all,
      input.limit,
    )
    if (out.json) out.value(releases.map(releaseJson))
    else if (releases.length === 0) {
      const what = input.onlyAbandoned
        ? 'no release possibly abandoned'
        : input.environment === undefined
          ? 'no releases recorded'
          : `no releases of ${input.environment.trim()} recorded`
      out.lines([`${what} (${manager.location})`])
    } else
      out.lines([
        ...releaseTable(releases, now(), abandoned, out.style),
        ...abandonedHint(
          releases.filter((r) => abandoned.has(r.id)),
          input.thresholdMs,
          { total: abandoned.size, environment: input.environment },
        ),
      ])
    return EXIT.ok
  },
})
