/**
 * Seals on the PostgreSQL store: the same checks as on the file store, a table rewritten by its owner (triggers off,
 * every hash and prev recomputed) caught by its seal, and seals kept across a migration (every line and hash is).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { generateSealKeys } from '../../src/app/seal-keys.js'
import { fileStoreSpec, migrateHistory, postgresStore, type StateManager } from '../../src/index.js'
import { GENESIS_HASH, hashLine } from '../../src/store/log-line.js'
import { deploy, freshManager } from '../support/manager.js'
import { adminQuery, asAdmin, freshSchema, TEST_DATABASE_URL } from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const managers: StateManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()))
})

const pgManager = (schema = freshSchema('seal')) => {
  const fresh = freshManager({ store: postgresStore({ connectionString: TEST_DATABASE_URL, schema }) })
  managers.push(fresh.manager)
  return { ...fresh, schema }
}

/** What an owner of the table can do: edit a row and recompute every hash and prev after it. */
const rewriteTable = async (schema: string, position: number, edit: (line: string) => string): Promise<void> =>
  asAdmin(async (client) => {
    const events = `"${schema}".events`
    const rows = (
      await client.query<{ position: string; line: string }>(`SELECT position, line FROM ${events} ORDER BY position`)
    ).rows
    await client.query(`ALTER TABLE ${events} DISABLE TRIGGER USER`)
    let prev = GENESIS_HASH
    for (const row of rows) {
      const parsed = JSON.parse(Number(row.position) === position ? edit(row.line) : row.line) as Record<
        string,
        unknown
      >
      const line = JSON.stringify({ ...parsed, prev })
      const hash = hashLine(line)
      await client.query(`UPDATE ${events} SET line = $1, prev = $2, hash = $3 WHERE position = $4`, [
        line,
        prev,
        hash,
        row.position,
      ])
      prev = hash
    }
    await client.query(`ALTER TABLE ${events} ENABLE TRIGGER USER`)
  })

describe('seals on PostgreSQL', () => {
  it('given a sealed schema, verify with the trusted key is sound; a row rewritten before the seal is named', async () => {
    const { manager, make, schema } = pgManager()
    const keys = generateSealKeys()
    await deploy(manager, 'prod', 'v1', ['build'])
    const sealed = await manager.seal({ key: keys.privatePem })
    expect(sealed.position).toBe(4)
    const trust = [keys.publicPem]
    const report = await manager.verify({ trust, head: `${sealed.head.position}:${sealed.head.sha256}` })
    expect(report.sound).toBe(true)
    expect(report.seals).toMatchObject({ count: 1, newestValid: { position: 4 }, headMatched: sealed.head })

    await rewriteTable(schema, 2, (line) => line.replace('"actor":"tester"', '"actor":"mallory"'))
    const other = make()
    managers.push(other)
    const after = await other.verify({ trust })
    expect(after.sound).toBe(false)
    expect(after.problems.filter((p) => p.severity === 'error')[0]).toEqual({
      severity: 'error',
      location: expect.stringMatching(new RegExp(` ${schema}\\.events:4$`)),
      message: expect.stringMatching(/^the log was rewritten after this seal: event 3's line has SHA-256/),
    })
  })

  it('given a sealed file store migrated to PostgreSQL, the seals verify there with the same key', async () => {
    const keys = generateSealKeys()
    const file = freshManager()
    await deploy(file.manager, 'prod', 'v1', ['build'])
    await file.manager.seal({ key: keys.privatePem })
    await file.manager.close()
    const schema = freshSchema('seal')
    await migrateHistory(fileStoreSpec(file.stateFile), postgresStore({ connectionString: TEST_DATABASE_URL, schema }))
    const { manager } = pgManager(schema)
    const report = await manager.verify({ trust: [keys.publicPem] })
    expect(report.sound).toBe(true)
    expect(report.seals?.newestValid?.position).toBe(4)
  })
})
