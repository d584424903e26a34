/** `rollback-target`: the release a rollback would redeploy, or why none, and the `create` that records it. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { RollbackTarget } from '../../index.js'
import { defineCommand, type ParsedArgs, requiredOption, stringOption } from '../command.js'
import { releaseValue } from '../format/json.js'
import { formatAge, shortCommit } from '../format/release.js'
import { shellCommand } from '../shell-quote.js'
import { EXIT, type UsageError, usageError } from '../usage.js'
import { referencedId } from './reference.js'

const CHOICES = '--to-previous, --to-release ID, --to-version V or --to-last-good'

const targetOf = (args: ParsedArgs): E.Either<UsageError, RollbackTarget> => {
  const given: RollbackTarget[] = []
  if (args.values['to-previous'] === true) given.push({ to: 'previous' })
  const releaseId = stringOption(args, 'to-release')
  if (releaseId !== undefined) given.push({ to: 'release', releaseId })
  const version = stringOption(args, 'to-version')
  if (version !== undefined) given.push({ to: 'version', version })
  if (args.values['to-last-good'] === true) given.push({ to: 'last-good' })
  if (given.length === 1) return E.right(given[0] as RollbackTarget)
  return E.left(
    usageError(
      given.length === 0 ? `say which release to roll back to: ${CHOICES}` : `give only one of ${CHOICES}`,
      'rollback-target',
    ),
  )
}

export const rollbackTarget = defineCommand({
  parse: (args) =>
    pipe(
      E.Do,
      E.apS('environment', requiredOption(args, 'env', 'rollback-target', 'E')),
      E.apS('target', targetOf(args)),
    ),
  run: async (input, { manager, out, now }) => {
    const target = await manager.rollbackTarget(
      input.environment,
      input.target.to === 'release'
        ? { to: 'release', releaseId: await referencedId(manager, input.target.releaseId) }
        : input.target,
    )
    if (out.json) {
      out.value(releaseValue(out, target))
      return EXIT.ok
    }
    const record = ['stagecraft-state', 'create', '--env', target.environment, '--version', target.version]
    if (target.commitSha !== '') record.push('--commit', target.commitSha)
    record.push('--rollback-of', target.id)
    out.lines([
      `rollback of ${target.environment} would redeploy ${out.style.bold(target.id)}: ${target.version} ` +
        `(${shortCommit(target.commitSha)}), created ${target.timestamp} ` +
        `(${formatAge(target.timestamp, now())} ago), every phase completed`,
      `record it with: ${shellCommand(record)}`,
    ])
    return EXIT.ok
  },
})
