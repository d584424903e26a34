/**
 * The shared fast-check generators of stagecraft-state's tests: the domain, store and CLI suites
 * all draw from here, so that every suite explores the same inputs.
 *
 * Naming: `xInput` is what a caller may pass (possibly with blanks around it), `x` a clean value
 * as stored, `invalidX` a value that must be refused, each with the rule it breaks.
 */
import fc from 'fast-check'
import {
  allPending,
  formatReleaseId,
  PHASE_STATUSES,
  ReleaseRecord,
  PHASES,
  type PhaseStatus,
  type Preserved,
  type Release,
  type ReleaseId,
  type ReleasePhase,
  type Snapshot,
  type State,
  type StoredRelease,
  type Timestamp,
} from '../src/domain/index.js'
import { type Intent, type ReleaseTarget, runScenario, type Scenario, type SnapshotEdit } from './scenario.js'

/** 2000-01-01T00:00:00.000Z: the earliest clock reading generated. */
export const EPOCH_MS_MIN = Date.UTC(2000, 0, 1)
/** 2100-12-31T23:59:59.999Z: the latest clock reading generated. */
export const EPOCH_MS_MAX = Date.UTC(2101, 0, 1) - 1

// ---------------------------------------------------------------------------------------------
// Free text

const CONTROL = /\p{Cc}/gu
// What a new release may not hold (src/domain/input.ts): lone surrogates; in an environment, bidi controls and
// zero-width characters.
const UNRECORDABLE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g

/** Any text: ASCII or any code point, lone surrogates included. */
export const anyText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength }), fc.string({ unit: 'binary', maxLength }))

/** A clean stored text: trimmed, 1 to `maxLength` characters (code points), nothing a write refuses. */
export const cleanText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: anyText(maxLength)
        .map((s) => s.replace(CONTROL, '_').replace(UNRECORDABLE, '_').trim())
        .filter((s) => s !== ''),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('x'.repeat(maxLength), '🚀'.repeat(maxLength), `é${'中'.repeat(maxLength - 1)}`),
    },
  )

/** Blanks a caller may leave around a value: spaces, tabs, newlines, Unicode spaces. */
export const blanks: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\ufeff'),
      minLength: 1,
      maxLength: 3,
    }),
  },
)

/** `value` with blanks around it, as `{ input, clean }`. */
const padded = (clean: fc.Arbitrary<string>): fc.Arbitrary<{ readonly input: string; readonly clean: string }> =>
  fc
    .tuple(blanks, clean, blanks)
    .map(([before, value, after]) => ({ input: `${before}${value}${after}`, clean: value }))

/** A control character (Unicode category Cc) that trimming does not remove. */
export const controlCharacter: fc.Arbitrary<string> = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
)

/** Why a text input is refused, and the input. */
export interface InvalidText {
  readonly input: string
  readonly rule: 'empty' | 'control character' | 'too long'
}

/** A text input that breaks one rule of a trimmed, 1-to-`maxLength`, control-free text. */
export const invalidText = (maxLength: number): fc.Arbitrary<InvalidText> =>
  fc.oneof(
    fc.constantFrom('', ' ', '\t\n ', '\u00a0\u2003').map((input): InvalidText => ({ input, rule: 'empty' })),
    fc
      .tuple(cleanText(20), controlCharacter, cleanText(20))
      .map(([a, c, b]): InvalidText => ({ input: `${a}${c}${b}`, rule: 'control character' })),
    fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('x', 'é', '🚀'))
      .map(([extra, unit]): InvalidText => ({ input: unit.repeat(maxLength + extra), rule: 'too long' })),
  )

// ---------------------------------------------------------------------------------------------
// Environments, versions, commit SHAs

/** Environment names every suite shares, so that generated histories have several releases each. */
export const FIXED_ENVIRONMENTS = ['prod', 'staging', 'dev', 'qa-eu-1', 'Prod'] as const

/** A valid environment name as stored: mostly a fixed name, sometimes any clean name up to 64 characters. */
export const environment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIXED_ENVIRONMENTS) },
  { weight: 1, arbitrary: cleanText(64) },
)

/** A valid environment argument as a caller passes it (`input`, maybe with blanks) and as stored (`clean`). */
export const environmentInput = padded(environment)

/** An environment argument that must be refused (empty, control character, over 64 characters). */
export const invalidEnvironment = invalidText(64)

/** A valid version as stored. */
export const version: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('v1.2.3', '1.0.0', 'v2.0.0-rc.1+build.5', '9fceb02', 'v1-é-中-🚀-<b>&amp;') },
  { weight: 1, arbitrary: cleanText(256) },
)

/** A valid version argument (`input`, maybe with blanks) and as stored (`clean`). */
export const versionInput = padded(version)

/** A version argument that must be refused (empty, control character, over 256 characters). */
export const invalidVersion = invalidText(256)

const HEX = '0123456789abcdefABCDEF'.split('')

/** A commit as stored: empty, an object name, or any text a caller named it by (the Go tests' `commit1`). */
export const commitSha: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom(...HEX), minLength: 7, maxLength: 40 }),
  fc.constantFrom('abc123def456', 'DEADBEEF', '9fceb02d0ae598e95dc970b74767f19372d61af8', 'commit1', 'ghi789'),
  cleanText(256),
)

/** A commit that must be refused: a control character, a lone surrogate, or over 256 characters. */
export const invalidCommitSha: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(cleanText(20), controlCharacter, cleanText(20)).map(([a, c, b]) => `${a}${c}${b}`),
  fc.tuple(cleanText(20), fc.constantFrom('\ud800', '\udfff')).map(([a, surrogate]) => `${a}${surrogate}-`),
  fc
    .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('a', 'é', '🚀'))
    .map(([extra, unit]) => unit.repeat(256 + extra)),
)

// ---------------------------------------------------------------------------------------------
// Phases and statuses

/** A known phase. */
export const phase: fc.Arbitrary<ReleasePhase> = fc.constantFrom(...PHASES)
/** A known status. */
export const status: fc.Arbitrary<PhaseStatus> = fc.constantFrom(...PHASE_STATUSES)
/** A phase name that is not a phase. */
export const unknownPhase: fc.Arbitrary<string> = fc.constantFrom(
  'deploy',
  'Build',
  'bu ild',
  ' ',
  '',
  'migrate-pre',
  '__proto__',
  'toString',
)
/** A status name that is not a status. */
export const unknownStatus: fc.Arbitrary<string> = fc.constantFrom(
  'done',
  'Completed',
  'pend ing',
  '',
  'cancelled',
  '__proto__',
  'constructor',
)
/** A phase argument: mostly known (sometimes with blanks around it), sometimes not. */
export const phaseInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: padded(phase).map((p) => p.input) },
  { weight: 1, arbitrary: unknownPhase },
)
/** A status argument: mostly known (sometimes with blanks around it), sometimes not. */
export const statusInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: padded(status).map((s) => s.input) },
  { weight: 1, arbitrary: unknownStatus },
)

// ---------------------------------------------------------------------------------------------
// Clocks

/** A clock reading in epoch milliseconds, in the years 2000 to 2100. */
export const epochMs: fc.Arbitrary<number> = fc.integer({ min: EPOCH_MS_MIN, max: EPOCH_MS_MAX })

const clockStep = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) }, // the same millisecond again
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, // a busy millisecond or two later
  { weight: 2, arbitrary: fc.integer({ min: -5_000, max: -1 }) }, // NTP stepped back a little
  { weight: 1, arbitrary: fc.integer({ min: -400 * 86_400_000, max: -5_001 }) }, // far back (a bad RTC)
  { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 30 * 86_400_000 }) }, // hours or days later
)

/** A sequence of clock readings (at least one) that repeat, jump backwards and forwards, clamped to 2000-2100. */
export const clock: fc.Arbitrary<ReadonlyArray<number>> = fc
  .tuple(epochMs, fc.array(clockStep, { maxLength: 40 }))
  .map(([start, steps]) => {
    const readings = [start]
    for (const step of steps)
      readings.push(Math.min(EPOCH_MS_MAX, Math.max(EPOCH_MS_MIN, (readings[readings.length - 1] ?? start) + step)))
    return readings
  })

// ---------------------------------------------------------------------------------------------
// Ids and timestamps as older files hold them

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** A canonical id `rel-YYYYMMDD-HHMMSSmmm` of a reading in 2000-2100. */
export const canonicalReleaseId: fc.Arbitrary<ReleaseId> = epochMs.map(formatReleaseId)

/** A legacy id `rel-YYYYMMDD-HHMMSS` (seconds only) of a reading in 2000-2100. */
export const legacyReleaseId: fc.Arbitrary<ReleaseId> = epochMs.map(
  (ms) => formatReleaseId(ms).slice(0, -3) as ReleaseId,
)

/** Any other non-empty id an older file may hold that new ids can still sort after (`< "rel-9999..."`). */
export const foreignReleaseId: fc.Arbitrary<ReleaseId> = fc
  .oneof(
    fc.constantFrom('1', 'abc', 'deploy-42', 'rel-1', 'REL-20250101', 'rel-20250101-12', 'rel-2025-01-01'),
    anyText(20),
  )
  .filter((s) => s.length > 0 && s < 'rel-99991231-235959999')
  .map((s) => s as ReleaseId)

/** An id that no release id can sort after (which once blocked creating releases, and no longer does). */
export const blockingReleaseId: fc.Arbitrary<ReleaseId> = fc
  .constantFrom('zzz', 'release-1', 'rel-a', 'rel-99991231-235959999', '\u{10ffff}')
  .map((s) => s as ReleaseId)

/** An id as an older file may hold it: canonical, legacy or foreign (never blocking). */
export const storedReleaseId: fc.Arbitrary<ReleaseId> = fc.oneof(
  { weight: 3, arbitrary: canonicalReleaseId },
  { weight: 2, arbitrary: legacyReleaseId },
  { weight: 1, arbitrary: foreignReleaseId },
)

/**
 * The timestamp the Go tool writes for an instant in a zone (`offsetMinutes` east of UTC): the local wall time, up to
 * nine fraction digits without trailing zeros, the offset (`Z` for UTC).
 */
export const goTimestamp = (epochMs: number, nanos: number, offsetMinutes: number): Timestamp => {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19)
  const fraction = pad((((epochMs % 1000) + 1000) % 1000) * 1_000_000 + nanos, 9).replace(/0+$/, '')
  const sign = offsetMinutes < 0 ? '-' : '+'
  const zone =
    offsetMinutes === 0
      ? 'Z'
      : `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60), 2)}:${pad(Math.abs(offsetMinutes) % 60, 2)}`
  return `${local}${fraction === '' ? '' : `.${fraction}`}${zone}` as Timestamp
}

/** The id the Go tool writes for an instant in a zone: its local wall time, milliseconds truncated. */
export const goReleaseId = (epochMs: number, offsetMinutes: number): ReleaseId =>
  formatReleaseId(epochMs + offsetMinutes * 60_000)

/** A zone's offset from UTC in minutes, -12:00 to +14:00, most of them whole hours. */
export const zoneOffset: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: -12, max: 14 }).map((hours) => hours * 60) },
  { weight: 1, arbitrary: fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => quarters * 15) },
)

/**
 * The releases the Go tool wrote, one process after another, each with its clock in some zone: ids from the local wall
 * time (two releases in one millisecond share one), timestamps with offsets and nanoseconds, `previous_id` naming the
 * environment's release before (by the Go tool's own chain).
 */
export const goReleases: fc.Arbitrary<ReadonlyArray<StoredRelease>> = fc
  .tuple(
    epochMs,
    fc.array(
      fc.record({
        step: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 40 * 3_600_000 })),
        nanos: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 })),
        zone: fc.oneof({ weight: 3, arbitrary: fc.constant('same' as const) }, { weight: 1, arbitrary: zoneOffset }),
        environment: fc.constantFrom('prod', 'staging', 'dev'),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    zoneOffset,
  )
  .map(([start, steps, firstZone]) => {
    let at = start
    let zone = firstZone
    const last = new Map<string, ReleaseId>()
    return steps.map(({ step, nanos, zone: next, environment }): StoredRelease => {
      at = Math.min(EPOCH_MS_MAX, at + step)
      if (next !== 'same') zone = next
      const id = goReleaseId(at, zone)
      const previousId = last.get(environment)
      last.set(environment, id)
      return {
        id,
        environment,
        version: 'v1',
        commitSha: '',
        timestamp: goTimestamp(at, nanos, zone),
        phases: allPending(),
        ...(previousId === undefined ? {} : { previousId }),
      }
    })
  })

/** An RFC 3339 timestamp as the Go tool or a person may write it: any offset, 0 to 9 fraction digits. */
export const rfc3339Timestamp: fc.Arbitrary<Timestamp> = fc
  .record({
    ms: fc.integer({ min: EPOCH_MS_MIN / 1000, max: Math.floor(EPOCH_MS_MAX / 1000) }).map((s) => s * 1000),
    fraction: fc.oneof(
      fc.constant(''),
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 9 }),
    ),
    offsetMinutes: fc.oneof(
      { weight: 2, arbitrary: fc.constant<number | 'Z'>('Z') },
      { weight: 1, arbitrary: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }) },
    ),
  })
  .map(({ ms, fraction, offsetMinutes }) => {
    const local = new Date(ms + (offsetMinutes === 'Z' ? 0 : offsetMinutes * 60_000)).toISOString().slice(0, 19)
    const zone =
      offsetMinutes === 'Z'
        ? 'Z'
        : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60), 2)}:${pad(Math.abs(offsetMinutes) % 60, 2)}`
    return `${local}${fraction === '' ? '' : `.${fraction}`}${zone}` as Timestamp
  })

// ---------------------------------------------------------------------------------------------
// Imported releases and snapshots

const KNOWN_FIELDS = new Set(['id', 'environment', 'version', 'commit_sha', 'timestamp', 'phases', 'previous_id'])

/** Any JSON value as JSON.parse gives it (so never -0, which JSON writes as 0). */
export const jsonValue: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)

/** A key of a field or phase this module does not know (`__proto__` included). */
export const unknownKey = (known: ReadonlySet<string>): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom('__proto__', 'deployed_by', 'zzz_custom', 'constructor', 'Build', 'notes'),
      fc.string({ maxLength: 12 }),
    )
    .filter((k) => !known.has(k))

/** Verbatim fields (key order kept), as an object whose `__proto__` key, if any, is a plain field. */
export const unknownFields = (
  known: ReadonlySet<string>,
  maxLength = 3,
): fc.Arbitrary<Readonly<Record<string, unknown>>> =>
  fc
    .uniqueArray(fc.tuple(unknownKey(known), jsonValue), { maxLength, selector: ([key]) => key })
    .map((entries) => Object.fromEntries(entries))

const phaseEntry = fc.oneof({ weight: 4, arbitrary: status }, { weight: 1, arbitrary: fc.constant('absent' as const) })

/** A release as a Go-written or hand-edited file may hold it, with whatever it preserves. */
export const importedRelease: fc.Arbitrary<StoredRelease> = fc
  .record({
    id: storedReleaseId,
    environment: fc.oneof({ weight: 4, arbitrary: environment }, { weight: 1, arbitrary: anyText(10) }),
    version: fc.oneof({ weight: 3, arbitrary: version }, { weight: 1, arbitrary: anyText(20) }),
    commitSha: fc.oneof(commitSha, anyText(8)),
    timestamp: rfc3339Timestamp,
    phases: fc.oneof(
      { weight: 3, arbitrary: fc.tuple(...PHASES.map(() => phaseEntry)) },
      { weight: 1, arbitrary: fc.constant(PHASES.map(() => 'completed' as const)) },
    ),
    previousId: fc.option(storedReleaseId, { nil: undefined }),
    otherPhases: unknownFields(new Set(PHASES), 2),
    otherFields: unknownFields(KNOWN_FIELDS, 3),
  })
  .map(({ phases: entries, previousId, otherPhases, otherFields, ...fields }): StoredRelease => {
    const phases = Object.fromEntries(
      PHASES.map((p, i) => [p, entries[i] === 'absent' ? 'pending' : entries[i]]),
    ) as Release['phases']
    const absentPhases = PHASES.filter((_, i) => entries[i] === 'absent')
    const preserved: Preserved = {
      ...(absentPhases.length > 0 ? { absentPhases } : {}),
      ...(Object.keys(otherPhases).length > 0 ? { otherPhases } : {}),
      ...(Object.keys(otherFields).length > 0 ? { otherFields } : {}),
    }
    return {
      ...fields,
      phases,
      ...(previousId === undefined ? {} : { previousId }),
      ...(Object.keys(preserved).length > 0 ? { preserved } : {}),
    }
  })

/** A snapshot an older file may hold: imported releases (some sharing an id) and unknown top-level fields. */
export const snapshot: fc.Arbitrary<Snapshot> = fc
  .record({
    releases: fc.array(importedRelease, { maxLength: 8 }),
    duplicates: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
    links: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
    otherFields: unknownFields(new Set(['releases']), 2),
  })
  .map(({ releases, duplicates, links, otherFields }) => {
    const copy = [...releases]
    const at = (n: number) => n % Math.max(copy.length, 1)
    // Some releases share an id (as the Go tool writes them in one millisecond) ...
    for (const [from, to] of duplicates) {
      const source = copy[at(from)]
      const target = copy[at(to)]
      if (source !== undefined && target !== undefined) copy[at(to)] = { ...target, id: source.id }
    }
    // ... and some previous_ids point at a release of the file: of any environment, even itself.
    for (const [from, to] of links) {
      const source = copy[at(from)]
      const target = copy[at(to)]
      if (source !== undefined && target !== undefined) copy[at(to)] = { ...target, previousId: source.id }
    }
    return { releases: copy, otherFields }
  })

/**
 * The text a snapshot would have had as the Go Stagecraft writes it: records in file order,
 * `phases` keys sorted alphabetically, `<`, `>`, `&`, U+2028 and U+2029 escaped, 2-space indent,
 * no trailing newline. Decoding it gives the snapshot's releases back.
 */
export const goSnapshotText = (file: Snapshot): string => {
  const records = file.releases.map((release) => {
    const record = ReleaseRecord.encode(release)
    const phases = Object.entries(record.phases as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return Object.fromEntries(
      Object.entries(record).map(([key, value]) => [key, key === 'phases' ? Object.fromEntries(phases) : value]),
    )
  })
  const document = Object.fromEntries([['releases', records], ...Object.entries(file.otherFields)])
  return JSON.stringify(document, null, 2).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** A snapshot with the text the Go tool would have written for it. */
export const goSnapshot: fc.Arbitrary<{ readonly snapshot: Snapshot; readonly text: string }> = snapshot.map(
  (file) => ({ snapshot: file, text: goSnapshotText(file) }),
)

// ---------------------------------------------------------------------------------------------
// Commands and scenarios

/** A release target: usually an existing release (by position), sometimes an id no history holds. */
export const releaseTarget: fc.Arbitrary<ReleaseTarget> = fc.oneof(
  { weight: 8, arbitrary: fc.nat().map((pick) => ({ pick })) },
  { weight: 1, arbitrary: fc.constantFrom('rel-19991231-235959999', 'rel-nope', ' ', '').map((id) => ({ id })) },
)

/** Mostly `undefined`, sometimes a value. */
const rarely = <A>(arb: fc.Arbitrary<A>): fc.Arbitrary<A | undefined> =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb })

const createIntent: fc.Arbitrary<Intent> = fc.record({
  kind: fc.constant('create' as const),
  environment: fc.oneof(
    { weight: 20, arbitrary: environmentInput.map((e) => e.input) },
    { weight: 1, arbitrary: invalidEnvironment.map((e) => e.input) },
  ),
  version: fc.oneof(
    { weight: 20, arbitrary: versionInput.map((v) => v.input) },
    { weight: 1, arbitrary: invalidVersion.map((v) => v.input) },
  ),
  commitSha: fc.oneof(
    { weight: 10, arbitrary: fc.constant(undefined) },
    { weight: 10, arbitrary: commitSha },
    { weight: 1, arbitrary: invalidCommitSha },
  ),
  rollbackOf: rarely(releaseTarget),
  note: rarely(fc.constantFrom('hotfix', ' rollback after incident ', '')),
})

const updateIntent: fc.Arbitrary<Intent> = fc.record({
  kind: fc.constant('update' as const),
  target: releaseTarget,
  phase: phaseInput,
  status: statusInput,
  reason: rarely(fc.constantFrom('retry', ' operator said so ', '')),
})

const recoverIntent: fc.Arbitrary<Intent> = fc.record({
  kind: fc.constant('recover' as const),
  target: releaseTarget,
  reason: fc.constantFrom('orchestrator crashed', ' killed by OOM ', ''),
})

const snapshotEdit: fc.Arbitrary<SnapshotEdit> = fc.oneof(
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('set-version' as const), pick: fc.nat(), version }),
  fc.record({ op: fc.constant('add' as const), release: importedRelease }),
  fc.record({ op: fc.constant('set-field' as const), key: unknownKey(new Set(['releases'])), value: jsonValue }),
)

/** A command as an intent: create / update-phase / recover, valid and invalid inputs mixed. */
export const commandIntent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 4, arbitrary: createIntent },
  { weight: 6, arbitrary: updateIntent },
  { weight: 1, arbitrary: recoverIntent },
)

/** Any intent, imports and hand edits (reconciles) included. */
export const historyIntent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 20, arbitrary: commandIntent },
  {
    weight: 2,
    arbitrary: fc.array(snapshotEdit, { maxLength: 3 }).map((edits): Intent => ({ kind: 'reconcile', edits })),
  },
  { weight: 1, arbitrary: snapshot.map((s): Intent => ({ kind: 'import', snapshot: s })) },
)

/** A scenario of create / update-phase / recover commands on a clock. */
export const commandScenario: fc.Arbitrary<Scenario> = fc.record({
  intents: fc.array(commandIntent, { maxLength: 60, size: 'medium' }),
  clock,
})

/** A scenario that may also import a file and reconcile hand edits. */
export const historyScenario: fc.Arbitrary<Scenario> = fc.record({
  intents: fc.array(historyIntent, { maxLength: 60, size: 'medium' }),
  clock,
})

/** A state reached from an imported file (or none) by a history scenario. */
export const generatedState: fc.Arbitrary<State> = fc
  .tuple(fc.option(snapshot, { nil: undefined }), historyScenario)
  .map(
    ([start, scenario]) =>
      runScenario({
        ...scenario,
        intents: [...(start === undefined ? [] : [{ kind: 'import', snapshot: start } as const]), ...scenario.intents],
      }).state,
  )
