/** `recover`: closes out a release a crashed or killed orchestrator left behind. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { releaseStatus } from '../../internals.js'
import { defineCommand, requiredOption, stringOption } from '../command.js'
import { releaseValue } from '../format/json.js'
import { statusPaint } from '../format/style.js'
import { EXIT } from '../usage.js'
import { changeText, phaseChanges, sealedLines, writeAbout } from './recorded.js'

export const recover = defineCommand({
  parse: (args) =>
    pipe(
      requiredOption(args, 'reason', 'recover', 'TEXT'),
      E.map((reason) => ({
        releaseId: args.positionals[0] ?? '',
        reason,
        requestId: stringOption(args, 'request-id'),
      })),
    ),
  run: async (input, { manager, out }) => {
    const recordedWrite = await writeAbout(manager, input.releaseId, (releaseId) =>
      manager.recoverRelease(releaseId, input.reason, { requestId: input.requestId }),
    )
    const { release, events } = recordedWrite
    if (out.json) {
      out.value(releaseValue(out, release))
      return EXIT.ok
    }
    const overall = releaseStatus(release)
    const changes = phaseChanges(events).map((change) => changeText(change, out.style))
    out.lines([
      changes.length === 0
        ? `${release.id} has no running or pending phase; nothing recorded (release ${overall})`
        : `recovered ${out.style.bold(release.id)}: ${changes.join(', ')} (release ` +
          `${statusPaint(out.style, overall)(overall)})`,
      ...sealedLines(recordedWrite),
    ])
    return EXIT.ok
  },
})
