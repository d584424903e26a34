/**
 * Events of a newer stagecraft-state in the PostgreSQL store: the shared suite, and what only this
 * store has, a projection a newer version advanced past such an event in the statement that
 * appended it.
 */
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, fileStoreSpec, migrateHistory, postgresStore, type StateManager } from '../../src/index.js'
import { hashLine } from '../../src/store/log-line.js'
import { type CompatSubject, forwardCompatContract, newerLine } from '../app/forward-compat-contract.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'
import { adminQuery, freshSchema, TEST_DATABASE_URL } from './postgres-children/database.js'
import { appendRows } from './postgres-children/raw-rows.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
})

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
      const events = await adminQuery<{ lines: string }>(
        `SELECT string_agg(line, E'\\n' ORDER BY position) AS lines FROM "${schema}".events`,
      )
      const projection = await adminQuery<{ head: string }>(
        `SELECT row_to_json(p)::text AS head FROM "${schema}".projection p`,
      )
      const releases = await adminQuery<{ rows: string }>(
        `SELECT string_agg(body::text, E'\\n' ORDER BY id, idx) AS rows FROM "${schema}".releases`,
      )
      return [events.rows[0]?.lines, projection.rows[0]?.head, releases.rows[0]?.rows].join('\n--\n')
    },
  }
}

forwardCompatContract('the PostgreSQL store', pgSubject)

describe('a projection a newer stagecraft-state advanced past an event this version cannot interpret', () => {
  it('is not used: every event is replayed, the event is found and named, and writes are refused', async () => {
    const subject = await pgSubject()
    const release = await deploy(subject.manager().manager, 'prod', 'v1')
    await appendRows(subject.schema, [newerLine({ writer: '0.6.0', data: { releaseId: release.id } })])
    // The newer version changed the projection in the statement that appended its event.
    await adminQuery(
      `UPDATE "${subject.schema}".projection SET position = 2, hash = (SELECT hash FROM "${subject.schema}".events WHERE position = 2)`,
    )

    const reader = subject.manager()
    expect((await reader.manager.getCurrentRelease('prod')).id).toBe(release.id)
    expect(reader.warnings).toEqual([
      expect.stringContaining(
        `(schema ${subject.schema}): the projection folds event 2, which this version of stagecraft-state cannot interpret (a newer one recorded it); every event is replayed instead`,
      ),
      expect.stringContaining(
        `${subject.schema}.events:2: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0, cannot be interpreted`,
      ),
    ])
    const before = await subject.contents()
    expect((await rejection(reader.manager.updatePhase(release.id, 'build', 'running'))).code).toBe('NEWER_VERSION')
    expect(await subject.contents()).toBe(before)
    const report = await reader.manager.verify()
    expect(report.sound).toBe(true)
    expect(report.problems).toContainEqual({
      severity: 'warning',
      location: expect.stringContaining(` ${subject.schema}.projection`),
      message: expect.stringMatching(/^not used: the projection folds event 2, which this version/),
    })
    expect(report.problems).toContainEqual({
      severity: 'warning',
      location: expect.stringContaining(`${subject.schema}.events:2`),
      message: expect.stringContaining('not checked, and skipped'),
    })
  })
})

describe('migrating a history that holds an event of a newer stagecraft-state', () => {
  it('is refused with NEWER_VERSION, naming the event: this version cannot copy what it cannot read, and the target stays empty', async () => {
    const stateFile = join(tempDir(), '.stagecraft', 'releases.json')
    const manager = createStateManager({ stateFile, onWarning: () => undefined })
    managers.push(manager)
    const release = await deploy(manager, 'prod', 'v1')
    const eventLog = stateFile.replace(/\.json$/, '.events.ndjson')
    const last = readFileSync(eventLog, 'utf8').split('\n').at(-2) as string
    appendFileSync(eventLog, `${newerLine({ writer: '0.6.0', data: { releaseId: release.id } })(hashLine(last))}\n`)
    const schema = freshSchema('compat')
    const error = await rejection(
      migrateHistory(fileStoreSpec(stateFile), postgresStore({ connectionString: TEST_DATABASE_URL, schema }), {
        onWarning: () => undefined,
      }),
    )
    expect(error.code).toBe('NEWER_VERSION')
    expect(error.message).toContain(
      `${eventLog}:2: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0`,
    )
    expect(error.message).toMatch(
      /a read that needs every event \(a migration\) cannot go past it\. Upgrade to stagecraft-state 0\.6\.0 or later to read all of this history$/,
    )
    const tables = await adminQuery<{ count: string }>(
      `SELECT count(*)::text AS count FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'events'`,
      [schema],
    )
    const events =
      tables.rows[0]?.count === '0'
        ? 0
        : Number(
            (await adminQuery<{ count: string }>(`SELECT count(*)::text AS count FROM "${schema}".events`)).rows[0]
              ?.count,
          )
    expect(events).toBe(0)
  })
})
