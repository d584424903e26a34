/**
 * `create`: records a new release (all phases pending, its previous release the environment's
 * current one) and prints it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { defineCommand, flag, requiredOption, stringOption } from '../command.js'
import { releaseJson } from '../format/json.js'
import { shortCommit } from '../format/release.js'
import { EXIT, usageError } from '../usage.js'

export const create = defineCommand({
  name: 'create',
  summary: 'Record a new release of a version to an environment',
  synopsis: '--env E --version V [--commit SHA] [--rollback-of ID] [--note TEXT] [--quiet]',
  description:
    'Records a new release: every phase starts pending, and its previous release is the environment\'s current one. ' +
    'With --rollback-of, the event records that this release redeploys an earlier release of the same environment ' +
    '(releases.json keeps its fixed format; history shows "rollback to ..."). ' +
    'Note: after a command, --version is the release\'s version, not the program\'s.',
  options: {
    env: { type: 'string', value: 'E', help: 'the environment deployed to (required)' },
    version: { type: 'string', value: 'V', help: 'the version deployed, such as v1.2.3 or a git SHA (required)' },
    commit: { type: 'string', value: 'SHA', help: 'the git commit deployed: 4 to 64 hex characters' },
    'rollback-of': { type: 'string', value: 'ID', help: 'the earlier release of the environment this one redeploys' },
    note: { type: 'string', value: 'TEXT', help: 'why the release is made, recorded in the history' },
    quiet: { type: 'boolean', short: 'q', help: 'print only the new release id (for scripts; not with --json)' },
  },
  examples: ['stagecraft-state create --env prod --version v1.2.3 --commit abc123def456', 'REL=$(stagecraft-state create --env prod --version v1.2.2 --rollback-of rel-20250101-120000000 --quiet)'],
  parse: (args) =>
    pipe(
      E.Do,
      // Two outputs asked for at once: whichever won, a script would get what it did not expect.
      E.apFirst(flag(args, 'quiet') && flag(args, 'json') ? E.left(usageError('--quiet prints only the id and --json the whole record; give one of them', 'create')) : E.right(undefined)),
      E.apS('environment', requiredOption(args, 'env', 'create', 'E')),
      E.apS('version', requiredOption(args, 'version', 'create', 'V')),
      E.map((input) => ({ ...input, commit: stringOption(args, 'commit'), rollbackOf: stringOption(args, 'rollback-of'), note: stringOption(args, 'note'), quiet: flag(args, 'quiet') })),
    ),
  run: async (input, { manager, out }) => {
    const release = await manager.createRelease(input.environment, input.version, input.commit, { rollbackOf: input.rollbackOf, note: input.note })
    if (out.json) out.value(releaseJson(release))
    else if (input.quiet) out.lines([release.id])
    else {
      const previous = release.previousId === undefined ? 'the first release of the environment' : `previous ${release.previousId}`
      const rollback = input.rollbackOf === undefined ? '' : `, rollback to ${input.rollbackOf.trim()}`
      out.lines([`created ${out.style.bold(release.id)}: ${release.environment} ${release.version} (${shortCommit(release.commitSha)}), ${previous}${rollback}`])
    }
    return EXIT.ok
  },
})
