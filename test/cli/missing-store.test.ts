/**
 * A missing store is not an empty one: a read of a store named on purpose (--state-file, STAGECRAFT_STATE_FILE,
 * --store, STAGECRAFT_STATE_URL) that was never written is STORE_NOT_FOUND naming it and the nearest store that exists;
 * the default location with nothing there is a new project, an empty history; writes create the store as before.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStateManager, isStateError } from '../../src/index.js'
import { adminQuery, freshSchema, urlWithSchema } from '../store/postgres-children/database.js'
import { fails, ok, tempDir } from './support.js'

const create = ['create', '--env', 'prod', '--version', 'v1', '--quiet']
const READS = [
  ['list'],
  ['show', 'rel-20250101-120000000'],
  ['current', '--env', 'prod'],
  ['history'],
  ['replay', '--at', '2025-01-01T00:00:00Z'],
  ['verify'],
  ['rollback-target', '--env', 'prod', '--to-previous'],
  ['import'],
]

/** A directory whose default store holds a release. */
const project = async (): Promise<{ directory: string; id: string }> => {
  const directory = tempDir()
  const id = (await ok(directory, create)).trim()
  return { directory, id }
}

describe('a state file named on purpose that was never written', () => {
  it('under a directory that does not exist: every read fails naming it and the store that exists', async () => {
    const { directory } = await project()
    const expected =
      `stagecraft-state: STORE_NOT_FOUND: there is no state file ${join(directory, 'deploy', 'releases.json')}: its ` +
      `directory ${join(directory, 'deploy')} does not exist: nothing was ever recorded there (a write, such as a ` +
      `create, starts a history there); did you mean ${join(directory, '.stagecraft', 'releases.json')}?`
    for (const read of READS) {
      expect(await fails(directory, ['--state-file', 'deploy/releases.json', ...read], 1)).toBe(expected)
      expect(await fails(directory, read, 1, { STAGECRAFT_STATE_FILE: 'deploy/releases.json' })).toBe(expected)
    }
    expect(existsSync(join(directory, 'deploy'))).toBe(false)
  })

  it('mistyped beside the real one: the failure names the real one, with --json too', async () => {
    const { directory } = await project()
    const message = await fails(directory, ['list', '--json', '--state-file', '.stagecraft/relases.json'], 1)
    expect(message).toMatch(/STORE_NOT_FOUND: there is no state file \S+relases\.json and no event log beside it/)
    expect(message).toContain(`did you mean ${join(directory, '.stagecraft', 'releases.json')}?`)
  })

  it('a state file renamed with its log is found by its log', async () => {
    const { directory } = await project()
    const from = join(directory, '.stagecraft')
    renameSync(join(from, 'releases.json'), join(from, 'prod.json'))
    renameSync(join(from, 'releases.events.ndjson'), join(from, 'prod.events.ndjson'))
    expect(await fails(directory, ['--state-file', '.stagecraft/staging.json', 'list'], 1)).toContain(
      `did you mean ${join(from, 'prod.json')}?`,
    )
  })

  it('nothing near: the failure names the path alone', async () => {
    const directory = tempDir()
    expect(await fails(directory, ['--state-file', 'releases.json', 'history'], 1)).toBe(
      `stagecraft-state: STORE_NOT_FOUND: there is no state file ${join(directory, 'releases.json')} and no event ` +
        'log beside it: nothing was ever recorded there (a write, such as a create, starts a history there)',
    )
  })

  it('a write creates it, as before, whether its directory exists or not; reads then find it', async () => {
    const directory = tempDir()
    mkdirSync(join(directory, 'state'))
    for (const stateFile of ['state/releases.json', 'new/deeper/releases.json']) {
      const id = (await ok(directory, ['--state-file', stateFile, ...create])).trim()
      expect(await ok(directory, ['--state-file', stateFile, 'list'])).toContain(id)
    }
  })

  it('the default location with nothing there is a new project: an empty history', async () => {
    const directory = tempDir()
    expect(await ok(directory, ['list'])).toMatch(/^no releases recorded/)
    expect(await ok(directory, ['list', '--json'])).toBe('[]\n')
  })
})

describe('a PostgreSQL schema that does not exist', () => {
  it('is STORE_NOT_FOUND for reads, naming the schema with a store of the closest name', async () => {
    await adminQuery('SELECT 1')
    const schema = freshSchema('near')
    const url = urlWithSchema(schema)
    await ok(tempDir(), ['--store', url, ...create])
    const typo = `${schema.slice(0, -1)}${schema.endsWith('x') ? 'y' : 'x'}`
    const message = await fails(tempDir(), ['--store', urlWithSchema(typo), 'list'], 1)
    expect(message).toMatch(new RegExp(`STORE_NOT_FOUND: postgres://\\S+: the schema ${typo} has no release history`))
    expect(message).toContain(`did you mean ?schema=${schema}?`)
    expect(await fails(tempDir(), ['verify'], 1, { STAGECRAFT_STATE_URL: urlWithSchema(typo) })).toContain(
      `the schema ${typo} has no release history (no schema_migrations table)`,
    )
  })
})

describe("the API's missingStore option", () => {
  it("'error' refuses a read of a store never written; the default reads it as empty; a write creates it", async () => {
    const directory = tempDir()
    const stateFile = join(directory, 'nowhere', 'releases.json')
    const strict = createStateManager({ stateFile, missingStore: 'error' })
    const error: unknown = await strict.listAllReleases().catch((caught: unknown) => caught)
    expect(isStateError(error, 'STORE_NOT_FOUND')).toBe(true)
    expect(await createStateManager({ stateFile }).listAllReleases()).toEqual([])
    await strict.createRelease('prod', 'v1')
    expect(await strict.listAllReleases()).toHaveLength(1)
    await strict.close()
  })

  it('is refused when it is neither', () => {
    expect(() => createStateManager({ missingStore: 'yes' as never })).toThrow(
      "the missingStore option must be 'empty' or 'error', got string \"yes\"",
    )
  })
})
