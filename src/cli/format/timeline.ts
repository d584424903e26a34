/** The audit trail for people, a line per event, oldest first; an accepted edit takes a line per difference. */
import type { HistoryEvent } from '../../index.js'
import { changeLines, releaseSummary } from './changes.js'
import { type TableView, timeCell } from './release.js'
import { type Style, statusPaint } from './style.js'
import { type CellInput, layoutTable } from './table.js'
import { plural } from './plural.js'

/** The header of the timeline. */
export const TIMELINE_HEADERS = ['TIME', 'EVENT', 'RELEASE', 'PHASE', 'CHANGE', 'ACTOR', 'NOTE'] as const

const idList = (ids: ReadonlyArray<string>): string =>
  ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`

/** The columns after TIME and EVENT and before ACTOR, then the note, of one line. */
interface Line {
  readonly release: CellInput
  readonly phase: string
  readonly change: CellInput
  readonly note: string
}

/** What an event is called, and its lines (one, but for a reconcile: one per difference). */
const describe = (event: HistoryEvent, style: Style): { what: string; lines: Line[] } => {
  switch (event.type) {
    case 'ReleaseCreated': {
      const { release, rollbackOf, note, supersedes } = event.data
      const notes = [
        ...(rollbackOf === undefined ? [] : [`rollback to ${rollbackOf}`]),
        ...(supersedes === undefined ? [] : [`supersedes ${supersedes}`]),
        ...(note === undefined ? [] : [note]),
      ]
      return {
        what: 'created',
        lines: [{ release: release.id, phase: '', change: releaseSummary(release), note: notes.join('; ') }],
      }
    }
    case 'PhaseUpdated': {
      const { releaseId, phase, from, to, reason } = event.data
      return {
        what: 'phase',
        lines: [
          {
            release: releaseId,
            phase,
            change: { text: `${from} -> ${to}`, paint: statusPaint(style, to) },
            note: reason ?? '',
          },
        ],
      }
    }
    case 'SnapshotImported': {
      const { releases, source } = event.data
      return {
        what: 'imported',
        lines: [
          {
            release: {
              text: idList(releases.map((r) => r.id)),
              // Ids are never cut: a narrow terminal shows fewer of them.
              compact: releases.length <= 1 ? undefined : `${releases[0]?.id ?? ''} and ${releases.length - 1} more`,
            },
            phase: '',
            change: plural(releases.length, 'release'),
            note: source === undefined ? '' : `from ${source.file}`,
          },
        ],
      }
    }
    case 'SnapshotReconciled': {
      const { changes, source } = event.data
      const how = event.data.adopted === true ? 'adopted' : 'accepted'
      const note = source === undefined ? `outside edit ${how}` : `outside edit of ${source.file} ${how}`
      const lines = changes.flatMap((change) =>
        changeLines(change).map(({ phase, text, to }) => ({
          release: change.releaseId,
          phase,
          change: { text, paint: to === undefined ? undefined : statusPaint(style, to) },
          note: '',
        })),
      )
      // The note once, on the first line: the lines after it are the same event.
      const [first, ...rest] =
        lines.length === 0 ? [{ release: '', phase: '', change: 'top-level fields', note: '' }] : lines
      return { what: 'reconciled', lines: [{ ...(first as Line), note }, ...rest] }
    }
    case 'HeadSealed': {
      // The hashes cut to what a person compares by eye; -o json has them whole.
      const { head, keyId } = event.data
      return {
        what: 'sealed',
        lines: [
          {
            release: '',
            phase: '',
            change: `head event ${head.position}`,
            note: `sha256 ${head.sha256.slice(0, 16)}…, key ${keyId.slice(0, 16)}…`,
          },
        ],
      }
    }
  }
}

/** The rows of the timeline of `events` (an accepted edit takes several). */
export const timelineRows = (
  events: ReadonlyArray<HistoryEvent>,
  style: Style,
  now: Date,
  relative: boolean,
): CellInput[][] =>
  events.flatMap((event) => {
    const { what, lines } = describe(event, style)
    return lines.map(({ release, phase, change, note }) => [
      { text: timeCell(event.recordedAt, now, relative), paint: style.dim },
      what,
      release,
      phase,
      change,
      event.meta.actor,
      note,
    ])
  })

// The columns never truncated: the time and the release ids.
const KEEP = [0, 2]

/**
 * Lines of the timeline: with the header (the first part of a stream), and at least as wide as the parts before it, so
 * that a streamed timeline stays aligned unless a later line is wider. Returns the widths for the next part.
 */
export const timelinePart = (
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  style: Style,
  view: TableView,
  before?: ReadonlyArray<number>,
): { lines: string[]; widths: number[] } =>
  layoutTable(before === undefined ? TIMELINE_HEADERS : undefined, rows, style, 2, {
    maxWidth: view.maxWidth,
    keep: KEEP,
    atLeast: before,
  })

/** The timeline of events, header first. */
export const timeline = (
  events: ReadonlyArray<HistoryEvent>,
  style: Style,
  now: Date = new Date(),
  view: TableView = { relative: false },
): string[] => timelinePart(timelineRows(events, style, now, view.relative), style, view).lines
