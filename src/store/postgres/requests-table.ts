/** The request ids of the PostgreSQL projection (schema 4): a row per id, inserted with the events using it. */
import * as E from 'fp-ts/lib/Either.js'
import { describeDecodeErrors } from '../../domain/decode-errors.js'
import { deepFreeze } from '../../domain/deep-freeze.js'
import { RequestMap, RequestUse } from '../../domain/requests.js'
import type { State } from '../../domain/state.js'
import type { PostgresConfig } from './config.js'
import type { Parameters } from './events-table.js'
import { grantedLikeEvents } from './grants.js'

/** A row of `requests`: the id as it is (a request id holds no control character, so no NUL), and its first use. */
export type RequestRow = readonly [key: string, body: string]

const rowOf = (id: string, use: RequestUse): RequestRow => {
  const { command, args, releaseId, at } = use
  return [id, JSON.stringify({ command, args, releaseId, ...(at === undefined ? {} : { at }) })]
}

/** The rows of the ids `after` holds and `before` does not. */
export const requestRowsAdded = (before: State['requests'], after: State['requests']): RequestRow[] => {
  const added = after instanceof RequestMap ? after.idsAddedSince(before) : undefined
  const ids = added ?? [...after.keys()].filter((id) => !before.has(id))
  return ids.map((id) => rowOf(id, after.get(id) as RequestUse))
}

/** Every row of a state's request ids. */
export function* requestRowsOf(state: State): Generator<RequestRow> {
  for (const [id, use] of state.requests) yield rowOf(id, use)
}

/** The request ids the rows hold (frozen, as a fold would leave them), or why they cannot be used. */
export const requestsOf = (rows: ReadonlyArray<RequestRow>, where: string): E.Either<string, RequestMap> => {
  const uses = new Map<string, RequestUse>()
  for (const [id, body] of rows) {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return E.left(`the row ${JSON.stringify(id)} of ${where} is not JSON`)
    }
    const decoded = RequestUse.decode(json)
    if (E.isLeft(decoded))
      return E.left(
        `the row ${JSON.stringify(id)} of ${where} is not a request id's use: ` +
          `${describeDecodeErrors(decoded.left).join('; ')}`,
      )
    const { command, args, releaseId, at } = decoded.right
    uses.set(id, deepFreeze({ command, args, releaseId, ...(at === undefined ? {} : { at }) }))
  }
  return E.right(RequestMap.of(uses))
}

/** The rows given inserted; an id already there keeps its row (its first use). */
export const insertRequests = (config: PostgresConfig, rows: ReadonlyArray<RequestRow>, params: Parameters): string => {
  const json = params.add(JSON.stringify(rows.map(([key, body]) => ({ key, body }))), 'json')
  return `INSERT INTO ${config.requests} (key, body)
    SELECT key, body::json FROM json_to_recordset(${json}) AS row (key text, body text)
    ON CONFLICT (key) DO NOTHING`
}

/** The query that reads every row, in key order. */
export const selectRequests = (config: PostgresConfig): string =>
  `SELECT key, body::text AS body FROM ${config.requests} ORDER BY key`

/** The table (`repair`: made again without its comment, which only an owner may set), and the rights on it. */
export const requestTables = (config: PostgresConfig, repair = false): ReadonlyArray<string> => {
  const { requests, events } = config
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${requests} (
      key text COLLATE "C" PRIMARY KEY,
      body json NOT NULL
    )`,
    `COMMENT ON TABLE ${requests} IS 'stagecraft-state projection: the first use of every request id ` +
      '(idempotency key), body its command, arguments, release and time; a cache of the events, changed with ' +
      "every append in its transaction (see docs/postgres.md)'",
    grantedLikeEvents(events, [requests]),
  ]
  return repair ? statements.filter((statement) => !statement.startsWith('COMMENT')) : statements
}
