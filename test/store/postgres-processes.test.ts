/**
 * Real processes on one PostgreSQL schema: several deploying at once (nothing lost, one chain),
 * and writers whose connection is cut, or who are killed, in the middle of a write: nothing is
 * half-written, and the next writer proceeds without waiting for any timeout.
 *
 * The children import the built package: `npm run build` first (`npm test` does).
 */
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createStateManager, postgresStore, type Release, type StateManager } from '../../src/index.js'
import { resolvePostgresConfig } from '../../src/store/postgres/config.js'
import { type Child, childrenOfEachTest } from './postgres-children/child.js'
import { adminQuery, freshSchema, TEST_DATABASE_URL } from './postgres-children/database.js'

const { child: start, track } = childrenOfEachTest()

const managerOn = (schema: string, actor = 'parent', lockTimeoutMs = 30_000): StateManager =>
  track(
    createStateManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }), actor, lockTimeoutMs }),
  )

const child = (script: string, config: Record<string, unknown>): Child =>
  start(script, { url: TEST_DATABASE_URL, ...config })

/** The backend holding the write lock of `schema`, if any. */
const lockHolder = async (schema: string): Promise<number | undefined> => {
  const config = resolvePostgresConfig({ connectionString: TEST_DATABASE_URL, schema }, '/')
  if (E.isLeft(config)) throw config.left
  const [classId, key] = config.right.writeLock
  const { rows } = await adminQuery<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`,
    [classId >>> 0, key >>> 0],
  )
  return rows[0]?.pid
}

const count = async (schema: string): Promise<number> =>
  (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]?.n ?? -1

/**
 * Expects a sound history: verify clean, release ids increasing in creation order, one previousId chain per
 * environment.
 */
const expectSound = async (manager: StateManager): Promise<ReadonlyArray<Release>> => {
  const report = await manager.verify()
  expect(report.problems).toEqual([])
  expect(report.sound).toBe(true)
  const history = await manager.history()
  expect(history.map((e) => e.position)).toEqual(history.map((_, i) => i + 1))
  const created = history.flatMap((e) => (e.type === 'ReleaseCreated' ? [e.data.release] : []))
  expect(
    created.every((r, i) => i === 0 || (created[i - 1] as Release).id < r.id),
    'release ids increase in creation order',
  ).toBe(true)
  for (const environment of new Set(created.map((r) => r.environment))) {
    const chain = created.filter((r) => r.environment === environment)
    expect(
      chain.map((r) => r.previousId),
      `the chain of ${environment}`,
    ).toEqual([undefined, ...chain.slice(0, -1).map((r) => r.id)])
  }
  return manager.listAllReleases()
}

/** Holds advisory lock `key` so that a test trigger can stop an insert in the middle. */
const pauseInsertsAt = async (schema: string, position: number) => {
  const key = 4242
  await adminQuery(
    `CREATE FUNCTION "${schema}".pause_insert() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.position = ${position} THEN PERFORM pg_advisory_xact_lock(${key}, ${key}); END IF; RETURN NEW; END $$;
     CREATE TRIGGER pause_insert BEFORE INSERT ON "${schema}".events FOR EACH ROW EXECUTE FUNCTION "${schema}".pause_insert()`,
  )
  const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await blocker.connect()
  await blocker.query('SELECT pg_advisory_lock($1, $1)', [key])
  return {
    /** The backend stopped in the middle of its insert, once there is one. */
    stopped: async (): Promise<number> => {
      for (let tries = 0; tries < 150; tries++) {
        const { rows } = await adminQuery<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $1`,
          [key],
        )
        if (rows[0] !== undefined) return rows[0].pid
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      throw new Error('no insert stopped at the pause')
    },
    release: async () => {
      await blocker.end()
      await adminQuery(`DROP TRIGGER pause_insert ON "${schema}".events; DROP FUNCTION "${schema}".pause_insert()`)
    },
  }
}

/**
 * A release with its build running, and a child recovering it (six phase updates in one append)
 * that has begun the append and is held by the pause after the first two rows are inserted.
 */
const recoverPausedInItsAppend = async (prefix: string) => {
  const schema = freshSchema(prefix)
  const parent = managerOn(schema)
  const { release } = await parent.createRelease('prod', 'v1')
  await parent.updatePhase(release.id, 'build', 'running')
  const pause = await pauseInsertsAt(schema, 5)
  try {
    const writer = child('paused-writer.mjs', { schema, operation: 'recover', releaseId: release.id })
    const paused = await writer.untilLine((line) => line.t === 'paused', 'the pause before the append')
    writer.send('append')
    return { schema, parent, release, pause, writer, paused }
  } catch (error) {
    await pause.release()
    throw error
  }
}

describe('several processes writing one schema at once', () => {
  const CHILDREN = 4
  const RELEASES = 6

  it(`${CHILDREN} processes x ${RELEASES} deploys: nothing lost, one chain per environment, verify sound`, async () => {
    const schema = freshSchema('procs')
    const workers = Array.from({ length: CHILDREN }, (_, n) =>
      child('deployer.mjs', {
        schema,
        name: `worker${n}`,
        releases: RELEASES,
        environments: ['prod', 'staging'],
        lockTimeoutMs: 60_000,
      }),
    )
    await Promise.all(workers.map((worker) => worker.untilLine((line) => line.t === 'ready', 'ready')))
    for (const worker of workers) worker.send('go')
    const exits = await Promise.all(workers.map((worker) => worker.exited))
    for (const [n, exit] of exits.entries())
      expect(exit, `worker${n}: ${workers[n]?.errors}`).toEqual({ code: 0, signal: null })

    const manager = managerOn(schema)
    const releases = await expectSound(manager)
    expect(releases).toHaveLength(CHILDREN * RELEASES)
    // Each child owned its releases and finished: every one is exactly as last acknowledged.
    const found = new Map(releases.map((r) => [r.id, r]))
    for (const worker of workers) {
      const acks = worker.lines.filter((line) => line.t === 'ack').map((line) => line['release'] as Release)
      const last = new Map(acks.map((release) => [release.id, release]))
      expect(last.size).toBe(RELEASES)
      for (const [id, release] of last) expect(found.get(id)).toEqual(release)
    }
    // The writes really interleaved.
    const actors = (await manager.history()).map((e) => e.meta.actor)
    expect(actors.filter((actor, i) => i > 0 && actor !== actors[i - 1]).length).toBeGreaterThan(CHILDREN)
  })
})

describe('a connection dropped in the middle of a write', () => {
  it('while the writer holds the lock: its write fails with DB_UNREACHABLE, nothing of it is written, a waiting writer proceeds at once', async () => {
    const schema = freshSchema('drop')
    const parent = managerOn(schema)
    await parent.createRelease('prod', 'v1')
    const writer = child('paused-writer.mjs', { schema, operation: 'create' })
    await writer.untilLine((line) => line.t === 'paused', 'the pause before the append')
    const holder = await lockHolder(schema)
    expect(holder).toBeDefined()

    const waiting = parent.createRelease('prod', 'v2')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await count(schema)).toBe(1) // still waiting for the lock
    const cut = Date.now()
    await adminQuery('SELECT pg_terminate_backend($1)', [holder])
    const { release: next } = await waiting
    expect(Date.now() - cut).toBeLessThan(5_000)

    writer.send('append')
    const outcome = await writer.untilLine((line) => line.t === 'failed' || line.t === 'result', 'the outcome')
    expect(outcome).toMatchObject({
      t: 'failed',
      code: 'DB_UNREACHABLE',
      message: expect.stringMatching(/connection holding the write lock was lost/),
    })
    const releases = await expectSound(managerOn(schema))
    expect(releases.map((r) => r.version)).toEqual(['v2', 'v1'])
    expect(next.previousId).toBe(releases[1]?.id)
  })

  it('inside a multi-event append (two of six rows inserted): none of them is kept, and the next writer proceeds', async () => {
    const { schema, parent, release, pause, writer, paused } = await recoverPausedInItsAppend('drop')
    try {
      expect(paused).toMatchObject({ events: 6, position: 2 })
      const backend = await pause.stopped()
      expect(await count(schema)).toBe(2) // rows 3 and 4 are inserted, not committed: invisible
      await adminQuery('SELECT pg_terminate_backend($1)', [backend])
      const outcome = await writer.untilLine((line) => line.t === 'failed' || line.t === 'result', 'the outcome')
      // The append's transaction had not been committed: the writer knows it left nothing.
      expect(outcome).toMatchObject({
        t: 'failed',
        code: 'DB_UNREACHABLE',
        message: expect.stringMatching(/append to the history \(nothing of the append was committed\)/),
      })
    } finally {
      await pause.release()
    }
    expect(await count(schema)).toBe(2)
    const { release: recovered } = await parent.recoverRelease(release.id, 'the parent finishes it')
    expect(recovered.phases.build).toBe('failed')
    expect(await count(schema)).toBe(8)
    await expectSound(managerOn(schema))
  })
})

describe('a writer killed in the middle of a write', () => {
  it('while it holds the lock: the lock goes with its session, a waiting writer proceeds, nothing of it is written', async () => {
    const schema = freshSchema('kill')
    const parent = managerOn(schema)
    await parent.createRelease('prod', 'v1')
    const writer = child('paused-writer.mjs', { schema, operation: 'create' })
    await writer.untilLine((line) => line.t === 'paused', 'the pause before the append')
    const waiting = parent.createRelease('prod', 'v2')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const killed = Date.now()
    await writer.kill()
    await waiting
    expect(Date.now() - killed).toBeLessThan(5_000)
    expect((await expectSound(managerOn(schema))).map((r) => r.version)).toEqual(['v2', 'v1'])
  })

  it('inside a multi-event append: none of it is kept, and the next writer proceeds', async () => {
    const { schema, parent, release, pause, writer } = await recoverPausedInItsAppend('kill')
    try {
      await pause.stopped()
      await writer.kill()
    } finally {
      await pause.release()
    }
    // The server finishes the statement on its own (it only notices the client is gone when it
    // answers), but the transaction never gets its COMMIT: it is rolled back, the lock freed.
    const { release: next } = await parent.createRelease('staging', 'v1')
    expect(next.environment).toBe('staging')
    expect(await count(schema)).toBe(2 + 1)
    const releases = await expectSound(managerOn(schema))
    expect(releases.find((r) => r.id === release.id)?.phases.build).toBe('running')
  })
})
