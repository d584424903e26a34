/**
 * The PostgreSQL store against a real server: the contract every store honours, and what is its
 * own: the table layout, the same hash chain as the file log, batched reads from a position, the
 * database refusing what would break the history, and damage reported with its position.
 */
import * as E from 'fp-ts/lib/Either.js'
import { beforeAll, describe, expect, it } from 'vitest'
import type { StateError } from '../../src/domain/state-error.js'
import type { RecordProblem } from '../../src/store/event-store.js'
import { encodeLogLine, GENESIS_HASH, hashLine } from '../../src/store/log-line.js'
import { LOCK_CLASS_WRITE, schemaLockKey } from '../../src/store/postgres/config.js'
import { deployEnvelopes } from '../support/envelopes.js'
import { within } from '../support/within.js'
import { appendAll, eventStoreContract, readAll } from './contract.js'
import {
  adminQuery,
  asAdmin,
  dropAfterTest,
  freshSchema,
  newRole,
  openStore,
  uniqueName,
  urlAs,
} from './postgres-children/database.js'
import { appendRows } from './postgres-children/raw-rows.js'

beforeAll(async () => {
  await adminQuery('SELECT 1') // fails the file, clearly, when the server is unreachable
})

eventStoreContract('the PostgreSQL store', async () => {
  const schema = freshSchema('contract')
  return {
    store: openStore(schema),
    reopen: async () => openStore(schema),
    appendLines: (lines) => appendRows(schema, lines),
  }
})

const failureOf = async (task: () => Promise<E.Either<StateError, unknown>>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

interface EventRow {
  position: string
  id: string
  type: string
  actor: string
  prev: string
  hash: string
  line: string
}

const rowsOf = async (schema: string): Promise<EventRow[]> =>
  (await adminQuery<EventRow>(`SELECT * FROM "${schema}".events ORDER BY position`)).rows

/** Runs `sql` on the events table with its guards switched off, as someone with the owner's rights could. */
const tamper = (schema: string, sql: string): Promise<unknown> =>
  asAdmin(async (client) => {
    await client.query('BEGIN')
    await client.query(`ALTER TABLE "${schema}".events DISABLE TRIGGER USER`)
    await client.query(sql.replaceAll('$events', `"${schema}".events`))
    await client.query(`ALTER TABLE "${schema}".events ENABLE TRIGGER USER`)
    await client.query('COMMIT')
  })

describe("the PostgreSQL store keeps the file log's lines and chain", () => {
  it("stores each event's canonical line, prev and SHA-256 at gapless positions from 1", async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    const envelopes = deployEnvelopes(6)
    const end = await appendAll(store, envelopes)
    const rows = await rowsOf(schema)
    expect(rows.map((row) => Number(row.position))).toEqual([1, 2, 3, 4, 5, 6])
    let prev = GENESIS_HASH
    for (const [i, row] of rows.entries()) {
      const envelope = envelopes[i]
      if (envelope === undefined) throw new Error('missing envelope')
      expect(row.line).toBe(encodeLogLine(envelope, prev))
      expect(row.prev).toBe(prev)
      expect(row.hash).toBe(hashLine(row.line))
      expect([row.id, row.type, row.actor]).toEqual([envelope.id, envelope.type, envelope.meta.actor])
      prev = row.hash
    }
    expect(end).toEqual({ position: 6, hash: prev })
  })

  it('offers the events as JSON in a view for people querying in SQL', async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(2))
    const { rows } = await adminQuery<{ type: string; version: string; actor: string }>(
      `SELECT type, data -> 'release' ->> 'version' AS version, meta ->> 'actor' AS actor FROM "${schema}".events_json ORDER BY position`,
    )
    expect(rows).toEqual([
      { type: 'ReleaseCreated', version: 'v1.0-é中🚀<&>', actor: 'tester' },
      { type: 'PhaseUpdated', version: null, actor: 'tester' },
    ])
  })

  it('creates nothing when a missing schema is read, and creates the schema on the first write', async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    expect((await readAll(store)).events).toEqual([])
    expect((await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount).toBe(0)
    await appendAll(store, deployEnvelopes(1))
    expect((await adminQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount).toBe(1)
  })

  it('reads in batches from the last position: a refresh fetches only what is new', async () => {
    const schema = freshSchema()
    const store = openStore(schema, { batchSize: 4 })
    const envelopes = deployEnvelopes(23)
    await appendAll(store, envelopes.slice(0, 10))
    const first = await readAll(store)
    expect(first.events.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    await appendAll(openStore(schema), envelopes.slice(10))
    // Damage before the cursor: a refresh that read from the start would trip on it.
    await tamper(schema, `UPDATE $events SET line = 'garbage' WHERE position = 2`)
    const rest = await readAll(store, first.cursor)
    expect(rest.events.map((e) => e.envelope)).toEqual(envelopes.slice(10))
    expect(rest.events.map((e) => e.position)).toEqual(Array.from({ length: 13 }, (_, i) => i + 11))
    expect(rest.cursor.position).toBe(23)
    expect((await failureOf(store.read(store.origin, { event: () => undefined }))).message).toContain(
      `${schema}.events:2:`,
    )
  })
})

describe('the database itself refuses what would break the history', () => {
  it('refuses updates, deletes and truncation of events', async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(3))
    for (const sql of [
      `UPDATE "${schema}".events SET actor = 'x'`,
      `DELETE FROM "${schema}".events WHERE position = 3`,
      `TRUNCATE "${schema}".events`,
    ]) {
      await expect(adminQuery(sql)).rejects.toMatchObject({
        code: 'SC002',
        message: expect.stringMatching(/append-only/),
      })
    }
    expect(await rowsOf(schema)).toHaveLength(3)
  })

  it('refuses an insert that does not continue the chain, even from a writer that skips the lock', async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(2))
    const [, second] = await rowsOf(schema)
    if (second === undefined) throw new Error('missing row')
    const insert = (position: number, prev: string, line: string, hash = hashLine(line)) =>
      adminQuery(
        `INSERT INTO "${schema}".events (position, id, type, recorded_at, actor, host, command, prev, hash, line) VALUES ($1, 'x', 'x', 'x', 'x', 'x', 'x', $2, $3, $4)`,
        [position, prev, hash, line],
      )
    await expect(insert(4, second.hash, 'gap')).rejects.toMatchObject({ code: 'SC001' })
    await expect(insert(3, GENESIS_HASH, 'fork')).rejects.toMatchObject({ code: 'SC001' })
    await expect(insert(3, second.hash, 'lie', second.hash)).rejects.toMatchObject({ code: 'SC001' })
    expect(await rowsOf(schema)).toHaveLength(2)
  })
})

describe('the PostgreSQL store reports a damaged history with its position', () => {
  const damaged = async (sql: string) => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(6))
    await tamper(schema, sql)
    return { store, schema }
  }

  it.each([
    [
      'an edited line',
      `UPDATE $events SET line = replace(line, '"v1.0-', '"v9.0-') WHERE position = 1`,
      1,
      /stored hash is not the SHA-256/,
    ],
    [
      'an edited line and its hash',
      `UPDATE $events SET line = replace(line, '"v1.0-', '"v9.0-'), hash = encode(sha256(convert_to(replace(line, '"v1.0-', '"v9.0-'), 'UTF8')), 'hex') WHERE position = 1`,
      2,
      /event 1 was edited/,
    ],
    ['an event deleted', 'DELETE FROM $events WHERE position = 3', 4, /events 3 are missing/],
    ['the first event deleted', 'DELETE FROM $events WHERE position = 1', 2, /events 1 are missing/],
    ['garbage in a line', `UPDATE $events SET line = 'not json' WHERE position = 5`, 5, /not valid JSON/],
  ])('%s', async (_name, sql, position, message) => {
    const { store, schema } = await damaged(sql)
    const before = await rowsOf(schema)
    const error = await failureOf(store.read(store.origin, { event: () => undefined }))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toContain(`${schema}.events:${position}:`)
    expect(error.message).toMatch(message)
    const refused = await failureOf(store.write((session) => session.read(store.origin, { event: () => undefined })))
    expect(refused.code).toBe('CORRUPT_STATE')
    expect(await rowsOf(schema)).toEqual(before)
  })

  it('hands every bad event to a visitor that asks for problems, and keeps reading', async () => {
    const { store, schema } = await damaged(`UPDATE $events SET line = 'garbage' WHERE position = 2`)
    const problems: RecordProblem[] = []
    const positions: number[] = []
    await store.read(store.origin, {
      event: (e) => void positions.push(e.position),
      problem: (p) => void problems.push(p),
    })()
    expect(problems.map((p) => p.location)).toEqual([2, 3].map((n) => expect.stringContaining(`${schema}.events:${n}`)))
    expect(positions).toEqual([1, 4, 5, 6])
  })

  it('refuses a cursor into a history that was replaced or cut since it was read', async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(4))
    const { cursor } = await readAll(store)
    await tamper(schema, `UPDATE $events SET hash = repeat('f', 64) WHERE position = 4`)
    expect((await failureOf(store.read(cursor, { event: () => undefined }))).message).toMatch(
      /replaced since it was read/,
    )
    await tamper(schema, 'DELETE FROM $events WHERE position >= 3')
    expect((await failureOf(store.read(cursor, { event: () => undefined }))).message).toMatch(
      /shorter than the 4 events already read/,
    )
  })
})

describe('the PostgreSQL write lock', () => {
  it('makes a writer wait for another, and gives up with LOCK_TIMEOUT after lockTimeoutMs, naming the lock', async () => {
    // A schema whose lock key is negative as a signed int: pg_locks shows it unsigned (objid is an oid).
    let schema = uniqueName('lock')
    while (schemaLockKey(schema) >= 0) schema = uniqueName('lock')
    dropAfterTest(schema)
    const holder = openStore(schema)
    const waiter = openStore(schema, { lockTimeoutMs: 300 })
    await appendAll(holder, deployEnvelopes(1))
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    let entered: () => void = () => undefined
    const inside = new Promise<void>((resolve) => (entered = resolve))
    const holding = holder.write(() => async () => {
      entered()
      await held
      return E.right('done')
    })()
    await inside
    const started = Date.now()
    const error = await failureOf(waiter.write(() => async () => E.right(undefined)))
    expect(error.code).toBe('LOCK_TIMEOUT')
    expect(error.message).toContain(
      `more than 300 ms (advisory lock ${LOCK_CLASS_WRITE}/${schemaLockKey(schema) + 2 ** 32}, classid/objid in pg_locks, shows who)`,
    )
    const shown = await adminQuery(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2`,
      [LOCK_CLASS_WRITE, schemaLockKey(schema) + 2 ** 32],
    )
    expect(shown.rowCount).toBe(1) // the holder's lock, found by the numbers the message gives
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    release()
    expect(await holding).toEqual(E.right('done'))
    await appendAll(waiter, deployEnvelopes(2).slice(1)) // the same connection, usable again
    expect((await readAll(waiter)).events).toHaveLength(2)
  })

  it('takes any lockTimeoutMs, waiting at most what PostgreSQL and Node allow (2^31 - 1 ms) for a longer one', async () => {
    const schema = freshSchema()
    for (const [n, lockTimeoutMs] of [2 ** 31 - 1, 2 ** 31, 1e12].entries()) {
      expect((await appendAll(openStore(schema, { lockTimeoutMs }), deployEnvelopes(n + 1).slice(n))).position).toBe(
        n + 1,
      )
    }
  })

  it("leaves the pooled connection with the role's own lock_timeout, which a write sets only for its transaction", async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(1))
    const role = await newRole()
    await adminQuery(
      `ALTER ROLE "${role}" SET lock_timeout = '300ms'; GRANT USAGE ON SCHEMA "${schema}" TO "${role}"; GRANT SELECT, INSERT ON "${schema}".events TO "${role}"; GRANT SELECT ON "${schema}".schema_migrations TO "${role}"; GRANT SELECT, INSERT, UPDATE, DELETE ON "${schema}".releases, "${schema}".environments, "${schema}".projection, "${schema}".requests TO "${role}"`,
    )
    // One connection: the read below runs on the very session the write used.
    const store = openStore(schema, { connectionString: urlAs(role), maxConnections: 1 })
    await appendAll(store, deployEnvelopes(2).slice(1))
    await asAdmin(async (admin) => {
      await admin.query(`BEGIN; LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`)
      try {
        const started = Date.now()
        // Had the write left its own lock_timeout (or none) on the session, this read would wait for the admin.
        const error = await within(
          8_000,
          "the read under the role's lock_timeout",
          failureOf(store.read(store.origin, { event: () => undefined })),
        )
        expect(error.message).toMatch(/canceling statement due to lock timeout/)
        expect(Date.now() - started).toBeLessThan(5_000)
      } finally {
        await admin.query('ROLLBACK')
      }
    })
  })

  it('lets reads through while a writer holds the lock', async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(3))
    const result = await store.write(() => async () => E.right((await readAll(openStore(schema))).events.length))()
    expect(result).toEqual(E.right(3))
  })
})

describe('a closed PostgreSQL store', () => {
  it('refuses to be used again with a clear error, and opens no connection', async () => {
    const schema = freshSchema()
    const store = openStore(schema)
    await appendAll(store, deployEnvelopes(1))
    await store.close()
    // Connections of this process opened since the close: only this test runs in it meanwhile.
    // (A count of all its connections is not that: pools of earlier tests close theirs when idle.)
    const closedAt = (await adminQuery<{ at: Date }>('SELECT clock_timestamp() AS at')).rows[0]?.at
    const openedSince = async () =>
      (
        await adminQuery<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND backend_start > $2`,
          [`stagecraft-state pid ${process.pid}`, closedAt],
        )
      ).rows[0]?.n
    for (const task of [
      store.read(store.origin, { event: () => undefined }),
      store.write(() => async () => E.right(undefined)),
    ]) {
      const error = await failureOf(task)
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toMatch(/schema sc_test_.*\): this store was closed; open a new one/)
    }
    expect(await openedSince()).toBe(0)
  })
})
