/**
 * A releases.json the Go Stagecraft could have written (test/fixtures/go-wide.json, by hand in its
 * format): an 80-character environment, a 300-character version, an environment with a zero-width
 * space, commits such as commit1. Every read and a rollback work; only new text is held to the
 * limits (issue 12).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixturePath } from '../fixtures/index.js'
import { cli, defaultStore, fails, ok, tempDir } from './support.js'

const LONG_ENVIRONMENT = 'e'.repeat(80)
const LONG_VERSION = 'v'.repeat(300)
const FIRST = 'rel-20250101-120000000' // LONG_VERSION, commit1, every phase completed
const SECOND = 'rel-20250101-130000000' // v2, ghi789, rollout failed: current
const HIDDEN = 'pro\u200bd'

const goWritten = (): string => {
  const directory = tempDir()
  const { stateFile } = defaultStore(directory)
  mkdirSync(dirname(stateFile), { recursive: true })
  copyFileSync(fixturePath('go-wide.json'), stateFile)
  return directory
}

describe('a Go-written releases.json with names and versions over the limits of new text', () => {
  it('show, current, list and rollback-target find its releases, the environment given as held or with blanks', async () => {
    const directory = goWritten()
    expect(await ok(directory, ['show', FIRST])).toContain(`version      ${LONG_VERSION}\n`)
    for (const environment of [LONG_ENVIRONMENT, ` ${LONG_ENVIRONMENT} `]) {
      expect(await ok(directory, ['current', '--env', environment])).toMatch(new RegExp(`^${SECOND}\\n`))
      expect(await ok(directory, ['list', '--env', environment, '--json'])).toContain(`"version": "${LONG_VERSION}"`)
      expect(await ok(directory, ['rollback-target', '--env', environment, '--to-version', LONG_VERSION])).toMatch(
        new RegExp(`^rollback of ${LONG_ENVIRONMENT} would redeploy ${FIRST}: ${LONG_VERSION} \\(commit1\\)`),
      )
    }
    expect(await ok(directory, ['current', '--env', HIDDEN])).toContain('environment  pro\\u200bd\n')
    expect(await ok(directory, ['list', '--env', ` ${HIDDEN}`])).toContain('abc123')
    expect(existsSync(defaultStore(directory).eventLog)).toBe(false) // reads wrote nothing
  })

  it('history --env finds the releases of the 80-character environment once the file is imported', async () => {
    const directory = goWritten()
    await ok(directory, ['import'])
    const out = await ok(directory, ['history', '--env', LONG_ENVIRONMENT, '--json'])
    expect((JSON.parse(out) as Array<{ type: string }>).map((event) => event.type)).toEqual(['SnapshotImported'])
  })

  it('create records the rollback to the 300-character version, warning only that commit1 is no commit SHA', async () => {
    const directory = goWritten()
    const args = ['create', '--env', LONG_ENVIRONMENT, '--version', LONG_VERSION, '--commit', 'commit1']
    const run = await cli(directory, [...args, '--rollback-of', FIRST, '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ environment: LONG_ENVIRONMENT, version: LONG_VERSION })
    expect(run.stderr).toMatch(
      /^stagecraft-state: warning: commit "commit1" does not look like a git commit SHA \(7 to 40 hexadecimal characters, or 64\); recorded as given in rel-\S+\n$/,
    )
    expect(await ok(directory, ['verify'])).toMatch(/^sound: /)
  })

  it('create refuses a new environment or version over the limits, exit 1, as before', async () => {
    const directory = goWritten()
    expect(await fails(directory, ['create', '--env', `${LONG_ENVIRONMENT}e`, '--version', 'v1'], 1)).toMatch(
      /INVALID_INPUT: environment "e+"\.\.\. is 81 characters long; the limit is 64/,
    )
    expect(await fails(directory, ['create', '--env', LONG_ENVIRONMENT, '--version', 'w'.repeat(257)], 1)).toMatch(
      /INVALID_INPUT: version "w+"\.\.\. is 257 characters long; the limit is 256/,
    )
  })
})
