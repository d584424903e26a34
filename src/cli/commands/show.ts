/**
 * `show` and `current`: one release in detail.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { defineCommand, stringOption } from '../command.js'
import { releaseJson } from '../format/json.js'
import { releaseTable } from '../format/release.js'
import { EXIT } from '../usage.js'
import { abandonedAfter, abandonedHint, abandonedIds, abandonedOption } from './abandoned.js'
import { printRelease } from './release-view.js'

export const show = defineCommand({
  name: 'show',
  summary: 'Show one release in detail',
  synopsis: 'RELEASE_ID [--abandoned-after DURATION]',
  description: 'Shows a release: its environment, version, commit, creation time, previous release, what it rolls back to and its note (from the history), and every phase. With --json, its releases.json record.',
  positionals: ['RELEASE_ID'],
  options: { 'abandoned-after': abandonedOption },
  examples: ['stagecraft-state show rel-20250101-120000000', 'stagecraft-state show rel-20250101-120000000 --json'],
  parse: (args) => pipe(abandonedAfter(args, 'show'), E.map((thresholdMs) => ({ releaseId: args.positionals[0] ?? '', thresholdMs }))),
  managerOptions: (input) => ({ abandonedAfterMs: input.thresholdMs }),
  run: async (input, { manager, out, now }) => {
    await printRelease(manager, out, await manager.getRelease(input.releaseId), now(), input.thresholdMs)
    return EXIT.ok
  },
})

export const current = defineCommand({
  name: 'current',
  summary: "Show an environment's current release (or every environment's)",
  synopsis: '[--env E] [--abandoned-after DURATION]',
  description:
    "With --env, shows the environment's current release (its newest) in detail, or fails when it has none. " +
    'Without --env, a table of the current release of every environment (with --json, an array of records).',
  options: { env: { type: 'string', value: 'E', help: 'the environment' }, 'abandoned-after': abandonedOption },
  examples: ['stagecraft-state current --env prod', 'stagecraft-state current --env prod --json'],
  parse: (args) => pipe(abandonedAfter(args, 'current'), E.map((thresholdMs) => ({ environment: stringOption(args, 'env'), thresholdMs }))),
  managerOptions: (input) => ({ abandonedAfterMs: input.thresholdMs }),
  run: async (input, { manager, out, now }) => {
    if (input.environment !== undefined) {
      await printRelease(manager, out, await manager.getCurrentRelease(input.environment), now(), input.thresholdMs)
      return EXIT.ok
    }
    const environments = [...new Set((await manager.listAllReleases()).map((release) => release.environment))]
    const releases = await Promise.all(environments.map((environment) => manager.getCurrentRelease(environment)))
    if (out.json) out.value(releases.map(releaseJson))
    else if (releases.length === 0) out.lines([`no releases recorded (${manager.location})`])
    else {
      const abandoned = await abandonedIds(manager)
      out.lines([...releaseTable(releases, now(), abandoned, out.style), ...abandonedHint(releases.filter((r) => abandoned.has(r.id)), input.thresholdMs, { total: abandoned.size })])
    }
    return EXIT.ok
  },
})
