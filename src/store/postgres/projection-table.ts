/**
 * The projection's tables (projection-format.ts), changed by every append in the statement that inserts its events, so
 * that nothing is committed of one without the other. A cache: readers that cannot use it replay the events, and the
 * next write rebuilds it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type pg from 'pg'
import type { EventEnvelope } from '../../domain/events.js'
import { type Cursor, emptyLoaded, type Loaded } from '../event-store.js'
import { foldRead, type Read } from '../fold.js'
import { GENESIS_HASH } from '../log-line.js'
import type { PostgresConfig } from './config.js'
import { endOf, eventsInsert, type Parameters, parameters, readEvents, rowsAfter, unnest } from './events-table.js'
import {
  decodeHead,
  type EnvironmentRow,
  type HeadColumns,
  keyText,
  loadedOf,
  type ProjectionChange,
  type ProjectionHead,
  type ReleaseRow,
  type StoredRelease,
  type WholeProjection,
  wholeProjection,
} from './projection-format.js'
import { firstForeignEvent } from './foreign-events.js'
import { insertRequests, type RequestRow, selectRequests } from './requests-table.js'
import { SCHEMA_VERSION, tooNew } from './version.js'
import { grantedLikeEvents } from './grants.js'

/**
 * The tables, made if missing (`repair`, by a write that finds one dropped, leaves out the comments: only an owner may
 * set them), and the rights on them of every role that may append. Keys are in the "C" collation, so that the primary
 * key gives a stable byte order whatever the locale.
 */
export const projectionTables = (config: PostgresConfig, repair = false): ReadonlyArray<string> => {
  const statements = projectionStatements(config)
  return repair ? statements.filter((statement) => !statement.startsWith('COMMENT')) : statements
}

const projectionStatements = (config: PostgresConfig): ReadonlyArray<string> => {
  const { releases, environments, projection, events } = config
  const cache =
    'a cache of the events, changed with every append in its transaction: rebuilt from the events when ' +
    'missing or unusable (see docs/postgres.md)'
  return [
    `CREATE TABLE IF NOT EXISTS ${releases} (
      id text COLLATE "C" NOT NULL,
      idx integer NOT NULL CHECK (idx >= 0),
      environment text COLLATE "C" NOT NULL,
      body json NOT NULL,
      PRIMARY KEY (id, idx)
    )`,
    `COMMENT ON TABLE ${releases} IS 'stagecraft-state projection: one row per release (id, its index ` +
      `among releases of that id), body its stored form and facts; ${cache}'`,
    `CREATE TABLE IF NOT EXISTS ${environments} (
      environment text COLLATE "C" PRIMARY KEY,
      release_id text COLLATE "C" NOT NULL,
      release_index integer NOT NULL CHECK (release_index >= 0),
      ordinal integer NOT NULL
    )`,
    `COMMENT ON TABLE ${environments} IS 'stagecraft-state projection: each environment''s current release; ${cache}'`,
    `CREATE TABLE IF NOT EXISTS ${projection} (
      one boolean PRIMARY KEY DEFAULT true CHECK (one),
      position bigint NOT NULL CHECK (position >= 0),
      hash text NOT NULL,
      ids integer NOT NULL CHECK (ids >= 0),
      environments integer NOT NULL CHECK (environments >= 0),
      greatest_id text,
      last_recorded_at text,
      other_fields json NOT NULL
    )`,
    `COMMENT ON TABLE ${projection} IS 'stagecraft-state projection: the position and hash of the last ` +
      `event it folds, and the rest of the state; ${cache}'`,
    grantedLikeEvents(events, [releases, environments, projection]),
  ]
}

/** What opening the projection found. */
export type ProjectionRead =
  | { readonly kind: 'usable'; readonly loaded: Loaded }
  /** Not to be used: `why` completes "the projection …"; `newer`: no write of this version rebuilds it. */
  | { readonly kind: 'unusable'; readonly why: string; readonly newer?: true }
  /** It folds more events than the table holds: the events lost their end. */
  | { readonly kind: 'ahead'; readonly position: number; readonly last: number }

/** SQLSTATEs that make the projection unusable rather than the read failed (a table missing, no right to read it). */
const UNUSABLE: Readonly<Record<string, string>> = {
  '42P01': 'is missing',
  '42703': 'is not of this version',
  '42501': 'cannot be read',
}

const SAVEPOINT = 'stagecraft_projection'

/** The columns of the first query, in order (the rows come as arrays: a long history has many). */
const HEAD_COLUMNS = [
  'version',
  'last',
  'position',
  'hash',
  'ids',
  'environments',
  'greatest_id',
  'last_recorded_at',
  'other_fields',
  'anchor',
  'foreign',
] as const

interface HeadRow extends Partial<HeadColumns> {
  readonly version: number | null
  readonly last: string | null
  readonly anchor: string | null
  /** The first event the projection folds that this version cannot interpret, if any. */
  readonly foreign: string | null
}

/**
 * Reads the projection in one round trip and one snapshot: in a read-only transaction, or (`inTransaction`, a writer)
 * in a savepoint, which a missing table then does not abort. A schema too new is `SCHEMA_TOO_NEW`, thrown.
 */
export const readProjection = async (
  client: pg.ClientBase,
  config: PostgresConfig,
  inTransaction: boolean,
): Promise<ProjectionRead> => {
  const { events, projection, environments, releases, migrations } = config
  const [open, close, undo] = inTransaction
    ? [
        `SAVEPOINT ${SAVEPOINT}`,
        `RELEASE SAVEPOINT ${SAVEPOINT}`,
        `ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`,
      ]
    : ['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', 'COMMIT', 'ROLLBACK']
  const text = [
    open,
    `SELECT (SELECT max(version) FROM ${migrations}) AS version, (SELECT max(position) FROM ${events})::text AS last,
       p.position::text AS position, p.hash, p.ids, p.environments, p.greatest_id, p.last_recorded_at,
       p.other_fields::text AS other_fields, (SELECT e.hash FROM ${events} e WHERE e.position = p.position) AS anchor,
       ${firstForeignEvent(events, 'p.position')} AS foreign
     FROM (SELECT) AS one LEFT JOIN ${projection} p ON true`,
    `SELECT environment, release_id, release_index, ordinal FROM ${environments} ORDER BY ordinal`,
    `SELECT id, idx, body::text AS body FROM ${releases} ORDER BY id, idx`,
    selectRequests(config),
    close,
  ].join(';\n')
  let results: ReadonlyArray<pg.QueryResult<unknown[]>>
  try {
    results = (await client.query({ text, rowMode: 'array' })) as unknown as ReadonlyArray<pg.QueryResult<unknown[]>>
  } catch (error) {
    const state = (error as { code?: unknown }).code
    const unusable = typeof state === 'string' ? UNUSABLE[state] : undefined
    await client.query(undo).catch(() => undefined)
    if (unusable === undefined) throw error
    return { kind: 'unusable', why: `${unusable} (${error instanceof Error ? error.message : String(error)})` }
  }
  const first = results[1]?.rows[0]
  const head =
    first === undefined
      ? undefined
      : (Object.fromEntries(HEAD_COLUMNS.map((column, i) => [column, first[i]])) as unknown as HeadRow)
  if (head !== undefined && (head.version ?? 0) > SCHEMA_VERSION) throw tooNew(config, head.version ?? 0)
  const environmentRows = (results[2]?.rows ?? []) as unknown as ReadonlyArray<
    readonly [string, string, number, number]
  >
  const current = environmentRows.map(([environment, releaseId, releaseIndex, ordinal]): EnvironmentRow => {
    return { environment, releaseId, releaseIndex, ordinal }
  })
  const requests = (results[4]?.rows ?? []) as unknown as ReadonlyArray<RequestRow>
  return projectionOf(
    config,
    head,
    current,
    (results[3]?.rows ?? []) as unknown as ReadonlyArray<StoredRelease>,
    requests,
  )
}

const projectionOf = (
  config: PostgresConfig,
  head: HeadRow | undefined,
  environments: ReadonlyArray<EnvironmentRow>,
  releases: ReadonlyArray<StoredRelease>,
  requests: ReadonlyArray<RequestRow>,
): ProjectionRead => {
  const where = config.schema
  if (head?.position === undefined || head.position === null)
    return { kind: 'unusable', why: `is missing (${where}.projection holds no row)` }
  const decoded = decodeHead(head as HeadColumns)
  if (E.isLeft(decoded)) return { kind: 'unusable', why: `is unusable: ${where}.projection: ${decoded.left}` }
  const { position, hash } = decoded.right
  const last = Number(head.last ?? 0)
  if (position > last) return { kind: 'ahead', position, last }
  if ((head.anchor ?? GENESIS_HASH) !== hash) {
    return { kind: 'unusable', why: `was built from another history (event ${position} is not the one it folds last)` }
  }
  if (head.foreign !== null) {
    const why =
      `folds event ${head.foreign}, which this version of stagecraft-state cannot interpret (a newer one ` +
      'recorded it)'
    return { kind: 'unusable', why, newer: true }
  }
  const loaded = loadedOf({ head: decoded.right, environments, releases, requests }, where)
  return E.isLeft(loaded)
    ? { kind: 'unusable', why: `is unusable: ${loaded.left}` }
    : { kind: 'usable', loaded: loaded.right }
}

/**
 * Rows of `releases` written over the rows of their keys, as one JSON array the server parses once: half the cost of an
 * array parameter per column for a rebuild of a long history.
 */
const upsertReleases = (config: PostgresConfig, rows: ReadonlyArray<ReleaseRow>, params: Parameters): string =>
  `INSERT INTO ${config.releases} (id, idx, environment, body)
    SELECT id, idx, environment, body::json FROM json_to_recordset(${params.add(JSON.stringify(rows), 'json')})
      AS row (id text, idx integer, environment text, body text)
    ON CONFLICT (id, idx) DO UPDATE SET environment = excluded.environment, body = excluded.body`

const trimReleases = (config: PostgresConfig, trims: ProjectionChange['trims'], params: Parameters): string => {
  const values = unnest(params, trims, [
    [(trim) => trim.id, 'text[]'],
    [(trim) => trim.keep, 'int[]'],
  ])
  return (
    `DELETE FROM ${config.releases} r USING ${values} AS trim (id, keep) WHERE r.id = trim.id AND r.idx >= ` +
    'trim.keep'
  )
}

const upsertEnvironments = (
  config: PostgresConfig,
  rows: ReadonlyArray<EnvironmentRow>,
  params: Parameters,
): string => {
  const values = unnest(params, rows, [
    [(row) => row.environment, 'text[]'],
    [(row) => row.releaseId, 'text[]'],
    [(row) => row.releaseIndex, 'int[]'],
    [(row) => row.ordinal, 'int[]'],
  ])
  return `INSERT INTO ${config.environments} (environment, release_id, release_index, ordinal) SELECT * FROM ${values}
    ON CONFLICT (environment) DO UPDATE
    SET release_id = excluded.release_id, release_index = excluded.release_index, ordinal = excluded.ordinal`
}

const deleteEnvironments = (config: PostgresConfig, gone: ReadonlyArray<string>, params: Parameters): string =>
  `DELETE FROM ${config.environments} WHERE environment = ANY(${params.add(gone, 'text[]')})`

const headValues = (head: ProjectionHead, params: Parameters): ReadonlyArray<readonly [string, string]> => [
  ['position', params.add(head.position, 'bigint')],
  ['hash', params.add(head.hash, 'text')],
  ['ids', params.add(head.ids, 'int')],
  ['environments', params.add(head.environments, 'int')],
  ['greatest_id', params.add(head.greatestId === null ? null : keyText(head.greatestId), 'text')],
  ['last_recorded_at', params.add(head.lastRecordedAt, 'text')],
  ['other_fields', params.add(JSON.stringify(head.otherFields), 'json')],
]

/** Moves the head from `from` to `head`; no row changes when the projection was not at `from`. */
const moveHead = (config: PostgresConfig, from: Cursor, head: ProjectionHead, params: Parameters): string => {
  const set = headValues(head, params)
    .map(([column, value]) => `${column} = ${value}`)
    .join(', ')
  const at = `position = ${params.add(from.position, 'bigint')} AND hash = ${params.add(from.hash, 'text')}`
  return `UPDATE ${config.projection} SET ${set} WHERE ${at}`
}

const insertHead = (config: PostgresConfig, head: ProjectionHead, params: Parameters): string => {
  const values = headValues(head, params)
  return (
    `INSERT INTO ${config.projection} (${values.map(([column]) => column).join(', ')}) VALUES ` +
    `(${values.map(([, value]) => value).join(', ')})`
  )
}

/** The statements of a change but the head's, as CTEs of one statement (those with no rows left out). */
const changeStatements = (config: PostgresConfig, change: ProjectionChange, params: Parameters): string[] => [
  ...(change.releases.length > 0 ? [upsertReleases(config, change.releases, params)] : []),
  ...(change.trims.length > 0 ? [trimReleases(config, change.trims, params)] : []),
  ...(change.environments.length > 0 ? [upsertEnvironments(config, change.environments, params)] : []),
  ...(change.environmentsGone.length > 0 ? [deleteEnvironments(config, change.environmentsGone, params)] : []),
  ...(change.requests.length > 0 ? [insertRequests(config, change.requests, params)] : []),
]

/** The statements, as data-modifying CTEs of one statement (which run once each, whatever the query reads). */
const together = (statements: ReadonlyArray<string>, last: string): string =>
  `WITH ${statements.map((statement, i) => `step${i} AS (${statement} RETURNING 1)`).join(',\n')}\n${last}`

/** Appends `envelopes` and changes the projection in one statement; `moved` false: the caller must rebuild it. */
export const appendWithProjection = async (
  client: pg.ClientBase,
  config: PostgresConfig,
  at: Cursor,
  envelopes: ReadonlyArray<EventEnvelope>,
  change: (end: Cursor) => ProjectionChange,
): Promise<{ readonly end: Cursor; readonly moved: boolean }> => {
  const rows = rowsAfter(at, envelopes)
  const end = endOf(at, rows)
  const projected = change(end)
  const params = parameters()
  const statements = [
    eventsInsert(config, rows, params),
    ...changeStatements(config, projected, params),
    moveHead(config, at, projected.head, params),
  ]
  const text = together(statements, `SELECT count(*)::int AS moved FROM step${statements.length - 1}`)
  const moved = await client.query<{ moved: number }>(text, params.values)
  return { end, moved: moved.rows[0]?.moved === 1 }
}

/** Rows per statement of a rebuild: a long history is written in several. */
const REBUILD_BATCH = 5_000

/** Replaces the whole projection in the open transaction; `withRequests` false only for migration 2 (no table yet). */
export const rebuildProjection = async (
  client: pg.ClientBase,
  config: PostgresConfig,
  whole: WholeProjection,
  withRequests = true,
): Promise<void> => {
  await client.query(
    `DELETE FROM ${config.releases}; DELETE FROM ${config.environments}; DELETE FROM ` +
      `${config.projection}${withRequests ? `; DELETE FROM ${config.requests}` : ''}`,
  )
  const insert = async (rows: ReadonlyArray<ReleaseRow>): Promise<void> => {
    const params = parameters()
    await client.query(upsertReleases(config, rows, params), params.values)
  }
  let batch: ReleaseRow[] = []
  for (const row of whole.releases) {
    batch.push(row)
    if (batch.length < REBUILD_BATCH) continue
    await insert(batch)
    batch = []
  }
  if (batch.length > 0) await insert(batch)
  let requests: RequestRow[] = []
  const insertBatch = async (): Promise<void> => {
    const params = parameters()
    await client.query(insertRequests(config, requests, params), params.values)
    requests = []
  }
  for (const row of withRequests ? whole.requests : []) {
    requests.push(row)
    if (requests.length >= REBUILD_BATCH) await insertBatch()
  }
  if (requests.length > 0) await insertBatch()
  const params = parameters()
  const environments = whole.environments.length > 0 ? [upsertEnvironments(config, whole.environments, params)] : []
  const head = insertHead(config, whole.head, params)
  await client.query(environments.length === 0 ? head : together(environments, head), params.values)
}

/**
 * Builds the projection of the events the schema holds; a history that does not replay is left
 * without one. The fill of migration 2: its events hold no request id (version 4 brought them).
 */
export const buildProjection = async (client: pg.ClientBase, config: PostgresConfig): Promise<void> => {
  const origin: Cursor = { position: 0, hash: GENESIS_HASH }
  const read: Read = (cursor, visitor) => () => readEvents(client, config, cursor, visitor)
  const replayed = await foldRead(read, emptyLoaded(origin))()
  if (E.isLeft(replayed)) {
    if (replayed.left.code === 'CORRUPT_STATE') return
    throw replayed.left
  }
  // Migration 2: its events hold no request id, and there is no table for them yet.
  await rebuildProjection(client, config, wholeProjection(replayed.right), false)
}
