/**
 * `recover`: closes out a release a crashed or killed orchestrator left behind.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { releaseStatus } from '../../index.js'
import { defineCommand, requiredOption } from '../command.js'
import { releaseJson } from '../format/json.js'
import { statusPaint } from '../format/style.js'
import { EXIT } from '../usage.js'
import { changeText, notReadBack, phaseChangesRecordedHere, writeAbout } from './recorded.js'

export const recover = defineCommand({
  name: 'recover',
  summary: 'Close out a release left behind by a crashed or killed orchestrator',
  synopsis: 'RELEASE_ID --reason TEXT',
  description:
    'Its running phases become failed and its pending phases skipped, through the normal transitions, each recorded in the history with the reason. ' +
    'A release with nothing running or pending is left as it is. Use it for releases list marks as possibly abandoned, once you know their orchestrator is gone.',
  positionals: ['RELEASE_ID'],
  options: { reason: { type: 'string', value: 'TEXT', help: 'why, recorded with every transition (required)' } },
  examples: ['stagecraft-state recover rel-20250101-120000000 --reason "CI runner killed during rollout"'],
  parse: (args) => pipe(requiredOption(args, 'reason', 'recover', 'TEXT'), E.map((reason) => ({ releaseId: args.positionals[0] ?? '', reason }))),
  run: async (input, { manager, out }) => {
    const release = await writeAbout(manager, input.releaseId, () => manager.recoverRelease(input.releaseId, input.reason))
    if (out.json) {
      out.value(releaseJson(release))
      return EXIT.ok
    }
    const recorded = await phaseChangesRecordedHere(manager, release.id)
    const overall = releaseStatus(release)
    if (E.isLeft(recorded)) {
      out.warn(notReadBack(recorded.left))
      out.lines([`recovered ${out.style.bold(release.id)} (release ${statusPaint(out.style, overall)(overall)})`])
      return EXIT.ok
    }
    const changes = recorded.right.map((change) => changeText(change, out.style))
    out.lines([
      changes.length === 0
        ? `${release.id} has no running or pending phase; nothing recorded (release ${overall})`
        : `recovered ${out.style.bold(release.id)}: ${changes.join(', ')} (release ${statusPaint(out.style, overall)(overall)})`,
    ])
    return EXIT.ok
  },
})
