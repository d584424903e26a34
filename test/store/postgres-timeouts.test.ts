/**
 * A network or server that stalls without closing the connection: reads and writes give up with
 * `DB_UNREACHABLE` within their bounds (queryTimeoutMs, and the lock wait for a write) instead of
 * hanging, and a write that gave up leaves nothing behind and holds no lock.
 */
import * as E from 'fp-ts/lib/Either.js'
import { emptyLoaded, unprepared } from '../../src/store/event-store.js'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, postgresStore, type StateManager } from '../../src/index.js'
import type { StateError } from '../../src/domain/state-error.js'
import { deployEnvelopes } from '../support/envelopes.js'
import { within } from '../support/within.js'
import { appendAll, readAll } from './contract.js'
import { adminQuery, freshSchema, openStore } from './postgres-children/database.js'
import { type StallingProxy, stallingProxy } from './postgres-children/stalling-proxy.js'

const proxies: StallingProxy[] = []
const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()))
})

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const QUERY_TIMEOUT_MS = 500

/** A schema with three events, and a proxy in front of the server. */
const stalling = async () => {
  const schema = freshSchema('stall')
  await appendAll(openStore(schema), deployEnvelopes(3))
  const proxy = await stallingProxy()
  proxies.push(proxy)
  return { schema, proxy }
}

const count = async (schema: string): Promise<number> =>
  (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]?.n ?? -1

const failureOf = async (task: () => Promise<E.Either<StateError, unknown>>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

describe('a stalled connection', () => {
  it('fails history() with DB_UNREACHABLE after queryTimeoutMs, saying the server did not answer', async () => {
    const { schema, proxy } = await stalling()
    const manager = createStateManager({
      store: postgresStore({ connectionString: proxy.url, schema, queryTimeoutMs: QUERY_TIMEOUT_MS }),
    })
    managers.push(manager)
    expect(await manager.history()).toHaveLength(3)
    proxy.stall()
    const started = Date.now()
    const error = await within(
      10_000,
      'history() over a stalled connection',
      manager.history().then(
        () => undefined,
        (failure: StateError) => failure,
      ),
    )
    expect(error).toMatchObject({
      code: 'DB_UNREACHABLE',
      message: expect.stringMatching(
        /could not read the history: Query read timeout; the server did not answer in time/,
      ),
    })
    expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + 2_000)
  })

  it('fails a write waiting for its lock statement after the lock wait plus queryTimeoutMs', async () => {
    const { schema, proxy } = await stalling()
    const store = openStore(schema, {
      connectionString: proxy.url,
      queryTimeoutMs: QUERY_TIMEOUT_MS,
      lockTimeoutMs: 1_000,
    })
    expect((await readAll(store)).events).toHaveLength(3) // the schema is known, a connection idle in the pool
    proxy.stall()
    const started = Date.now()
    const error = await within(
      10_000,
      'a write over a stalled connection',
      failureOf(store.write(() => async () => E.right(undefined))),
    )
    expect(error).toMatchObject({
      code: 'DB_UNREACHABLE',
      message: expect.stringMatching(/could not take the write lock: Query read timeout/),
    })
    expect(Date.now() - started).toBeLessThan(1_000 + QUERY_TIMEOUT_MS + 2_000)
  })

  it('fails an append whose answer never comes with DB_UNREACHABLE; nothing of it is committed, and the lock is free', async () => {
    const { schema, proxy } = await stalling()
    const store = openStore(schema, { connectionString: proxy.url, queryTimeoutMs: QUERY_TIMEOUT_MS })
    const error = await within(
      10_000,
      'an append over a stalled connection',
      failureOf(
        store.write((session) => async () => {
          const caught = await session.load(emptyLoaded(store.origin))()
          if (E.isLeft(caught)) return caught
          // The INSERT reaches the server and runs; its answer is lost on the way back.
          proxy.stall('to-client')
          return session.append(unprepared(caught.right), deployEnvelopes(4).slice(3))()
        }),
      ),
    )
    expect(error).toMatchObject({
      code: 'DB_UNREACHABLE',
      message: expect.stringMatching(
        /append to the history \(nothing of the append was committed\): Query read timeout/,
      ),
    })
    // The client closed the connection; the server rolls the transaction back and frees the lock.
    const next = await within(
      10_000,
      'the next writer',
      appendAll(openStore(schema, { lockTimeoutMs: 5_000 }), deployEnvelopes(4).slice(3)),
    )
    expect(next.position).toBe(4)
    expect(await count(schema)).toBe(4)
  })
})
