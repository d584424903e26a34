/**
 * Which store the CLI opens: `--state-file`, else `STAGECRAFT_STATE_FILE`, else
 * `.stagecraft/releases.json` in the working directory; relative paths from the working directory.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, defaultStore, fails, ok, storeFiles, tempDir } from './support.js'

const create = ['create', '--env', 'prod', '--version', 'v1', '--quiet']

describe('choosing the state file', () => {
  it('defaults to .stagecraft/releases.json in the working directory, with the event log beside it', async () => {
    const directory = tempDir()
    const id = (await ok(directory, create)).trim()
    const store = defaultStore(directory)
    expect(JSON.parse(store.snapshot())).toMatchObject({ releases: [{ id, environment: 'prod', version: 'v1' }] })
    expect(store.logLines()).toHaveLength(1)
    expect(await ok(directory, ['list'])).toContain(id)
  })

  it('uses STAGECRAFT_STATE_FILE (relative to the working directory) when set', async () => {
    const directory = tempDir()
    const id = (await ok(directory, create, { STAGECRAFT_STATE_FILE: 'env/releases.json' })).trim()
    expect(storeFiles(join(directory, 'env', 'releases.json')).snapshot()).toContain(id)
    expect(defaultStore(directory).exists()).toBe(false)
    expect(await ok(directory, ['show', id], { STAGECRAFT_STATE_FILE: 'env/releases.json' })).toContain('prod')
  })

  it('an empty STAGECRAFT_STATE_FILE means the default', async () => {
    const directory = tempDir()
    await ok(directory, create, { STAGECRAFT_STATE_FILE: '' })
    expect(defaultStore(directory).exists()).toBe(true)
  })

  it('--state-file wins over STAGECRAFT_STATE_FILE, and absolute paths work from anywhere', async () => {
    const directory = tempDir()
    const elsewhere = tempDir()
    const stateFile = join(directory, 'flag', 'releases.json')
    const env = { STAGECRAFT_STATE_FILE: join(directory, 'env.json') }
    const id = (await ok(elsewhere, ['--state-file', stateFile, ...create], env)).trim()
    expect(storeFiles(stateFile).snapshot()).toContain(id)
    expect(existsSync(join(directory, 'env.json'))).toBe(false)
    // The variable names a store never written: a read says so (missing-store.test.ts).
    expect(await fails(directory, ['list', '--json'], 1, env)).toMatch(
      /^stagecraft-state: STORE_NOT_FOUND: .*env\.json/,
    )
    expect(await ok(directory, ['list', '--json', '--state-file', stateFile], env)).toContain(id)
  })

  it('reads of a store that does not exist create no file', async () => {
    const directory = tempDir()
    for (const args of [['list'], ['list', '--json'], ['history'], ['verify'], ['current'], ['import']])
      await ok(directory, args)
    expect((await cli(directory, ['replay', '--at', '2025-01-01T00:00:00Z'])).code).toBe(0) // with a warning: nothing is recorded yet
    expect(existsSync(join(directory, '.stagecraft'))).toBe(false)
  })

  it('a state file under a regular file is an operation failure saying which part is not a directory', async () => {
    const directory = tempDir()
    const blocked = join(directory, 'blocked')
    writeFileSync(blocked, 'a file, not a directory')
    for (const stateFile of [join(blocked, 'releases.json'), join(blocked, 'deeper', 'still', 'releases.json')]) {
      const message = `stagecraft-state: IO_ERROR: ${blocked} is not a directory, so the state file ${stateFile} cannot be kept under it; choose another --state-file (or STAGECRAFT_STATE_FILE)`
      expect(await fails(directory, ['--state-file', stateFile, ...create], 1)).toBe(message)
      expect(await fails(directory, ['list'], 1, { STAGECRAFT_STATE_FILE: stateFile })).toBe(message) // reads too, and from the variable
    }
    expect(await fails(directory, ['--state-file', 'blocked/releases.json', 'list'], 1)).toContain(
      `${blocked} is not a directory`,
    ) // relative
  })
})
