/**
 * The CLI on the PostgreSQL store: chosen with `--store URL` or `STAGECRAFT_STATE_URL`, every
 * command unchanged; `migrate` moving history between a file store and PostgreSQL both ways.
 * Real processes of the built CLI against the real server.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, freshSchema, urlWithSchema } from '../store/postgres-children/database.js'
import { cli, fails, ok, tempDir } from './support.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const urlOf = (schema: string): string => urlWithSchema(schema)
const create = (env: string, version: string) => ['create', '--env', env, '--version', version, '--quiet']

describe('choosing the PostgreSQL store', () => {
  it('with --store URL: every command works on the database, and no file is written', async () => {
    const directory = tempDir()
    const store = ['--store', urlOf(freshSchema('cli'))]
    const id = (await ok(directory, [...store, ...create('prod', 'v1')])).trim()
    await ok(directory, [...store, 'phase', id, 'build', 'running'])
    await ok(directory, [...store, 'phase', id, 'build', 'completed'])
    expect(JSON.parse(await ok(directory, [...store, 'show', id, '--json']))).toMatchObject({
      id,
      environment: 'prod',
      phases: { build: 'completed' },
    })
    expect(await ok(directory, [...store, 'history'])).toMatch(/build.*completed/s)
    expect(await ok(directory, [...store, 'verify'])).toMatch(
      /^sound: 3 events, 1 release in PostgreSQL store postgres:\/\/.*, schema sc_cli_/m,
    )
    expect(readdirSync(directory)).toEqual([])
  })

  it('with STAGECRAFT_STATE_URL: the same store from another directory; --store wins over it', async () => {
    const schema = freshSchema('cli')
    const env = { STAGECRAFT_STATE_URL: urlOf(schema) }
    const id = (await ok(tempDir(), create('prod', 'v1'), env)).trim()
    expect(await ok(tempDir(), ['list', '--json'], env)).toContain(id)
    expect(await fails(tempDir(), ['list', '--json', '--store', urlOf(freshSchema('other'))], 1, env)).toMatch(
      /STORE_NOT_FOUND: .*the schema sc_other_\S+ has no release history \(no schema_migrations table\)/,
    )
  })

  it('keeps a local releases.json when --state-file is given with it', async () => {
    const directory = tempDir()
    const id = (
      await ok(directory, [
        '--store',
        urlOf(freshSchema('cli')),
        '--state-file',
        'local/releases.json',
        ...create('prod', 'v1'),
      ])
    ).trim()
    expect(JSON.parse(readFileSync(join(directory, 'local', 'releases.json'), 'utf8'))).toMatchObject({
      releases: [{ id, version: 'v1' }],
    })
  })

  it('refuses a --store that is not a postgres:// URL, or a bad schema name, as usage errors', async () => {
    const directory = tempDir()
    expect(await fails(directory, ['--store', 'mysql://u:secret@db/x', 'list'], 2)).toMatch(
      /--store must be a postgres:\/\/ URL, not a mysql: one/,
    )
    expect(await fails(directory, ['list'], 2, { STAGECRAFT_STATE_URL: 'releases.json' })).toMatch(
      /STAGECRAFT_STATE_URL must be a postgres:\/\/ URL;/,
    )
    expect(await fails(directory, ['--store', urlWithSchema('Bad-Name'), 'list'], 2)).toMatch(
      /schema name "Bad-Name" is not usable/,
    )
    const run = await cli(directory, ['--store', 'mysql://u:secret@db/x', 'list'])
    expect(run.stderr).not.toContain('secret')
  })

  it('reports an unreachable database with its code, exit 1, and no password', async () => {
    const message = await fails(tempDir(), ['--store', 'postgres://deploy:s3cr3t@127.0.0.1:1/test', 'list'], 1)
    expect(message).toMatch(
      /^stagecraft-state: DB_UNREACHABLE: postgres:\/\/deploy@127\.0\.0\.1:1\/test \(schema stagecraft_state\)/,
    )
    expect(message).not.toContain('s3cr3t')
  })
})

describe('stagecraft-state migrate', () => {
  it('moves a file store into PostgreSQL and back: identical events and hashes, verify sound on every side', async () => {
    const directory = tempDir()
    const first = (await ok(directory, create('prod', 'v1'))).trim()
    await ok(directory, ['phase', first, 'build', 'completed'])
    await ok(directory, create('staging', 'v1-é中🚀'))
    await ok(directory, create('prod', 'v2'))
    const url = urlOf(freshSchema('cli'))

    const there = JSON.parse(
      await ok(directory, ['migrate', '--from', '.stagecraft/releases.json', '--to', url, '--json']),
    )
    expect(there).toMatchObject({
      events: 4,
      copied: 4,
      source: { sound: true },
      target: { sound: true, problems: [] },
    })
    expect(await ok(directory, ['verify', '--store', url])).toMatch(/^sound: 4 events, 3 releases/m)

    const back = await ok(directory, ['migrate', '--from', url, '--to', 'back/releases.json'])
    expect(back).toMatch(
      /^moved 4 events from PostgreSQL store .* to file store .*back\/releases\.json\nlast hash [0-9a-f]{64}, the same on both sides\nverify: source sound \(4 events, 3 releases\), target sound \(4 events, 3 releases\)\n$/,
    )
    expect(back).toContain(there.hash)
    expect(readFileSync(join(directory, 'back', 'releases.events.ndjson'), 'utf8')).toBe(
      readFileSync(join(directory, '.stagecraft', 'releases.events.ndjson'), 'utf8'),
    )
    expect(readFileSync(join(directory, 'back', 'releases.json'), 'utf8')).toBe(
      readFileSync(join(directory, '.stagecraft', 'releases.json'), 'utf8'),
    )
    expect(await ok(directory, ['verify', '--state-file', 'back/releases.json'])).toMatch(
      /^sound: 4 events, 3 releases/m,
    )
  })

  it('says when there was nothing left to copy, and refuses to merge two histories (exit 1, nothing written)', async () => {
    const directory = tempDir()
    await ok(directory, create('prod', 'v1'))
    const url = urlOf(freshSchema('cli'))
    await ok(directory, ['migrate', '--from', '.stagecraft/releases.json', '--to', url])
    expect(await ok(directory, ['migrate', '--from', '.stagecraft/releases.json', '--to', url])).toMatch(
      /^moved 1 event from .* \(all were there already\)$/m,
    )
    const elsewhere = tempDir()
    await ok(elsewhere, create('qa', 'other'))
    expect(await fails(elsewhere, ['migrate', '--from', '.stagecraft/releases.json', '--to', url], 1)).toMatch(
      /^stagecraft-state: INVALID_INPUT: .*already holds 1 events that are not the start/,
    )
    expect(existsSync(join(elsewhere, '.stagecraft', 'releases.json'))).toBe(true)
  })

  it('needs --from and --to', async () => {
    expect(await fails(tempDir(), ['migrate', '--from', 'a.json'], 2)).toMatch(/missing --to STORE/)
  })
})
