/**
 * `phase`: records one phase transition of a release, as a deploy orchestrator reports it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { PHASE_STATUSES, PHASES, type ReleasePhase, releaseStatus } from '../../index.js'
import { defineCommand, stringOption } from '../command.js'
import { releaseJson } from '../format/json.js'
import { statusPaint } from '../format/style.js'
import { EXIT } from '../usage.js'
import { changeText, notReadBack, phaseChangesRecordedHere, writeAbout } from './recorded.js'

export const phase = defineCommand({
  name: 'phase',
  summary: 'Record a phase transition of a release',
  synopsis: 'RELEASE_ID PHASE STATUS [--reason TEXT]',
  description:
    `Moves one phase of a release to a status. Phases: ${PHASES.join(', ')}. Statuses: ${PHASE_STATUSES.join(', ')}. ` +
    'A pending phase may become running, completed, failed or skipped; a running one completed, failed or skipped; ' +
    'completed, failed and skipped are final. Recording the status a phase already has records nothing (a safe retry).',
  positionals: ['RELEASE_ID', 'PHASE', 'STATUS'],
  options: {
    reason: { type: 'string', value: 'TEXT', help: 'why, recorded in the history (say why a rollout failed)' },
  },
  examples: ['stagecraft-state phase rel-20250101-120000000 rollout running', 'stagecraft-state phase rel-20250101-120000000 rollout failed --reason "health checks failed"'],
  parse: (args) => {
    const [releaseId = '', phaseName = '', status = ''] = args.positionals
    return E.right({ releaseId, phase: phaseName, status, reason: stringOption(args, 'reason') })
  },
  run: async (input, { manager, out }) => {
    const release = await writeAbout(manager, input.releaseId, () => manager.updatePhase(input.releaseId, input.phase, input.status, { reason: input.reason }))
    if (out.json) {
      out.value(releaseJson(release))
      return EXIT.ok
    }
    const name = input.phase as ReleasePhase
    const changes = await phaseChangesRecordedHere(manager, release.id)
    const overall = `(release ${statusPaint(out.style, releaseStatus(release))(releaseStatus(release))})`
    if (E.isLeft(changes)) {
      out.warn(notReadBack(changes.left))
      out.lines([`${release.id}: ${name} is ${statusPaint(out.style, release.phases[name])(release.phases[name])} ${overall}`])
      return EXIT.ok
    }
    const recorded = changes.right.find((change) => change.phase === name)
    out.lines([recorded === undefined ? `${release.id}: ${name} is already ${release.phases[name]}; nothing recorded` : `${release.id}: ${changeText(recorded, out.style)} ${overall}`])
    return EXIT.ok
  },
})
