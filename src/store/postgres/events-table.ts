/**
 * Reading and appending rows of the events table, on a connection the caller chose. A row's `line` is the event as a
 * file log holds it, so reads check what the file store checks, and also that positions have no gaps and the stored
 * hash is the line's.
 */
import * as E from 'fp-ts/lib/Either.js'
import type pg from 'pg'
import type { EventEnvelope } from '../../domain/events.js'
import { StateError } from '../../domain/state-error.js'
import type { Cursor, ReadEnd, Visitor } from '../event-store.js'
import type { Foreign } from '../../domain/foreign.js'
import { unreadable } from '../foreign-events.js'
import { chainProblem, decodeLogLine, encodeLogLine, hashLine, isForeignLine } from '../log-line.js'
import type { PostgresConfig } from './config.js'
import { SCHEMA_VERSION, tooNew } from './version.js'

interface Row {
  readonly position: string
  readonly hash: string
  readonly line: string
}

/** The first batch of a read comes with the schema version (and as one row of nulls when it has no event). */
interface Versioned {
  readonly version: number | null
}

const nextBatch = (config: PostgresConfig): string =>
  `SELECT position, hash, line FROM ${config.events} WHERE position >= $1 ORDER BY position LIMIT $2`

/** The version rides along in the same round trip, so that every read refuses a schema migrated since, at no cost. */
const firstBatch = (config: PostgresConfig): string =>
  `SELECT m.version, e.position, e.hash, e.line FROM (SELECT max(version) AS version FROM ${config.migrations}) AS m
   LEFT JOIN LATERAL (${nextBatch(config)}) AS e ON true ORDER BY e.position`

const corrupt = (message: string): StateError => new StateError('CORRUPT_STATE', message)

/** Where an event is, for messages: the server, the table and the position. */
export const locationOf = (config: PostgresConfig, position: number): string =>
  `${config.server} ${config.schema}.events:${position}`

/** What is wrong with a row read after `expected - 1` whose hash was `prevHash`, if anything. */
type Checked = { problem: string } | { envelope: EventEnvelope } | { foreign: Foreign }

const rowProblem = (row: Row, position: number, expected: number, prevHash: string, lineHash: string): Checked => {
  if (position !== expected)
    return {
      problem: `events ${expected}${position - 1 > expected ? ` to ${position - 1}` : ''} are missing (deleted)`,
    }
  const decoded = decodeLogLine(row.line)
  if (E.isLeft(decoded)) return { problem: decoded.left }
  if (decoded.right.prev !== prevHash) return { problem: chainProblem(position, 'event') }
  if (row.hash !== lineHash)
    return { problem: 'the line was edited after it was written: its stored hash is not the SHA-256 of its text' }
  return isForeignLine(decoded.right) ? { foreign: decoded.right.foreign } : { envelope: decoded.right.envelope }
}

/** Reads the events after `from`; the one at `from` is read again first, to see the history was not replaced. */
export const readEvents = async (
  client: pg.ClientBase,
  config: PostgresConfig,
  from: Cursor,
  visitor: Visitor,
): Promise<E.Either<StateError, ReadEnd>> => {
  let { position, hash } = from
  let anchored = from.position === 0
  for (let first = true; ; first = false) {
    const after = anchored ? position + 1 : position
    let rows: ReadonlyArray<Row>
    if (first) {
      const batch = await client.query<Versioned & { [K in keyof Row]: Row[K] | null }>(firstBatch(config), [
        after,
        config.batchSize,
      ])
      const version = batch.rows[0]?.version ?? 0
      if (version > SCHEMA_VERSION) return E.left(tooNew(config, version))
      rows = batch.rows.filter((row): row is Versioned & Row => row.position !== null)
    } else {
      rows = (await client.query<Row>(nextBatch(config), [after, config.batchSize])).rows
    }
    for (const row of rows) {
      const rowPosition = Number(row.position)
      if (!anchored) {
        anchored = true
        if (rowPosition !== from.position || row.hash !== from.hash) {
          return E.left(
            corrupt(
              `${locationOf(config, from.position)}: the history was replaced since it was read (this ` +
                'event is gone or different); open the store again',
            ),
          )
        }
        continue
      }
      const location = locationOf(config, rowPosition)
      const lineHash = hashLine(row.line)
      const checked = rowProblem(row, rowPosition, position + 1, hash, lineHash)
      position = rowPosition
      hash = lineHash
      visitor.lineHash?.(position, hash)
      if ('problem' in checked) {
        if (visitor.problem === undefined) return E.left(corrupt(`${location}: ${checked.problem}`))
        visitor.problem({ location, message: checked.problem })
        continue
      }
      // An event of a newer version: the visitor says what to do with it (without one, a read cannot go past it).
      const result =
        'envelope' in checked
          ? visitor.event({ envelope: checked.envelope, position, location })
          : visitor.foreign === undefined
            ? unreadable({ foreign: checked.foreign, position, location })
            : visitor.foreign({ foreign: checked.foreign, position, location })
      if (result instanceof StateError) return E.left(result)
      if (result === 'stop') return E.right({ cursor: { position, hash } })
    }
    if (!anchored) {
      return E.left(
        corrupt(
          `${locationOf(config, from.position)}: the history is shorter than the ${from.position} events ` +
            'already read from it; it was truncated or replaced',
        ),
      )
    }
    if (rows.length < config.batchSize) return E.right({ cursor: { position, hash } })
  }
}

/** The rows of `envelopes` appended after `at`: their canonical lines chained from `at.hash`. */
export const rowsAfter = (at: Cursor, envelopes: ReadonlyArray<EventEnvelope>) => {
  let hash = at.hash
  return envelopes.map((envelope, index) => {
    const prev = hash
    const line = encodeLogLine(envelope, prev)
    hash = hashLine(line)
    return { position: at.position + index + 1, envelope, prev, hash, line }
  })
}

/** A copy for SQL readers: PostgreSQL text cannot hold NUL (the line keeps it, escaped by JSON). */
const textColumn = (value: string): string => value.replaceAll('\0', '\uFFFD')

/** The values of a statement, numbered as they are added: `add(value, 'text[]')` gives `$n::text[]`. */
export interface Parameters {
  readonly values: unknown[]
  readonly add: (value: unknown, type: string) => string
}

export const parameters = (): Parameters => {
  const values: unknown[] = []
  return { values, add: (value, type) => `$${values.push(value)}::${type}` }
}

/** `unnest(...)` of one array parameter per column of `rows`. */
export const unnest = <R>(
  params: Parameters,
  rows: ReadonlyArray<R>,
  columns: ReadonlyArray<readonly [(row: R) => unknown, string]>,
): string => `unnest(${columns.map(([pick, type]) => params.add(rows.map(pick), type)).join(', ')})`

/** The INSERT of `rows`, one statement: all or none; the trigger refuses them unless they continue the history. */
export const eventsInsert = (
  config: PostgresConfig,
  rows: ReturnType<typeof rowsAfter>,
  params: Parameters,
): string => {
  const columns = unnest(params, rows, [
    [(row) => row.position, 'bigint[]'],
    [(row) => row.envelope.id, 'text[]'],
    [(row) => row.envelope.type, 'text[]'],
    [(row) => row.envelope.recordedAt, 'text[]'],
    [(row) => textColumn(row.envelope.meta.actor), 'text[]'],
    [(row) => textColumn(row.envelope.meta.host), 'text[]'],
    [(row) => row.envelope.meta.command, 'text[]'],
    [(row) => row.prev, 'text[]'],
    [(row) => row.hash, 'text[]'],
    [(row) => row.line, 'text[]'],
  ])
  return `INSERT INTO ${config.events} (position, id, type, recorded_at, actor, host, command, prev, hash, line)
     SELECT position, id, type, recorded_at, actor, host, command, prev, hash, line
     FROM ${columns}
       WITH ORDINALITY AS row (position, id, type, recorded_at, actor, host, command, prev, hash, line, n)
     ORDER BY n`
}

/** Where `rows` end: the last one, or `at` when there are none. */
export const endOf = (at: Cursor, rows: ReturnType<typeof rowsAfter>): Cursor => {
  const last = rows.at(-1)
  return last === undefined ? at : { position: last.position, hash: last.hash }
}
