/** `diff`: what changed between two releases (`releaseDiff`). */
import * as E from 'fp-ts/lib/Either.js'
import { releaseDiff } from '../../internals.js'
import { defineCommand } from '../command.js'
import { diffLines } from '../format/diff.js'
import { referencedId } from './reference.js'
import { EXIT } from '../usage.js'

export const diff = defineCommand({
  parse: (args) => E.right({ from: args.positionals[0] ?? '', to: args.positionals[1] ?? '' }),
  run: async (input, { manager, out }) => {
    const from = await referencedId(manager, input.from)
    const to = await referencedId(manager, input.to)
    const result = await releaseDiff(manager.fp)(from, to)()
    if (E.isLeft(result)) throw result.left
    if (out.json) out.value(result.right)
    else out.lines(diffLines(result.right, out.style))
    return EXIT.ok
  },
})
