/** `create`: records a new release (all phases pending) and prints it. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { factsOf, looksLikeCommitSha } from '../../internals.js'
import { defineCommand, flag, requiredOption, stringOption } from '../command.js'
import { releaseValue } from '../format/json.js'
import { shortCommit } from '../format/release.js'
import { EXIT, usageError } from '../usage.js'
import { referencedId } from './reference.js'

export const create = defineCommand({
  parse: (args) =>
    pipe(
      E.Do,
      // Two outputs asked for at once: whichever won, a script would get what it did not expect.
      E.apFirst(
        flag(args, 'quiet') && flag(args, 'json')
          ? E.left(usageError('--quiet prints only the id and --json the whole record; give one of them', 'create'))
          : E.right(undefined),
      ),
      E.apS('environment', requiredOption(args, 'env', 'create', 'E')),
      E.apS('version', requiredOption(args, 'version', 'create', 'V')),
      E.map((input) => ({
        ...input,
        commit: stringOption(args, 'commit'),
        rollbackOf: stringOption(args, 'rollback-of'),
        note: stringOption(args, 'note'),
        requestId: stringOption(args, 'request-id'),
        supersede: flag(args, 'supersede'),
        quiet: flag(args, 'quiet'),
      })),
    ),
  run: async (given, { manager, out }) => {
    const rollbackOf = given.rollbackOf === undefined ? undefined : await referencedId(manager, given.rollbackOf)
    const input = { ...given, rollbackOf }
    const { release } = await manager.createRelease(input.environment, input.version, input.commit, {
      rollbackOf,
      note: input.note,
      requestId: input.requestId,
      supersede: input.supersede,
    })
    // Recorded as given (the Go Stagecraft took any text), but most likely a mistake: a tag, a branch, a typo.
    if (release.commitSha !== '' && !looksLikeCommitSha(release.commitSha))
      out.warn(
        `commit ${JSON.stringify(release.commitSha)} does not look like a git commit SHA (7 to 40 ` +
          `hexadecimal characters, or 64); recorded as given in ${release.id}`,
      )
    if (out.json) out.value(releaseValue(out, release))
    else if (input.quiet) out.lines([release.id])
    else {
      const previous =
        release.previousId === undefined ? 'the first release of the environment' : `previous ${release.previousId}`
      const rollback = input.rollbackOf === undefined ? '' : `, rollback to ${input.rollbackOf.trim()}`
      const { supersedes } = factsOf(release)
      out.lines([
        `created ${out.style.bold(release.id)}: ${release.environment} ${release.version} ` +
          `(${shortCommit(release.commitSha)}), ${previous}${rollback}` +
          (supersedes === undefined ? '' : `, supersedes ${supersedes}`),
      ])
    }
    return EXIT.ok
  },
})
