import { test } from '@fast-check/vitest'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type EventEnvelope, formatReleaseId, PHASE_STATUSES, PHASES } from '../../src/domain/index.js'
import { encodeLogLine, LogLine } from '../../src/store/log-line.js'
import { PHASE_UPDATED_SOURCE, readFastLine, readMatchedPhaseUpdated } from '../../src/store/fast-lines.js'
import { epochMs } from '../arbitraries.js'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const ulid = fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 })
// Free text as a person or a machine may name itself: quotes, backslashes, control characters, emoji.
const freeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('alice', 'ci-runner-3', 'a"b', 'back\\slash', 'tab\there', 'é中🚀', '', '"},"data":{"'),
)

// What every line has (and the release it is about): generated alike for both line shapes.
const envelopeFields = {
  id: ulid,
  recordedAt: epochMs.map((ms) => new Date(ms).toISOString()),
  actor: freeText,
  host: freeText,
  pid: fc.nat({ max: 4_194_304 }),
  command: ulid,
  // Absent in lines of versions before it was recorded.
  writer: fc.option(fc.oneof(fc.constantFrom('0.2.0', '1.10.0-rc.1'), freeText), { nil: undefined }),
  releaseId: fc.oneof(epochMs.map(formatReleaseId), freeText),
}

const metaOf = (e: { actor: string; host: string; pid: number; command: string; writer: string | undefined }) =>
  e.writer === undefined
    ? { actor: e.actor, host: e.host, pid: e.pid, command: e.command }
    : { actor: e.actor, host: e.host, pid: e.pid, command: e.command, writer: e.writer }

const phaseUpdated = fc.record({
  ...envelopeFields,
  phase: fc.oneof(fc.constantFrom(...PHASES), fc.constantFrom('deploy', '')),
  from: fc.oneof(fc.constantFrom(...PHASE_STATUSES), fc.constant('done')),
  to: fc.constantFrom(...PHASE_STATUSES),
  prev: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), freeText),
})

type Fields = typeof phaseUpdated extends fc.Arbitrary<infer A> ? A : never

const lineOf = (e: Fields): string =>
  encodeLogLine(
    {
      v: 1,
      id: e.id,
      type: 'PhaseUpdated',
      recordedAt: e.recordedAt,
      meta: metaOf(e),
      data: { releaseId: e.releaseId, phase: e.phase, from: e.from, to: e.to },
    } as unknown as EventEnvelope,
    e.prev,
  )

/** What the general path makes of a line: JSON.parse, then the io-ts guard. */
const generalRead = (text: string): { envelope: unknown; prev: unknown } | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!LogLine.is(json)) return undefined
  const { prev, ...envelope } = json
  return { envelope, prev }
}

const releaseCreated = fc.record(
  {
    ...envelopeFields,
    environment: freeText,
    version: freeText,
    commitSha: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9a-f]{4,40}$/), freeText),
    timestamp: fc.oneof(
      epochMs.map((ms) => new Date(ms).toISOString()),
      fc.constantFrom('2025-01-01T05:00:00.5-07:00', '2025-02-30T00:00:00Z', 'yesterday'),
    ),
    phases: fc.tuple(...PHASES.map(() => fc.oneof(fc.constantFrom(...PHASE_STATUSES), fc.constant('done')))),
    previousId: fc.option(fc.oneof(epochMs.map(formatReleaseId), freeText), { nil: undefined }),
    rollbackOf: fc.option(fc.oneof(epochMs.map(formatReleaseId), freeText), { nil: undefined }),
    note: fc.option(freeText, { nil: undefined }),
    prev: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), freeText),
  },
  {
    requiredKeys: [
      'id',
      'recordedAt',
      'actor',
      'host',
      'pid',
      'command',
      'writer',
      'releaseId',
      'environment',
      'version',
      'commitSha',
      'timestamp',
      'phases',
      'prev',
    ],
  },
)

type CreateFields = typeof releaseCreated extends fc.Arbitrary<infer A> ? A : never

const createLineOf = (e: CreateFields): string =>
  encodeLogLine(
    {
      v: 1,
      id: e.id,
      type: 'ReleaseCreated',
      recordedAt: e.recordedAt,
      meta: metaOf(e),
      data: {
        release: {
          id: e.releaseId,
          environment: e.environment,
          version: e.version,
          commitSha: e.commitSha,
          timestamp: e.timestamp,
          phases: Object.fromEntries(PHASES.map((phase, i) => [phase, e.phases[i]])),
          ...(e.previousId === undefined ? {} : { previousId: e.previousId }),
        },
        ...(e.rollbackOf === undefined ? {} : { rollbackOf: e.rollbackOf }),
        ...(e.note === undefined ? {} : { note: e.note }),
      },
    } as unknown as EventEnvelope,
    e.prev,
  )

// Free text that a JSON writer must escape: such a line is the general path's.
const needsEscape = (text: string): boolean => /[\\"\u0000-\u001f]/.test(text)

/**
 * What the fast reader must do for one line shape, given generated values, the line they make,
 * and their free text: agree with the general path, take every valid line without escapes, and
 * never accept a damaged line the general path would read differently.
 */
const holdsToTheGeneralPath = <F>(
  shape: string,
  fields: fc.Arbitrary<F>,
  lineOf: (fields: F) => string,
  freeTexts: (fields: F) => ReadonlyArray<string>,
): void => {
  test.prop([fields], { numRuns: 1000 })(
    `reads a ${shape} line exactly as JSON.parse and the codec would, or leaves it to them`,
    (values) => {
      const line = lineOf(values)
      const fast = readFastLine(line)
      if (fast !== undefined) expect(fast).toEqual(generalRead(line))
    },
  )

  test.prop([fields.filter((values) => !freeTexts(values).some(needsEscape))], { numRuns: 300 })(
    `takes every valid ${shape} line without escapes`,
    (values) => {
      const line = lineOf(values)
      const general = generalRead(line)
      expect(readFastLine(line)).toEqual(general)
      if (general !== undefined) expect(readFastLine(line)).not.toBeUndefined()
    },
  )

  test.prop(
    [fields, fc.nat(), fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 3 })), fc.nat({ max: 3 })],
    { numRuns: 2000 },
  )(
    `never accepts a damaged ${shape} line that the general path would read differently`,
    (values, at, insert, remove) => {
      const line = lineOf(values)
      const cut = at % (line.length + 1)
      const damaged = line.slice(0, cut) + insert + line.slice(cut + remove)
      const fast = readFastLine(damaged)
      if (fast !== undefined) expect(fast).toEqual(generalRead(damaged))
    },
  )
}

describe('reading a line the worker saw match the PhaseUpdated template', () => {
  const template = new RegExp(PHASE_UPDATED_SOURCE)
  test.prop(
    [
      phaseUpdated,
      fc.nat(),
      fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 3 }), fc.constantFrom('"', ',', '9')),
      fc.nat({ max: 3 }),
    ],
    { numRuns: 2000 },
  )(
    'gives exactly what the fast reader gives, for any line, whole or damaged, that matches it',
    (values, at, insert, remove) => {
      const line = lineOf(values)
      const cut = at % (line.length + 1)
      for (const text of [line, line.slice(0, cut) + insert + line.slice(cut + remove)]) {
        if (template.test(text)) expect(readMatchedPhaseUpdated(text)).toEqual(readFastLine(text))
      }
    },
  )

  test.prop(
    [
      phaseUpdated.filter(
        (values) => ![values.actor, values.host, values.writer ?? '', values.releaseId, values.prev].some(needsEscape),
      ),
    ],
    { numRuns: 300 },
  )('matches every valid line without escapes', (values) => {
    const line = lineOf(values)
    if (readFastLine(line) !== undefined) expect(template.test(line)).toBe(true)
  })
})

describe('the fast reader of PhaseUpdated and ReleaseCreated lines', () => {
  holdsToTheGeneralPath('PhaseUpdated', phaseUpdated, lineOf, (e) => [
    e.actor,
    e.host,
    e.writer ?? '',
    e.releaseId,
    e.prev,
  ])
  holdsToTheGeneralPath('ReleaseCreated', releaseCreated, createLineOf, (e) => [
    e.actor,
    e.host,
    e.writer ?? '',
    e.releaseId,
    e.environment,
    e.version,
    e.commitSha,
    e.previousId ?? '',
    e.rollbackOf ?? '',
    e.note ?? '',
    e.prev,
  ])

  it('leaves other event types and other key orders to the general path', () => {
    expect(readFastLine('{"v":1,"id":"01JGGVSBF8ABM7TF5B8M3VN3N5","type":"SnapshotImported"}')).toBeUndefined()
    const reordered =
      '{"id":"01JGGVSCEGD5YNBRN5P90A226Y","v":1,"type":"PhaseUpdated","recordedAt":"2025-01-01T12:00:02.000Z","meta":{"actor":"a","host":"h","pid":1,"command":"01JGGVSCEGD5YNBRN5P90A226X"},"data":{"releaseId":"r","phase":"build","from":"pending","to":"running"},"prev":"x"}'
    expect(readFastLine(reordered)).toBeUndefined()
    expect(generalRead(reordered)).not.toBeUndefined()
  })
})
