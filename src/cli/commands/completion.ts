/** `completion SHELL`: prints the completion script of a shell; it reads no store. */
import * as E from 'fp-ts/lib/Either.js'
import { PHASES } from '../../index.js'
import { PHASE_STATUSES } from '../../internals.js'
import { defineCommand } from '../command.js'
import { completionModel, completionScript, type Shell, SHELLS } from '../completion.js'
import { didYouMean } from '../suggest.js'
import { EXIT, usageError } from '../usage.js'

const isShell = (name: string): name is Shell => (SHELLS as ReadonlyArray<string>).includes(name)

export const completion = defineCommand({
  parse: (args) => {
    const shell = args.positionals[0] ?? ''
    return isShell(shell)
      ? E.right({ shell })
      : E.left(
          usageError(
            `no completion for shell ${JSON.stringify(shell)} (one of ${SHELLS.join(', ')})` +
              didYouMean(shell, SHELLS),
            'completion',
          ),
        )
  },
  // Nothing to open: with stores of its own, no default store is chosen, checked or named.
  ownStores: true,
  run: async (input, { out }) => {
    out.raw(completionScript(input.shell, completionModel(PHASES, PHASE_STATUSES)))
    return EXIT.ok
  },
})
