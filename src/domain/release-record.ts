/**
 * A release as a record of `releases.json`, the Go Stagecraft's snake_case shape. One codec serves both directions:
 * decoding accepts what Go or a person may have written and keeps what it does not model in `preserved`; encoding
 * writes the record back with nothing lost, keys in the spec's order, then the preserved fields.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { PHASES, PhaseStatus, type Phases, type ReleasePhase, ReleasePhase as ReleasePhaseCodec } from './phase.js'
import { type Preserved, preservedOf, type Release, StoredRelease } from './release.js'
import { ReleaseId } from './release-id.js'
import { Timestamp } from './timestamp.js'

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'environment',
  'version',
  'commit_sha',
  'timestamp',
  'phases',
  'previous_id',
])

const RecordFields = t.intersection([
  t.type({ id: ReleaseId, environment: t.string, version: t.string, timestamp: Timestamp }),
  t.partial({
    commit_sha: t.union([t.string, t.null]),
    phases: t.union([t.UnknownRecord, t.null]),
    previous_id: t.union([t.string, t.null]),
  }),
])

/** A record as JSON: what `JSON.stringify` turns into one element of `releases`. */
export type ReleaseRecordJson = Readonly<Record<string, unknown>>

interface DecodedPhases {
  readonly phases: Phases
  readonly absentPhases: ReadonlyArray<ReleasePhase>
  readonly otherPhases: Readonly<Record<string, unknown>>
}

const decodePhases = (raw: Readonly<Record<string, unknown>>, context: t.Context): t.Validation<DecodedPhases> => {
  const phases: Partial<Record<ReleasePhase, PhaseStatus>> = {}
  const otherPhases: Array<[string, unknown]> = []
  for (const [key, value] of Object.entries(raw)) {
    if (!ReleasePhaseCodec.is(key)) {
      otherPhases.push([key, value])
      continue
    }
    if (!PhaseStatus.is(value)) {
      const at = t.appendContext(t.appendContext(context, 'phases', t.UnknownRecord, raw), key, PhaseStatus, value)
      return t.failure(value, at)
    }
    phases[key] = value
  }
  const absentPhases = PHASES.filter((phase) => phases[phase] === undefined)
  for (const phase of absentPhases) phases[phase] = 'pending'
  return t.success({ phases: phases as Phases, absentPhases, otherPhases: Object.fromEntries(otherPhases) })
}

const preservedFrom = (
  decoded: DecodedPhases,
  otherFields: ReadonlyArray<[string, unknown]>,
): Preserved | undefined => {
  const entries: Array<[string, unknown]> = []
  if (decoded.absentPhases.length > 0) entries.push(['absentPhases', decoded.absentPhases])
  if (Object.keys(decoded.otherPhases).length > 0) entries.push(['otherPhases', decoded.otherPhases])
  if (otherFields.length > 0) entries.push(['otherFields', Object.fromEntries(otherFields)])
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Preserved)
}

const decodeRecord = (input: unknown, context: t.Context): t.Validation<StoredRelease> =>
  pipe(
    RecordFields.validate(input, t.appendContext(context, '', RecordFields, input)),
    E.chain((fields) =>
      pipe(
        decodePhases(fields.phases ?? {}, context),
        E.map((decoded): StoredRelease => {
          const otherFields = Object.entries(input as Record<string, unknown>).filter(([key]) => !KNOWN_FIELDS.has(key))
          const preserved = preservedFrom(decoded, otherFields)
          return {
            id: fields.id,
            environment: fields.environment,
            version: fields.version,
            commitSha: fields.commit_sha ?? '',
            timestamp: fields.timestamp,
            phases: decoded.phases,
            // The Go Stagecraft omits an empty previous_id; an empty or null one means "none".
            ...(fields.previous_id ? { previousId: fields.previous_id as ReleaseId } : {}),
            ...(preserved === undefined ? {} : { preserved }),
          }
        }),
      ),
    ),
  )

/** The fields of a JSON object in the order they are written (an object would list keys such as "7" first). */
export type OrderedFields = ReadonlyArray<readonly [string, unknown]>

const phaseFields = (release: Release, preserved: Preserved | undefined): OrderedFields => {
  const absent = new Set(preserved?.absentPhases ?? [])
  const known = PHASES.filter((phase) => !absent.has(phase)).map((phase): [string, unknown] => [
    phase,
    release.phases[phase],
  ])
  const other = Object.entries(preserved?.otherPhases ?? {}).filter(([key]) => !ReleasePhaseCodec.is(key))
  return [...known, ...other]
}

/**
 * A release's record as written: the spec's fields in order (phases in phase order, then unknown phase keys), then
 * preserved fields. The value of `phases` is itself ordered fields.
 */
export const recordFields = (release: Release): OrderedFields => {
  const preserved = preservedOf(release)
  return [
    ['id', release.id],
    ['environment', release.environment],
    ['version', release.version],
    ['commit_sha', release.commitSha],
    ['timestamp', release.timestamp],
    ['phases', phaseFields(release, preserved)],
    ...(release.previousId === undefined ? [] : [['previous_id', release.previousId] as const]),
    ...Object.entries(preserved?.otherFields ?? {}).filter(([key]) => !KNOWN_FIELDS.has(key)),
  ]
}

// Object.fromEntries, not assignment: a preserved key such as "__proto__" must stay a plain field.
const encodeRecord = (release: Release): ReleaseRecordJson =>
  Object.fromEntries(
    recordFields(release).map(([key, value]) => [
      key,
      key === 'phases' ? Object.fromEntries(value as OrderedFields) : value,
    ]),
  )

/** The codec between a record and a release; encoding takes any release, a state's hidden `preserved` too. */
export const ReleaseRecord = new t.Type<StoredRelease, ReleaseRecordJson, unknown>(
  'ReleaseRecord',
  StoredRelease.is,
  decodeRecord,
  encodeRecord,
)
