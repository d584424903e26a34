/**
 * Events of a newer stagecraft-state in the PostgreSQL store: the shared suite, and what only this
 * store has, a projection a newer version advanced past such an event in the statement that
 * appended it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { postgresStore, type StateManager } from '../../src/index.js'
import { GENESIS_HASH, hashLine } from '../../src/store/log-line.js'
import { type CompatSubject, forwardCompatContract, newerLine } from '../forward-compat-contract.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import { adminQuery, freshSchema, TEST_DATABASE_URL } from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
})

/** Inserts rows as a newer version would: each line chained to the one before, its columns from the line. */
const appendRows = async (schema: string, lines: ReadonlyArray<(prev: string) => string>): Promise<void> => {
  const last = (await adminQuery<{ position: string; hash: string }>(`SELECT position::text, hash FROM "${schema}".events ORDER BY position DESC LIMIT 1`)).rows[0]
  let position = Number(last?.position ?? 0)
  let prev = last?.hash ?? GENESIS_HASH
  for (const make of lines) {
    const line = make(prev)
    const json = JSON.parse(line) as { id: string; type?: string; recordedAt: string; meta: { actor: string; host: string; command: string } }
    position += 1
    await adminQuery(`INSERT INTO "${schema}".events (position, id, type, recorded_at, actor, host, command, prev, hash, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      position,
      json.id,
      json.type ?? '',
      json.recordedAt,
      json.meta.actor,
      json.meta.host,
      json.meta.command,
      prev,
      hashLine(line),
      line,
    ])
    prev = hashLine(line)
  }
}

const pgSubject = async (): Promise<CompatSubject & { readonly schema: string }> => {
  const schema = freshSchema('compat')
  const store = postgresStore({ connectionString: TEST_DATABASE_URL, schema })
  const context = freshManager({ store })
  managers.push(context.manager)
  return {
    schema,
    manager: () => {
      const warnings: string[] = []
      const manager = context.make({ onWarning: (w) => warnings.push(w) })
      managers.push(manager)
      return { manager, warnings }
    },
    appendLines: (lines) => appendRows(schema, lines),
    locationOf: (position) => `${schema}.events:${position}`,
    contents: async () => {
      const events = await adminQuery<{ lines: string }>(`SELECT string_agg(line, E'\\n' ORDER BY position) AS lines FROM "${schema}".events`)
      const projection = await adminQuery<{ head: string }>(`SELECT row_to_json(p)::text AS head FROM "${schema}".projection p`)
      const releases = await adminQuery<{ rows: string }>(`SELECT string_agg(body::text, E'\\n' ORDER BY id, idx) AS rows FROM "${schema}".releases`)
      return [events.rows[0]?.lines, projection.rows[0]?.head, releases.rows[0]?.rows].join('\n--\n')
    },
  }
}

forwardCompatContract('the PostgreSQL store', pgSubject)

describe('a projection a newer stagecraft-state advanced past an event this version cannot interpret', () => {
  it('is not used: every event is replayed, the event is found and named, and writes are refused', async () => {
    const subject = await pgSubject()
    const release = await deploy(subject.manager().manager, 'prod', 'v1')
    await appendRows(subject.schema, [newerLine({ writer: '0.4.0', data: { releaseId: release.id } })])
    // The newer version changed the projection in the statement that appended its event.
    await adminQuery(`UPDATE "${subject.schema}".projection SET position = 2, hash = (SELECT hash FROM "${subject.schema}".events WHERE position = 2)`)

    const reader = subject.manager()
    expect((await reader.manager.getCurrentRelease('prod')).id).toBe(release.id)
    expect(reader.warnings).toEqual([
      expect.stringContaining(`(schema ${subject.schema}): the projection folds event 2, which this version of stagecraft-state cannot interpret (a newer one recorded it); every event is replayed instead`),
      expect.stringContaining(`${subject.schema}.events:2: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.4.0, cannot be interpreted`),
    ])
    const before = await subject.contents()
    expect((await rejection(reader.manager.updatePhase(release.id, 'build', 'running'))).code).toBe('NEWER_VERSION')
    expect(await subject.contents()).toBe(before)
    const report = await reader.manager.verify()
    expect(report.sound).toBe(true)
    expect(report.problems).toContainEqual({ severity: 'warning', location: expect.stringContaining(` ${subject.schema}.projection`), message: expect.stringMatching(/^not used: the projection folds event 2, which this version/) })
    expect(report.problems).toContainEqual({ severity: 'warning', location: expect.stringContaining(`${subject.schema}.events:2`), message: expect.stringContaining('not checked, and skipped') })
  })
})
