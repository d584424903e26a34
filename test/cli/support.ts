/**
 * Helpers for the CLI suites: run `node dist/cli/main.js` as a real child process in a temporary
 * directory, prepare stores through the public API (with a clock of the test's choosing), and
 * read the store's files.
 *
 * The CLI itself has no test-only switches: a store whose events are hours old is written through
 * the API's `now` option, then inspected through the CLI with the real clock.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  createStateManager,
  PHASES,
  type Release,
  type ReleasePhase,
  type StateManager,
  type StoreSpec,
} from '../../src/index.js'
import { acquireLock } from '../../src/store/file-lock.js'
import { fileStore } from '../../src/store/file-store.js'
import { storePaths } from '../../src/store/paths.js'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** The compiled CLI (npm test builds first). */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js')

/** What a run printed and how it ended. */
export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** The parent's environment without anything that would steer the CLI, plus a fixed actor. */
export const cleanEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('STAGECRAFT_') && key !== 'NO_COLOR' && key !== 'FORCE_COLOR' && !key.startsWith('npm_'))
      env[key] = value
  }
  return { ...env, STAGECRAFT_ACTOR: 'tester', ...extra }
}

/** Runs a command line (the executable, then its arguments) and collects its output. */
export const runProcess = (
  command: string,
  args: ReadonlyArray<string>,
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })

/** Runs `stagecraft-state ARGS` in `cwd`. */
export const cli = (
  cwd: string,
  args: ReadonlyArray<string>,
  env: Record<string, string | undefined> = {},
): Promise<Run> => runProcess(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env) })

/** Runs the CLI and expects exit 0 and nothing on stderr; returns stdout. */
export const ok = async (
  cwd: string,
  args: ReadonlyArray<string>,
  env: Record<string, string | undefined> = {},
): Promise<string> => {
  const run = await cli(cwd, args, env)
  expect({ code: run.code, stderr: run.stderr }, `stagecraft-state ${args.join(' ')}\n${run.stdout}`).toEqual({
    code: 0,
    stderr: '',
  })
  return run.stdout
}

/** Runs the CLI and expects the exit code and one line on stderr (a usage or operation error). */
export const fails = async (
  cwd: string,
  args: ReadonlyArray<string>,
  code: 1 | 2,
  env: Record<string, string | undefined> = {},
): Promise<string> => {
  const run = await cli(cwd, args, env)
  expect(run.code, `stagecraft-state ${args.join(' ')}\n${run.stdout}${run.stderr}`).toBe(code)
  expect(run.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1)
  return run.stderr.trim()
}

const directories: string[] = []
afterAll(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
})

/** A fresh temporary directory, removed after the suite. */
export const tempDir = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'stagecraft-cli-test-'))
  directories.push(directory)
  return directory
}

/** The files of the store at the default path under `directory`. */
export const defaultStore = (directory: string) => storeFiles(join(directory, '.stagecraft', 'releases.json'))

/** The files of the store whose state file is `stateFile`. */
export const storeFiles = (stateFile: string) => ({
  stateFile,
  eventLog: stateFile.replace(/\.json$/, '.events.ndjson'),
  exists: () => existsSync(stateFile),
  snapshot: () => readFileSync(stateFile, 'utf8'),
  logLines: () =>
    readFileSync(stateFile.replace(/\.json$/, '.events.ndjson'), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
})

/** A clock that starts at `start` and moves `stepMs` on every reading. */
export const steppingClock = (start: Date, stepMs = 1000): (() => Date) => {
  let next = start.getTime()
  return () => {
    const now = new Date(next)
    next += stepMs
    return now
  }
}

/** Prepares a store through the public API, with the given clock and actor. */
export const seed = async <A>(
  stateFile: string,
  script: (manager: StateManager) => Promise<A>,
  now?: () => Date,
  actor = 'seeder',
): Promise<A> => {
  const manager = createStateManager({ stateFile, now, actor, onWarning: () => undefined })
  try {
    return await script(manager)
  } finally {
    await manager.close()
  }
}

/** Moves every given phase to completed (through running, as an orchestrator does). */
export const completePhases = async (
  manager: StateManager,
  release: Release,
  phases: ReadonlyArray<ReleasePhase> = PHASES,
): Promise<void> => {
  for (const phase of phases) {
    await manager.updatePhase(release.id, phase, 'running')
    await manager.updatePhase(release.id, phase, 'completed')
  }
}

/** Splits table output into rows of cells (columns are separated by two or more blanks). */
export const tableRows = (stdout: string): string[][] =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s{2,}/))

/** Whether text holds ANSI colour codes. */
export const hasColour = (text: string): boolean => text.includes('\u001b[')

/** A clock the test sets before each operation. */
export const manualClock = (start: Date) => {
  let current = start
  return {
    now: (): Date => current,
    set: (time: Date): void => {
      current = time
    },
  }
}

/** The instant `ms` milliseconds before now. */
export const ago = (ms: number): Date => new Date(Date.now() - ms)

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/**
 * Runs the CLI while this process holds the store's write lock, and once the CLI waits for it,
 * lets another writer in first: `rival` runs on a manager whose store takes a lock of its own
 * (so it writes while the CLI still waits for the real one). Whatever the CLI read before its
 * write is then out of date. The CLI's read is awaited by time (`settleMs`); should it be late,
 * the CLI simply reads after the rival, which a test that checks the CLI against the log still passes.
 */
export const cliOvertaken = async (
  directory: string,
  args: ReadonlyArray<string>,
  rival: (manager: StateManager) => Promise<unknown>,
  settleMs = 2000,
): Promise<Run> => {
  const paths = storePaths(defaultStore(directory).stateFile)
  const ownLock: StoreSpec = {
    open: (context) => E.right(fileStore({ ...paths, lock: `${paths.lock}.rival` }, context)),
  }
  const manager = createStateManager({
    stateFile: paths.stateFile,
    store: ownLock,
    actor: 'rival',
    onWarning: () => undefined,
  })
  const lock = await acquireLock(paths.lock, { timeoutMs: 1000 })()
  if (E.isLeft(lock)) throw lock.left
  let released = false
  const release = async (): Promise<void> => {
    if (!released) await lock.right.release()
    released = true
  }
  try {
    const run = cli(directory, args)
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    await rival(manager)
    await release()
    return await run
  } finally {
    await release()
    await manager.close()
  }
}

/** The events of the log whose actor is `actor`, as recorded. */
export const loggedBy = (directory: string, actor: string): Array<{ type: string; data: Record<string, unknown> }> =>
  defaultStore(directory)
    .logLines()
    .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown>; meta: { actor: string } })
    .filter((event) => event.meta.actor === actor)

/** Whether util-linux's `script` is here, to run the CLI on a pseudo-terminal. */
export const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
