/** `list`: releases in a table, newest first, marking those possibly abandoned. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { Release } from '../../index.js'
import { RELEASE_STATUSES, type ReleaseStatus, releaseStatus } from '../../internals.js'
import { defineCommand, flag, optionalWith, stringOption } from '../command.js'
import { releasesValue } from '../format/json.js'
import { releaseTable } from '../format/release.js'
import { EXIT, type UsageError, usageError } from '../usage.js'
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

/** An overall status as `--status` takes it: `in-progress` and `in_progress` are `in progress` (no quotes needed). */
export const parseStatus = (raw: string, command: string): E.Either<UsageError, ReleaseStatus> => {
  const text = raw.trim().toLowerCase().replace(/[-_]/g, ' ')
  const status = RELEASE_STATUSES.find((known) => known === text)
  return status === undefined
    ? E.left(
        usageError(
          `--status ${JSON.stringify(raw)} is not an overall status; give one of ` +
            RELEASE_STATUSES.map((known) => known.replace(/ /g, '-')).join(', '),
          command,
        ),
      )
    : E.right(status)
}

export const list = defineCommand({
  parse: (args) =>
    pipe(
      E.Do,
      E.apS(
        'limit',
        optionalWith(args, 'limit', (raw) => parsePositiveInteger('limit', raw, 'list')),
      ),
      E.apS(
        'max',
        optionalWith(args, 'max', (raw) => parsePositiveInteger('max', raw, 'list')),
      ),
      E.apS(
        'status',
        optionalWith(args, 'status', (raw) => parseStatus(raw, 'list')),
      ),
      E.apS('thresholdMs', abandonedAfter(args, 'list')),
      E.map((input) => ({ ...input, environment: stringOption(args, 'env'), onlyAbandoned: flag(args, 'abandoned') })),
    ),
  managerOptions: (input) => ({ abandonedAfterMs: input.thresholdMs }),
  run: async (input, { manager, out, now }) => {
    const all =
      input.environment === undefined ? await manager.listAllReleases() : await manager.listReleases(input.environment)
    const abandoned = await abandonedIds(manager, input.environment)
    const chosen = all.filter(
      (release) =>
        (!input.onlyAbandoned || abandoned.has(release.id)) &&
        (input.status === undefined || releaseStatus(release) === input.status),
    )
    const releases = limitEach(chosen, input.limit).slice(0, input.max)
    if (out.json) out.value(releasesValue(out, releases))
    else if (releases.length === 0) {
      const what = input.onlyAbandoned
        ? 'no release possibly abandoned'
        : input.status !== undefined
          ? `no ${input.status} release`
          : input.environment === undefined
            ? 'no releases recorded'
            : `no releases of ${input.environment.trim()} recorded`
      out.lines([`${what} (${manager.location})`])
    } else
      out.lines([
        ...releaseTable(releases, now(), abandoned, out.style, { relative: out.interactive, maxWidth: out.width }),
        ...abandonedHint(
          releases.filter((r) => abandoned.has(r.id)),
          input.thresholdMs,
          { total: abandoned.size, environment: input.environment, width: out.width },
        ),
      ])
    return EXIT.ok
  },
})
