/**
 * The audit rows of the report: who recorded what, one row per event, described as `history` describes it. An event
 * type this version does not describe (a newer one, or one added later) is shown by its type, never dropped.
 */
import type { EventEnvelope, ReleaseChange } from '../domain/events.js'
import { madeByRecovery } from '../domain/events.js'

/** What kind of event a row is: the notable kinds are kept apart from the rest (see {@link ReportAudit}). */
export type AuditKind =
  'created' | 'rollback' | 'phase' | 'recovery' | 'imported' | 'reconciled' | 'adopted' | 'sealed' | 'other'

/** The kinds a reader of an audit looks for first: recoveries with their reasons, outside changes, rollbacks. */
export const NOTABLE_KINDS: ReadonlyArray<AuditKind> = [
  'rollback',
  'recovery',
  'imported',
  'reconciled',
  'adopted',
  'sealed',
]

/** One event of the audit table. */
export interface AuditRow {
  /** Its position in the store (its line, in the file store). */
  readonly position: number
  readonly recordedAt: string
  /** The event type as recorded. */
  readonly type: string
  readonly kind: AuditKind
  readonly actor: string
  readonly host: string
  /** The release it is about (the first, and how many more, for an event about several). */
  readonly release: string
  /** What changed, in a few words. */
  readonly change: string
  /** The reason or note recorded with it. */
  readonly reason: string
}

const idList = (ids: ReadonlyArray<string>): string =>
  ids.length <= 2 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} and ${ids.length - 2} more`

const changeText = (change: ReleaseChange): string => {
  const before = change.before[0]
  const after = change.after[0]
  if (before === undefined) return `${change.releaseId} added`
  if (after === undefined) return `${change.releaseId} removed`
  const phases = Object.keys(after.phases).filter(
    (phase) => before.phases[phase as keyof typeof before.phases] !== after.phases[phase as keyof typeof after.phases],
  )
  const fields = (['version', 'commitSha', 'environment', 'timestamp'] as const).filter((f) => before[f] !== after[f])
  return `${change.releaseId} changed (${[...fields, ...phases].join(', ') || 'other fields'})`
}

type Described = Pick<AuditRow, 'release' | 'change' | 'reason'>

/** The kind of an event's row, without making the row: a long history's events are mostly never shown. */
export const auditKind = (envelope: EventEnvelope): AuditKind => {
  switch (envelope.type) {
    case 'ReleaseCreated':
      return envelope.data.rollbackOf === undefined ? 'created' : 'rollback'
    case 'PhaseUpdated':
      return madeByRecovery(envelope.data) ? 'recovery' : 'phase'
    case 'SnapshotImported':
      return 'imported'
    case 'SnapshotReconciled':
      return envelope.data.adopted === true ? 'adopted' : 'reconciled'
    case 'HeadSealed':
      return 'sealed'
    default:
      return 'other'
  }
}

const described = (envelope: EventEnvelope): Described => {
  switch (envelope.type) {
    case 'ReleaseCreated': {
      const { release, rollbackOf, note, supersedes } = envelope.data
      const notes = [
        ...(rollbackOf === undefined ? [] : [`rollback to ${rollbackOf}`]),
        ...(supersedes === undefined ? [] : [`supersedes ${supersedes}`]),
        ...(note === undefined ? [] : [note]),
      ]
      return {
        release: release.id,
        change: `${release.environment} ${release.version}`,
        reason: notes.join('; '),
      }
    }
    case 'PhaseUpdated': {
      const { releaseId, phase, from, to, reason } = envelope.data
      return {
        release: releaseId,
        change: `${phase} ${from} -> ${to}`,
        reason: reason ?? '',
      }
    }
    case 'SnapshotImported': {
      const { releases, source } = envelope.data
      return {
        release: idList(releases.map((release) => release.id)),
        change: `${releases.length} release${releases.length === 1 ? '' : 's'} imported`,
        reason: source === undefined ? '' : `from ${source.file}`,
      }
    }
    case 'SnapshotReconciled': {
      const { changes, source, adopted } = envelope.data
      const how = adopted === true ? 'adopted' : 'accepted'
      return {
        release: idList(changes.map((change) => change.releaseId)),
        change: changes.length === 0 ? 'top-level fields' : idList(changes.map(changeText)),
        reason: source === undefined ? `outside edit ${how}` : `outside edit of ${source.file} ${how}`,
      }
    }
    case 'HeadSealed': {
      // The page shows the whole hashes: an auditor compares them with a head recorded elsewhere.
      const { head, keyId, sealedAt } = envelope.data
      return {
        release: '',
        change: `sealed event ${head.position} (sha256 ${head.sha256})`,
        reason: `key ${keyId}, sealed at ${sealedAt}`,
      }
    }
    default: {
      // A type added after this file was written: shown as recorded, not interpreted.
      const unknown = envelope as { readonly type: string }
      return { release: '', change: unknown.type, reason: '' }
    }
  }
}

/** The audit row of an event at `position`. */
export const auditRow = (envelope: EventEnvelope, position: number): AuditRow => ({
  position,
  recordedAt: envelope.recordedAt,
  type: envelope.type,
  kind: auditKind(envelope),
  actor: envelope.meta.actor,
  host: envelope.meta.host,
  ...described(envelope),
})

/** The row of an event of a newer version: its type and writer, as far as they are known. */
export const foreignRow = (position: number, type: string | undefined, description: string): AuditRow => ({
  position,
  recordedAt: '',
  type: type ?? 'unknown',
  kind: 'other',
  actor: '',
  host: '',
  release: '',
  change: description,
  reason: 'not interpreted by this version',
})

/** An event kept for the audit table: its row is made only if it is among the rows shown. */
export type AuditEntry = AuditRow | { readonly envelope: EventEnvelope; readonly position: number }

const rowOf = (entry: AuditEntry): AuditRow => ('envelope' in entry ? auditRow(entry.envelope, entry.position) : entry)

/**
 * The newest rows, at most `max`, oldest first, and how many there were: a ring, so that a history of millions of
 * events holds `max` entries at a time, and makes rows of those only.
 */
export interface NewestRows {
  readonly add: (entry: AuditEntry) => void
  readonly result: () => { readonly rows: ReadonlyArray<AuditRow>; readonly total: number }
}

export const newestRows = (max: number): NewestRows => {
  const ring: AuditEntry[] = []
  let total = 0
  return {
    add: (entry) => {
      ring[total % max] = entry
      total++
    },
    result: () => ({
      rows: (total <= max ? ring : [...ring.slice(total % max), ...ring.slice(0, total % max)]).map(rowOf),
      total,
    }),
  }
}
