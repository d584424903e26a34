/**
 * The `events_json` view holds up whatever a stored value holds. A file imported from the Go
 * Stagecraft may hold a lone surrogate or NUL, which the event line keeps as a `\ud800` or
 * `\u0000` escape and jsonb refuses: one such line made every query of the view fail. Against
 * the real server: a history with such values moved into PostgreSQL, then queried in SQL.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStateManager, fileStoreSpec, migrateHistory, postgresStore } from '../../src/index.js'
import { tempDir } from '../support/temp.js'
import { adminQuery, freshSchema, TEST_DATABASE_URL } from './postgres-children/database.js'

const phases = {
  build: 'completed',
  push: 'completed',
  migrate_pre: 'completed',
  rollout: 'completed',
  migrate_post: 'completed',
  finalize: 'completed',
}

/** A file store whose history starts with the import of a Go-written file holding `releases`. */
const importedHistory = async (
  releases: ReadonlyArray<{ id: string; environment: string; version: string }>,
): Promise<string> => {
  const directory = tempDir()
  mkdirSync(join(directory, '.stagecraft'))
  const stateFile = join(directory, '.stagecraft', 'releases.json')
  const records = releases.map((release) => ({
    ...release,
    commit_sha: 'abc1234',
    timestamp: '2025-01-01T00:00:00Z',
    phases,
  }))
  writeFileSync(stateFile, JSON.stringify({ releases: records }, null, 2))
  const manager = createStateManager({ stateFile, actor: 'importer', onWarning: () => undefined })
  await manager.importSnapshot()
  await manager.close()
  return stateFile
}

describe('the events_json view, given values jsonb cannot hold', () => {
  it('shows a lone surrogate or NUL as U+FFFD, leaves everything else (a literal backslash-u text too) as it is, and the line exact', async () => {
    const stateFile = await importedHistory([
      { id: 'rel-1', environment: 'prod\ud800', version: 'v1\u0000' },
      { id: 'rel-2', environment: 'staging', version: 'v\\ud800 \u{1f680} \udc00x' },
    ])
    const schema = freshSchema('json')
    await migrateHistory(fileStoreSpec(stateFile), postgresStore({ connectionString: TEST_DATABASE_URL, schema }), {
      onWarning: () => undefined,
    })

    const { rows } = await adminQuery<{ data: { releases: Array<{ environment: string; version: string }> } }>(
      `SELECT data FROM "${schema}".events_json WHERE type = 'SnapshotImported'`,
    )
    expect(rows[0]?.data.releases.map(({ environment, version }) => ({ environment, version }))).toEqual([
      { environment: 'prod\ufffd', version: 'v1\ufffd' },
      { environment: 'staging', version: 'v\\ud800 \u{1f680} \ufffdx' },
    ])
    const line = (await adminQuery<{ line: string }>(`SELECT line FROM "${schema}".events WHERE position = 1`)).rows[0]
      ?.line
    expect(line).toContain('"prod\\ud800"')
    expect(line).toContain('"v1\\u0000"')
  })

  it('is read by the store as it was: the releases keep their exact values', async () => {
    const stateFile = await importedHistory([{ id: 'rel-1', environment: 'prod\ud800', version: 'v1' }])
    const schema = freshSchema('json')
    const store = postgresStore({ connectionString: TEST_DATABASE_URL, schema })
    await migrateHistory(fileStoreSpec(stateFile), store, { onWarning: () => undefined })
    const manager = createStateManager({ store, onWarning: () => undefined })
    try {
      expect((await manager.getRelease('rel-1')).environment).toBe('prod\ud800')
      expect(await manager.verify()).toMatchObject({ sound: true })
    } finally {
      await manager.close()
    }
  })
})
