/**
 * How the CLI talks: colour only on a terminal and never with NO_COLOR, errors and warnings as one
 * line on stderr, stack traces only with STAGECRAFT_DEBUG, a lock timeout as exit 1, and a reader
 * that stops reading early is not an error.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { acquireLock } from '../../src/store/file-lock.js'
import { CLI, cleanEnv, cli, defaultStore, fails, hasColour, ok, runProcess, tempDir, hasScript } from './support.js'

let directory = ''
let id = ''

beforeAll(async () => {
  directory = tempDir()
  id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', 'abcdef12', '-q'])).trim()
  await ok(directory, ['phase', id, 'build', 'failed'])
})

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as an operator at a terminal would. */
const onTerminal = (args: string, env: Record<string, string> = {}) =>
  runProcess('script', ['-qec', `"${process.execPath}" "${CLI}" ${args}`, '/dev/null'], {
    cwd: directory,
    env: cleanEnv({ TERM: 'xterm', ...env }),
  })

describe('colour', () => {
  it('none on a pipe', async () => {
    for (const args of [['list'], ['show', id], ['history'], ['verify'], ['--help']])
      expect(hasColour(await ok(directory, args))).toBe(false)
  })

  it.runIf(hasScript)('on a terminal: statuses coloured, columns still aligned', async () => {
    const run = await onTerminal('list')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('\u001b[31mfailed\u001b[39m')
    const plain = run.stdout.replace(/\u001b\[\d+m/g, '').replace(/\r/g, '')
    const lines = plain.trimEnd().split('\n')
    expect(lines[1]?.indexOf('failed')).toBe(lines[0]?.indexOf('STATUS'))
  })

  it.runIf(hasScript)('never with NO_COLOR, even on a terminal', async () => {
    const run = await onTerminal('list', { NO_COLOR: '1' })
    expect(run.code).toBe(0)
    expect(hasColour(run.stdout)).toBe(false)
  })

  it('an empty NO_COLOR is as if it were not set (no-color.org: present and not empty)', async () => {
    expect(hasColour(await ok(directory, ['list'], { FORCE_COLOR: '1', NO_COLOR: '' }))).toBe(true)
    expect(hasColour(await ok(directory, ['list'], { FORCE_COLOR: '1', NO_COLOR: '0' }))).toBe(false) // any value but the empty one
  })

  it.runIf(hasScript)('help on a terminal wraps to its width', async () => {
    const run = await runProcess(
      'script',
      ['-qec', `stty cols 60; "${process.execPath}" "${CLI}" --help`, '/dev/null'],
      { cwd: directory, env: cleanEnv({ TERM: 'xterm' }) },
    )
    const lines = run.stdout
      .replace(/\u001b\[\d+m/g, '')
      .replace(/\r/g, '')
      .trimEnd()
      .split('\n')
    expect(lines.some((line) => line.length > 50)).toBe(true)
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60)
  })

  it.runIf(hasScript)('replay on a terminal ends with a newline; on a pipe it does not', async () => {
    const run = await onTerminal('replay --at 1s')
    expect(run.stdout.replace(/\r/g, '').endsWith('}\n')).toBe(true)
    expect((await ok(directory, ['replay', '--at', '0s'])).endsWith('}')).toBe(true)
  })

  it('FORCE_COLOR asks for it on a pipe; NO_COLOR still wins; --json never has any', async () => {
    expect(hasColour(await ok(directory, ['list'], { FORCE_COLOR: '1' }))).toBe(true)
    expect(hasColour(await ok(directory, ['list'], { FORCE_COLOR: '1', NO_COLOR: '1' }))).toBe(false)
    for (const off of ['0', 'false', ''])
      expect(hasColour(await ok(directory, ['list'], { FORCE_COLOR: off }))).toBe(false)
    expect(hasColour(await ok(directory, ['list', '--json'], { FORCE_COLOR: '1' }))).toBe(false)
  })
})

describe('errors and warnings', () => {
  it('an error is one line, without a stack trace', async () => {
    const run = await cli(directory, ['show', 'rel-20990101-000000000'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `stagecraft-state: RELEASE_NOT_FOUND: release rel-20990101-000000000 not found (file store ${defaultStore(directory).stateFile})\n`,
    )
  })

  it('STAGECRAFT_DEBUG adds the stack trace', async () => {
    const run = await cli(directory, ['show', 'rel-20990101-000000000'], { STAGECRAFT_DEBUG: '1' })
    expect(run.code).toBe(1)
    const [first, ...rest] = run.stderr.trimEnd().split('\n')
    expect(first).toMatch(/^stagecraft-state: RELEASE_NOT_FOUND: /)
    expect(rest.join('\n')).toMatch(/StateError: release rel-20990101-000000000 not found\n\s+at /)
  })

  it('a corrupt store is exit 1, naming the file and line', async () => {
    const other = tempDir()
    await ok(other, ['create', '--env', 'prod', '--version', 'v1'])
    const store = defaultStore(other)
    appendFileSync(store.eventLog, 'not an event\n')
    expect(await fails(other, ['list'], 1)).toMatch(
      new RegExp(`^stagecraft-state: CORRUPT_STATE: ${store.eventLog}:2: not valid JSON`),
    )
  })

  it('a corrupt releases.json is exit 1, one line naming the file and the line', async () => {
    const other = tempDir()
    mkdirSync(join(other, '.stagecraft'))
    const store = defaultStore(other)
    writeFileSync(store.stateFile, '{\n  "releases": [\n    { "id": "rel-20250101-120000000",\n      oops\n  ]\n}\n')
    for (const args of [['list'], ['show', 'rel-20250101-120000000'], ['create', '--env', 'prod', '--version', 'v2']]) {
      const run = await cli(other, args)
      expect(run.code, args.join(' ')).toBe(1)
      expect(run.stdout).toBe('')
      // The line of the damage (4), perhaps with its column; the wording after it is the decoder's.
      expect(run.stderr).toMatch(
        new RegExp(`^stagecraft-state: CORRUPT_STATE: ${store.stateFile}:4(:\\d+)?: [^\n]+\n$`),
      )
    }
    expect(existsSync(store.eventLog)).toBe(false) // the write refused before starting a history
  })

  it("another writer's lock held past --lock-timeout is LOCK_TIMEOUT, exit 1", async () => {
    const other = tempDir()
    await ok(other, ['create', '--env', 'prod', '--version', 'v1'])
    const store = defaultStore(other)
    const lock = await acquireLock(`${store.eventLog}.lock`, { timeoutMs: 1000 })()
    if (E.isLeft(lock)) throw lock.left
    try {
      const message = await fails(other, ['create', '--env', 'prod', '--version', 'v2', '--lock-timeout', '300ms'], 1)
      expect(message).toMatch(
        new RegExp(
          `^stagecraft-state: LOCK_TIMEOUT: .*releases\\.events\\.ndjson\\.lock: gave up after 300 ms .* held by process ${process.pid}`,
        ),
      )
      expect(await ok(other, ['list', '--lock-timeout', '300ms'])).toContain('v1') // reads take no lock
    } finally {
      await lock.right.release()
    }
  })

  it("the manager's warnings go to stderr as one line each, and the command still succeeds", async () => {
    const other = tempDir()
    await ok(other, ['create', '--env', 'prod', '--version', 'v1'])
    appendFileSync(defaultStore(other).eventLog, '{"v":1,"id":"01J')
    const run = await cli(other, ['create', '--env', 'prod', '--version', 'v2'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^created rel-/)
    expect(run.stderr).toMatch(
      /^stagecraft-state: warning: .*releases\.events\.ndjson:2: an incomplete last line of 16 bytes .* was moved to \S+\n$/,
    )
  })

  it('a reader that stops early (| head) is not an error, even with far more output than a pipe holds', async () => {
    const big = tempDir()
    const store = defaultStore(big)
    mkdirSync(join(big, '.stagecraft'))
    const phases = {
      build: 'completed',
      push: 'completed',
      migrate_pre: 'completed',
      rollout: 'completed',
      migrate_post: 'completed',
      finalize: 'completed',
    }
    const releases = Array.from({ length: 3000 }, (_, i) => ({
      id: `rel-${String(i).padStart(6, '0')}`,
      environment: 'prod',
      version: `v${i}`,
      commit_sha: '',
      timestamp: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
      phases,
    }))
    writeFileSync(store.stateFile, JSON.stringify({ releases }, null, 2))
    const run = await runProcess(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" list | head -1; echo "status=\${PIPESTATUS[0]}"`],
      { cwd: big, env: cleanEnv() },
    )
    expect(run.stdout).toMatch(/^ID +ENVIRONMENT .*\nstatus=0\n$/)
    expect(run.stderr).toBe('')
  })
})
