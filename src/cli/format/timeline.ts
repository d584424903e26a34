/**
 * The audit trail for people: one line per event, oldest first, in aligned columns: when it was
 * recorded, what happened, to which release, the phase and its change, who recorded it, and why.
 */
import type { HistoryEvent } from '../../index.js'
import { shortCommit } from './release.js'
import { type Style, statusPaint } from './style.js'
import { type CellInput, renderTable } from './table.js'

/** The header of the timeline. */
export const TIMELINE_HEADERS = ['TIME', 'EVENT', 'RELEASE', 'PHASE', 'CHANGE', 'ACTOR', 'NOTE'] as const

const idList = (ids: ReadonlyArray<string>): string => (ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`)

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`

/** The columns after TIME and before ACTOR, then the note, for one event. */
const describe = (event: HistoryEvent, style: Style): { what: string; release: string; phase: string; change: CellInput; note: string } => {
  switch (event.type) {
    case 'ReleaseCreated': {
      const { release, rollbackOf, note } = event.data
      const notes = [...(rollbackOf === undefined ? [] : [`rollback to ${rollbackOf}`]), ...(note === undefined ? [] : [note])]
      return { what: 'created', release: release.id, phase: '', change: `${release.environment} ${release.version} (${shortCommit(release.commitSha)})`, note: notes.join('; ') }
    }
    case 'PhaseUpdated': {
      const { releaseId, phase, from, to, reason } = event.data
      return { what: 'phase', release: releaseId, phase, change: { text: `${from} -> ${to}`, paint: statusPaint(style, to) }, note: reason ?? '' }
    }
    case 'SnapshotImported': {
      const { releases, source } = event.data
      return { what: 'imported', release: idList(releases.map((r) => r.id)), phase: '', change: plural(releases.length, 'release'), note: source === undefined ? '' : `from ${source.file}` }
    }
    case 'SnapshotReconciled': {
      const { changes, source } = event.data
      const kinds = changes.map((c) => `${c.releaseId} ${c.before.length === 0 ? 'added' : c.after.length === 0 ? 'removed' : 'changed'}`)
      return { what: 'reconciled', release: idList(changes.map((c) => c.releaseId)), phase: '', change: kinds.length === 0 ? 'top-level fields' : idList(kinds), note: source === undefined ? 'outside edit accepted' : `outside edit of ${source.file} accepted` }
    }
  }
}

/** The timeline of events, header first. */
export const timeline = (events: ReadonlyArray<HistoryEvent>, style: Style): string[] =>
  renderTable(
    TIMELINE_HEADERS,
    events.map((event) => {
      const { what, release, phase, change, note } = describe(event, style)
      return [{ text: event.recordedAt, paint: style.dim }, what, release, phase, change, event.meta.actor, note]
    }),
    style,
  )
