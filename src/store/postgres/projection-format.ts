/**
 * The projection the PostgreSQL store keeps beside its events, as rows (pure: the SQL is in projection-table.ts):
 * - `releases`: one row per release, keyed by id and index among the releases of that id (a Go-written file may give
 *   two one id); `body` is the release as a checkpoint line holds it;
 * - `environments`: each environment's current release, in the state's order;
 * - `projection`: one row, where the projection stands and the rest of the state (`ProjectionHead`).
 * Key columns hold ids and environments as the text of a JSON string, so that any value has one key (PostgreSQL text
 * cannot hold NUL) and plain ids read plainly in SQL.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { describeDecodeErrors } from '../../domain/decode-errors.js'
import { deepFreeze } from '../../domain/deep-freeze.js'
import { SnapshotFields } from '../../domain/events.js'
import type { Release } from '../../domain/release.js'
import { compareIds, ReleaseId } from '../../domain/release-id.js'
import { ReleaseMap } from '../../domain/versioned-map.js'
import { readOnlyMap, type State } from '../../domain/state.js'
import { Timestamp } from '../../domain/timestamp.js'
import { checkpointLineProblem, Count, currentIndexes, decodeReleaseLine, releaseJson } from '../checkpoint-format.js'
import type { Cursor, Loaded } from '../event-store.js'
import { type RequestRow, requestRowsAdded, requestRowsOf, requestsOf } from './requests-table.js'

type Group = ReadonlyArray<Release>

/** The row of `projection`: where it stands, and the state but its releases and environments. */
export const ProjectionHead = t.type(
  {
    position: Count,
    hash: t.string,
    ids: Count,
    environments: Count,
    greatestId: t.union([ReleaseId, t.null]),
    lastRecordedAt: t.union([Timestamp, t.null]),
    otherFields: SnapshotFields,
  },
  'ProjectionHead',
)
export type ProjectionHead = t.TypeOf<typeof ProjectionHead>

/** A row of `releases`, as written and read. */
export interface ReleaseRow {
  readonly id: string
  readonly idx: number
  readonly environment: string
  readonly body: string
}

/** A row of `releases` as read: its key and its body (as an array: a long history has many). */
export type StoredRelease = readonly [id: string, idx: number, body: string]

/** A row of `environments`, as written and read. */
export interface EnvironmentRow {
  readonly environment: string
  readonly releaseId: string
  readonly releaseIndex: number
  readonly ordinal: number
}

/** A value as a key column holds it (see the top of this file). */
export const keyText = (value: string): string => JSON.stringify(value).slice(1, -1)

const fromKeyText = (key: string): string | undefined => {
  try {
    const value: unknown = JSON.parse(`"${key}"`)
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

// A release's `body` is its checkpoint line without the newline.
const releaseRowsOf = (id: ReleaseId, group: Group): ReleaseRow[] =>
  group.map((release, idx) => ({
    id: keyText(id),
    idx,
    environment: keyText(release.environment),
    body: releaseJson(release),
  }))

const environmentRowsOf = (state: State): EnvironmentRow[] =>
  currentIndexes(state).map(([environment, releaseId, releaseIndex], ordinal) => ({
    environment: keyText(environment),
    releaseId: keyText(releaseId),
    releaseIndex,
    ordinal,
  }))

/** The head of the projection of `loaded`. */
export const headOf = (loaded: Projected): ProjectionHead => ({
  position: loaded.cursor.position,
  hash: loaded.cursor.hash,
  ids: loaded.state.releases.size,
  environments: loaded.state.current.size,
  greatestId: loaded.state.greatestId ?? null,
  lastRecordedAt: loaded.lastRecordedAt ?? null,
  otherFields: loaded.state.otherFields,
})

/** What writing a projection changes in its rows. */
export interface ProjectionChange {
  readonly head: ProjectionHead
  /** Rows written over the rows of their keys (or added). */
  readonly releases: ReadonlyArray<ReleaseRow>
  /** The ids whose rows from index `keep` on go (an id gone, or holding fewer releases). */
  readonly trims: ReadonlyArray<{ readonly id: string; readonly keep: number }>
  readonly environments: ReadonlyArray<EnvironmentRow>
  readonly environmentsGone: ReadonlyArray<string>
  /** The rows of the request ids used since (requests-table.ts). */
  readonly requests: ReadonlyArray<RequestRow>
}

/**
 * The ids whose releases differ between two states. A fold replaces the group of every id it touches and keeps the
 * others, so comparing groups by identity is exact; versions of one map need compare only their changes.
 */
const changedIds = (before: State['releases'], after: State['releases']): ReleaseId[] => {
  const candidates =
    before instanceof ReleaseMap && after instanceof ReleaseMap ? after.idsDifferingFrom(before) : undefined
  const ids = candidates ?? new Set([...before.keys(), ...after.keys()])
  return [...ids].filter((id) => before.get(id) !== after.get(id))
}

const sameEnvironmentRow = (a: EnvironmentRow | undefined, b: EnvironmentRow): boolean =>
  a !== undefined && a.releaseId === b.releaseId && a.releaseIndex === b.releaseIndex && a.ordinal === b.ordinal

/** What a projection is made of: the store's state, where it ends, and when its last event was recorded. */
type Projected = Pick<Loaded, 'state' | 'cursor' | 'lastRecordedAt'>

/** The rows an append from `before` to `after` changes: its releases and environments, and the head. */
export const projectionChange = (before: State, after: Projected): ProjectionChange => {
  const releases: ReleaseRow[] = []
  const trims: Array<{ id: string; keep: number }> = []
  for (const id of changedIds(before.releases, after.state.releases)) {
    const group = after.state.releases.get(id) ?? []
    releases.push(...releaseRowsOf(id, group))
    if ((before.releases.get(id)?.length ?? 0) > group.length) trims.push({ id: keyText(id), keep: group.length })
  }
  // Environments are few: compared whole.
  const previous = new Map(environmentRowsOf(before).map((row) => [row.environment, row]))
  const environments = environmentRowsOf(after.state)
  const kept = new Set(environments.map((row) => row.environment))
  return {
    head: headOf(after),
    releases,
    trims,
    environments: environments.filter((row) => !sameEnvironmentRow(previous.get(row.environment), row)),
    environmentsGone: [...previous.keys()].filter((environment) => !kept.has(environment)),
    requests: requestRowsAdded(before.requests, after.state.requests),
  }
}

/** Every row of a projection, what a rebuild writes into empty tables. */
export interface WholeProjection {
  readonly head: ProjectionHead
  /** Made as they are taken: a long history is written a batch at a time, never held whole. */
  readonly releases: Iterable<ReleaseRow>
  readonly environments: ReadonlyArray<EnvironmentRow>
  readonly requests: Iterable<RequestRow>
}

/** Every row of the projection of `loaded`. */
export const wholeProjection = (loaded: Projected): WholeProjection => ({
  head: headOf(loaded),
  releases: (function* () {
    for (const [id, group] of loaded.state.releases) yield* releaseRowsOf(id, group)
  })(),
  environments: environmentRowsOf(loaded.state),
  requests: requestRowsOf(loaded.state),
})

/** The columns of the `projection` row, as the driver gives them (a bigint as text, JSON as text). */
export interface HeadColumns {
  readonly position: string
  readonly hash: string
  readonly ids: number
  readonly environments: number
  readonly greatest_id: string | null
  readonly last_recorded_at: string | null
  readonly other_fields: string
}

/** Why a projection's rows are not a state, in words (the store replays the events instead). */
export type Unusable = string

/** The head row read back. */
export const decodeHead = (row: HeadColumns): E.Either<Unusable, ProjectionHead> => {
  const greatestId = row.greatest_id === null ? null : fromKeyText(row.greatest_id)
  if (greatestId === undefined) return E.left(`its greatest_id ${JSON.stringify(row.greatest_id)} is not a key`)
  const { hash, ids, environments } = row
  const unbounded = checkpointLineProblem(row.other_fields)
  if (unbounded !== undefined) return E.left(`its other_fields cannot be read: ${unbounded}`)
  return pipe(
    E.tryCatch(
      () => JSON.parse(row.other_fields) as unknown,
      () => 'its other_fields are not JSON',
    ),
    E.map((otherFields) => {
      const lastRecordedAt = row.last_recorded_at
      return { position: Number(row.position), hash, ids, environments, greatestId, lastRecordedAt, otherFields }
    }),
    E.chain((head) =>
      pipe(
        ProjectionHead.decode(head),
        E.mapLeft((errors) => `its row is not one: ${describeDecodeErrors(errors).join('; ')}`),
      ),
    ),
  )
}

/** The releases of the rows, in id order, or why not (`where` names the table). */
const releasesOf = (rows: ReadonlyArray<StoredRelease>, where: string): E.Either<Unusable, Map<ReleaseId, Group>> => {
  const groups = new Map<ReleaseId, Release[]>()
  let previous: ReleaseId | undefined
  let sorted = true
  for (const [id, idx, body] of rows) {
    const decoded = decodeReleaseLine(body)
    const row = `the row ${JSON.stringify(id)}/${idx} of ${where}`
    if (E.isLeft(decoded)) return E.left(`${row} does not decode: ${decoded.left}`)
    const release = decoded.right
    if (keyText(release.id) !== id) return E.left(`${row} holds release ${JSON.stringify(release.id)}`)
    const group = groups.get(release.id)
    if ((group?.length ?? 0) !== idx)
      return E.left(`the rows of ${JSON.stringify(id)} in ${where} do not count from 0 (row ${idx})`)
    if (group === undefined) {
      // The database orders keys by bytes; the state, by UTF-16 code units (and keys escape a few characters).
      if (previous !== undefined && compareIds(previous, release.id) > 0) sorted = false
      previous = release.id
      groups.set(release.id, [release])
    } else group.push(release)
  }
  const ordered = sorted ? groups : new Map([...groups].sort(([a], [b]) => compareIds(a, b)))
  for (const group of ordered.values()) Object.freeze(group)
  return E.right(ordered)
}

/** Each environment's current release, found among `releases`, in the rows' order (by `ordinal`), or why not. */
const currentOf = (
  rows: ReadonlyArray<EnvironmentRow>,
  releases: ReadonlyMap<ReleaseId, Group>,
  where: string,
): E.Either<Unusable, Map<string, Release>> => {
  const current = new Map<string, Release>()
  for (const row of rows) {
    const environment = fromKeyText(row.environment)
    const id = fromKeyText(row.releaseId)
    const release = id === undefined ? undefined : releases.get(id as ReleaseId)?.[row.releaseIndex]
    if (environment === undefined || release === undefined || release.environment !== environment) {
      const named = `${JSON.stringify(row.releaseId)}/${row.releaseIndex}`
      return E.left(
        `${where} names ${named} as the current release of ${JSON.stringify(row.environment)}, which the ` +
          'releases do not hold',
      )
    }
    current.set(environment, release)
  }
  return E.right(current)
}

/** The rows of a projection, read back (`where` names the schema in reasons). */
export interface ProjectionRows {
  readonly head: ProjectionHead
  readonly environments: ReadonlyArray<EnvironmentRow>
  readonly releases: ReadonlyArray<StoredRelease>
  readonly requests: ReadonlyArray<RequestRow>
}

/** The store as the rows hold it (frozen, as a fold would leave it), or why they cannot be used. */
export const loadedOf = (rows: ProjectionRows, where: string): E.Either<Unusable, Loaded> => {
  const { head } = rows
  return pipe(
    releasesOf(rows.releases, `${where}.releases`),
    E.filterOrElse(
      (releases) => releases.size === head.ids,
      (releases) => `${where}.releases holds ${releases.size} release ids, and ${where}.projection says ${head.ids}`,
    ),
    E.bindTo('releases'),
    E.bind('current', ({ releases }) => currentOf(rows.environments, releases, `${where}.environments`)),
    E.filterOrElse(
      ({ current }) => current.size === head.environments,
      ({ current }) =>
        `${where}.environments holds ${current.size} environments, and ${where}.projection says ${head.environments}`,
    ),
    E.bind('requests', () => requestsOf(rows.requests, `${where}.requests`)),
    E.map(({ releases, current, requests }): Loaded => {
      const state: State = Object.freeze({
        releases: ReleaseMap.of(releases),
        current: readOnlyMap(current),
        greatestId: head.greatestId ?? undefined,
        otherFields: deepFreeze(head.otherFields),
        requests,
      })
      const cursor: Cursor = { position: head.position, hash: head.hash }
      return { state, cursor, lastRecordedAt: head.lastRecordedAt ?? undefined }
    }),
  )
}
