/** Releases for people: table rows and the detail view of one release. */
import { PHASES, type Release } from '../../index.js'
import { formatSpan, parseInstant, releaseStatus } from '../../internals.js'
import { type Style, statusPaint } from './style.js'
import { type CellInput, renderTable } from './table.js'

/** The first seven characters of a commit, as git shows it; `-` when unknown. */
export const shortCommit = (sha: string): string => (sha === '' ? '-' : sha.slice(0, 7))

/** How long ago a timestamp was; `in 5m` for one in the future (a skewed clock, an imported file). */
export const formatAge = (timestamp: string, now: Date): string => {
  const at = parseInstant(timestamp)
  if (at === undefined) return '?'
  const ms = now.getTime() - at.epochMs
  return ms < 0 ? `in ${formatSpan(ms)}` : formatSpan(ms)
}

/** A time for people on a terminal: `5m ago` (`in 5m` ahead of the clock); elsewhere the exact UTC time as stored. */
export const timeCell = (timestamp: string, now: Date, relative: boolean): string => {
  if (!relative) return timestamp
  const age = formatAge(timestamp, now)
  return age === '?' || age.startsWith('in ') ? age : `${age} ago`
}

/** The marker of a release that may have been left behind by a dead orchestrator. */
export const ABANDONED_MARK = 'possibly abandoned'

export const RELEASE_HEADERS = ['ID', 'ENVIRONMENT', 'VERSION', 'COMMIT', 'CREATED', 'STATUS'] as const

/** How a table of releases is shown: relative times (on a terminal), and the width to fit (none: whole rows). */
export interface TableView {
  readonly relative: boolean
  readonly maxWidth?: number | undefined
}

/** One row of a release table. */
export const releaseRow = (
  release: Release,
  now: Date,
  abandoned: boolean,
  style: Style,
  relative = false,
): CellInput[] => {
  const status = releaseStatus(release)
  return [
    release.id,
    release.environment,
    release.version,
    { text: shortCommit(release.commitSha), paint: style.dim },
    timeCell(release.timestamp, now, relative),
    {
      text: abandoned ? `${status}, ${ABANDONED_MARK}` : status,
      paint: abandoned ? style.magenta : statusPaint(style, status),
    },
  ]
}

/** A table of releases, in the order given; ids are never truncated. */
export const releaseTable = (
  releases: ReadonlyArray<Release>,
  now: Date,
  abandoned: ReadonlySet<string>,
  style: Style,
  view: TableView = { relative: false },
): string[] =>
  renderTable(
    RELEASE_HEADERS,
    releases.map((release) => releaseRow(release, now, abandoned.has(release.id), style, view.relative)),
    style,
    2,
    { maxWidth: view.maxWidth, keep: [0] },
  )

/** What the event log adds to a release: why it was made, what it redeploys, when it last moved. */
export interface ReleaseFacts {
  readonly rollbackOf?: string | undefined
  readonly supersedes?: string | undefined
  readonly note?: string | undefined
  readonly lastEventAt?: string | undefined
  readonly abandoned?: boolean | undefined
}

/** The detail view of one release. */
export const releaseDetail = (release: Release, facts: ReleaseFacts, now: Date, style: Style): string[] => {
  const status = releaseStatus(release)
  const fields: CellInput[][] = [
    ['environment', release.environment],
    ['version', release.version],
    ['commit', release.commitSha === '' ? { text: 'unknown', paint: style.dim } : release.commitSha],
    ['created', `${release.timestamp} (${formatAge(release.timestamp, now)} ago)`],
    ['previous', release.previousId ?? { text: 'none (first release of the environment)', paint: style.dim }],
    ...(facts.rollbackOf === undefined ? [] : [['rollback of', facts.rollbackOf]]),
    ...(facts.supersedes === undefined ? [] : [['supersedes', facts.supersedes]]),
    ...(facts.note === undefined ? [] : [['note', facts.note]]),
    ...(facts.lastEventAt === undefined
      ? []
      : [['last event', `${facts.lastEventAt} (${formatAge(facts.lastEventAt, now)} ago)`]]),
    [
      'status',
      {
        text: facts.abandoned === true ? `${status}, ${ABANDONED_MARK}` : status,
        paint: facts.abandoned === true ? style.magenta : statusPaint(style, status),
      },
    ],
  ]
  const phases = PHASES.map((phase): CellInput[] => [
    '',
    phase,
    { text: release.phases[phase], paint: statusPaint(style, release.phases[phase]) },
  ])
  return [
    style.bold(release.id),
    ...renderTable(
      undefined,
      fields.map((row) => ['', ...row]),
      style,
    ),
    '  phases',
    ...renderTable(undefined, phases, style).map((line) => `  ${line}`),
  ]
}
