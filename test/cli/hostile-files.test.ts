/**
 * Hostile state files through the CLI (issue 10, points 3 and 8): refused before anything is
 * recorded, with an error a person can act on, never an internal error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
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
