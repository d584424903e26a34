/** `phase`: records one phase transition of a release, as a deploy orchestrator reports it. */
import * as E from 'fp-ts/lib/Either.js'
import type { PhaseStatus, ReleasePhase } from '../../index.js'
import { releaseStatus } from '../../internals.js'
import { defineCommand, stringOption } from '../command.js'
import { releaseValue } from '../format/json.js'
import { statusPaint } from '../format/style.js'
import { EXIT } from '../usage.js'
import { changeText, phaseChanges, writeAbout } from './recorded.js'

export const phase = defineCommand({
  parse: (args) => {
    const [releaseId = '', phaseName = '', status = ''] = args.positionals
    return E.right({
      releaseId,
      phase: phaseName,
      status,
      reason: stringOption(args, 'reason'),
      requestId: stringOption(args, 'request-id'),
    })
  },
  run: async (input, { manager, out }) => {
    const { release, events } = await writeAbout(manager, input.releaseId, () =>
      // As typed on the command line: the manager refuses an unknown phase or status, naming it.
      manager.updatePhase(input.releaseId, input.phase as ReleasePhase, input.status as PhaseStatus, {
        reason: input.reason,
        requestId: input.requestId,
      }),
    )
    if (out.json) {
      out.value(releaseValue(out, release))
      return EXIT.ok
    }
    const name = input.phase as ReleasePhase
    const overall = `(release ${statusPaint(out.style, releaseStatus(release))(releaseStatus(release))})`
    const [recorded] = phaseChanges(events)
    out.lines([
      recorded === undefined
        ? `${release.id}: ${name} is already ${release.phases[name]}; nothing recorded`
        : `${release.id}: ${changeText(recorded, out.style)} ${overall}`,
    ])
    return EXIT.ok
  },
})
