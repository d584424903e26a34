/** `phase`: records one phase transition of a release, as a deploy orchestrator reports it. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { PHASES, type PhaseStatus, type ReleasePhase } from '../../index.js'
import { PHASE_STATUSES, releaseStatus } from '../../internals.js'
import { defineCommand, stringOption } from '../command.js'
import { releaseValue } from '../format/json.js'
import { statusPaint } from '../format/style.js'
import { didYouMean } from '../suggest.js'
import { EXIT, type UsageError, usageError } from '../usage.js'
import { changeText, phaseChanges, sealedLines, writeAbout } from './recorded.js'

const isOneOf = (names: ReadonlyArray<string>, value: string): boolean => names.includes(value.trim())

/** A phase and a status as typed, or the usage error naming the unknown one, what it is near, and what is accepted. */
const phaseAndStatus = (phaseName: string, status: string): E.Either<UsageError, void> => {
  if (isOneOf(PHASE_STATUSES, phaseName) && isOneOf(PHASES, status))
    return E.left(usageError(`${phaseName} is a status and ${status} a phase: give PHASE, then STATUS`, 'phase'))
  const unknown = (what: string, value: string, names: ReadonlyArray<string>) =>
    E.left(
      usageError(
        `unknown ${what} ${JSON.stringify(value)} (one of ${names.join(', ')})${didYouMean(value.trim(), names)}`,
        'phase',
      ),
    )
  if (!isOneOf(PHASES, phaseName)) return unknown('phase', phaseName, PHASES)
  if (!isOneOf(PHASE_STATUSES, status)) return unknown('phase status', status, PHASE_STATUSES)
  return E.right(undefined)
}

export const phase = defineCommand({
  parse: (args) => {
    const [releaseId = '', phaseName = '', status = ''] = args.positionals
    return pipe(
      phaseAndStatus(phaseName, status),
      E.map(() => ({
        releaseId,
        phase: phaseName,
        status,
        reason: stringOption(args, 'reason'),
        requestId: stringOption(args, 'request-id'),
      })),
    )
  },
  run: async (input, { manager, out }) => {
    const recordedWrite = await writeAbout(manager, input.releaseId, (releaseId) =>
      // As typed (checked above): the manager trims them.
      manager.updatePhase(releaseId, input.phase as ReleasePhase, input.status as PhaseStatus, {
        reason: input.reason,
        requestId: input.requestId,
      }),
    )
    const { release, events } = recordedWrite
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
      ...sealedLines(recordedWrite),
    ])
    return EXIT.ok
  },
})
