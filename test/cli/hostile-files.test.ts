/**
 * Hostile state files through the CLI (issue 10, points 3 and 8): refused before anything is
 * recorded, with an error a person can act on, never an internal error.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, defaultStore, fails, ok, tempDir } from './support.js'

const create = ['create', '--env', 'prod', '--version', 'v1', '--quiet']

/** A directory whose .stagecraft/releases.json is `text`. */
const withStateFile = (text: string): { directory: string; stateFile: string } => {
  const directory = tempDir()
  mkdirSync(join(directory, '.stagecraft'))
  const stateFile = join(directory, '.stagecraft', 'releases.json')
  writeFileSync(stateFile, text)
  return { directory, stateFile }
}

describe('a releases.json with a value nested 3,000 deep', () => {
  const text = `{\n  "releases": [],\n  "deep": ${'['.repeat(3000)}0${']'.repeat(3000)}\n}`

  it('is refused by create before anything is recorded, and list and verify name the same problem', async () => {
    const { directory, stateFile } = withStateFile(text)
    const problem = `${stateFile}:3: arrays and objects nest more than 64 deep here`
    expect(await fails(directory, create, 1)).toContain(`stagecraft-state: CORRUPT_STATE: ${problem}`)
    expect(existsSync(defaultStore(directory).eventLog)).toBe(false)
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
    expect(await fails(directory, ['list'], 1)).toContain(problem)
    const verify = await cli(directory, ['verify'])
    expect(verify.code).toBe(1)
    expect(verify.stdout).toContain(`${stateFile}:3: error: arrays and objects nest more than 64 deep here`)
    expect(`${verify.stdout}${verify.stderr}`).not.toContain('internal error')
    // Still refused on the next try: nothing half-done was left to change the answer.
    expect(await fails(directory, create, 1)).toContain(problem)
  })

  it('once the value is flattened, the store is written as usual', async () => {
    const { directory, stateFile } = withStateFile(text)
    await fails(directory, create, 1)
    writeFileSync(stateFile, text.replace(/\[+0\]+/, '[[0]]'))
    const id = (await ok(directory, create)).trim()
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ releases: [{ id }], deep: [[0]] })
    expect(await ok(directory, ['verify'])).toContain('sound')
  })
})

describe('a state file that is not a releases file', () => {
  const config = '{\n  "name": "shop",\n  "replicas": 12345678901234567890,\n  "ratio": 1.50\n}\n'

  it('--state-file config.json is refused untouched by writes and reads: no releases array, nothing recorded beside it', async () => {
    const directory = tempDir()
    const stateFile = join(directory, 'config.json')
    writeFileSync(stateFile, config)
    const refusal = `stagecraft-state: CORRUPT_STATE: ${stateFile} is not a releases file: it has no "releases" array (its top-level fields are "name", "replicas", "ratio")`
    expect(await fails(directory, ['--state-file', 'config.json', ...create], 1)).toContain(refusal)
    expect(await fails(directory, ['--state-file', 'config.json', 'import'], 1)).toContain(refusal)
    expect(await fails(directory, ['--state-file', 'config.json', 'list'], 1)).toContain(refusal)
    expect(readFileSync(stateFile, 'utf8')).toBe(config)
    expect(existsSync(join(directory, 'config.events.ndjson'))).toBe(false)
  })

  it.each([
    ['an array', '[1, 2]\n'],
    ['a string', '"releases"\n'],
  ])('a top level that is %s is refused untouched', async (_, text) => {
    const directory = tempDir()
    const stateFile = join(directory, 'state.json')
    writeFileSync(stateFile, text)
    expect(await fails(directory, ['--state-file', 'state.json', ...create], 1)).toContain(
      `CORRUPT_STATE: ${stateFile}: the top level is`,
    )
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
    expect(existsSync(join(directory, 'state.events.ndjson'))).toBe(false)
  })

  it('an absent file, an empty object and "releases": null start a new store', async () => {
    for (const text of [undefined, '{}', '{"releases": null}']) {
      const directory = tempDir()
      const stateFile = join(directory, 'releases.json')
      if (text !== undefined) writeFileSync(stateFile, text)
      const id = (await ok(directory, ['--state-file', 'releases.json', ...create])).trim()
      expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ releases: [{ id }] })
    }
  })
})

describe('a symlinked releases.json', () => {
  it('is refused with IO_ERROR naming the link and its target; the file it points at is untouched', async () => {
    const directory = tempDir()
    const target = join(tempDir(), 'releases.json')
    const text = '{\n  "releases": []\n}'
    writeFileSync(target, text)
    mkdirSync(join(directory, '.stagecraft'))
    const link = join(directory, '.stagecraft', 'releases.json')
    symlinkSync(target, link)
    const message = await fails(directory, create, 1)
    expect(message).toContain(
      `stagecraft-state: IO_ERROR: ${link} (the state file) is a symbolic link to ${target}; stagecraft-state does not write through links, which would rewrite the file it points at`,
    )
    expect(await fails(directory, ['verify'], 1)).toContain(`${link} (the state file) is a symbolic link`)
    expect(readFileSync(target, 'utf8')).toBe(text)
    expect(existsSync(defaultStore(directory).eventLog)).toBe(false)
  })

  it('a symlinked .stagecraft directory (a CI cache) is used as it is', async () => {
    const directory = tempDir()
    const cache = tempDir()
    symlinkSync(cache, join(directory, '.stagecraft'))
    const id = (await ok(directory, create)).trim()
    expect(await ok(directory, ['list'])).toContain(id)
    expect(JSON.parse(readFileSync(join(cache, 'releases.json'), 'utf8'))).toMatchObject({ releases: [{ id }] })
  })
})
