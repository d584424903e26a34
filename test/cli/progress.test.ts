/**
 * Progress on long work: `verify` and `migrate` (and a cold open that replays for more than a second) draw a line on
 * stderr with the count and the rate, redrawn in place, on a terminal only (util-linux `script` gives the CLI one), and
 * never with --quiet / -q. The store tells how far it has got through the `onProgress` option; the CLI renders it.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createStateManager } from '../../src/index.js'
import type { Progress } from '../../src/internals.js'
import { progressLine } from '../../src/cli/progress.js'
import { snapshotText, writeDeployLog } from '../bench/generate.mjs'
import { CLI, cleanEnv, cli, runProcess, seed, tempDir, hasScript } from './support.js'

/**
 * Runs the CLI on a pseudo-terminal; what it wrote to stdout and stderr arrives mixed, as a terminal shows it. The line
 * shows at the first report (STAGECRAFT_PROGRESS_AFTER=0), so that it is there however fast the machine runs.
 */
const onTerminal = (directory: string, args: string) =>
  runProcess('script', ['-qec', `"${process.execPath}" "${CLI}" ${args}`, '/dev/null'], {
    cwd: directory,
    env: cleanEnv({ TERM: 'xterm', STAGECRAFT_PROGRESS_AFTER: '0' }),
  })

const PROGRESS = /\r\u001b\[K(verify|migrate|replay): [\d,]+ events(, [\d,]+\/s)?/g

/** A store of `deploys` full deploys (13 events each) written directly, then one write to give it its snapshot. */
const bigStore = async (deploys: number): Promise<string> => {
  const directory = tempDir()
  const stateFile = join(directory, '.stagecraft', 'releases.json')
  mkdirSync(join(directory, '.stagecraft'))
  await writeDeployLog(join(directory, '.stagecraft', 'releases.events.ndjson'), deploys)
  await seed(stateFile, (manager) => manager.createRelease('prod', 'v-last'))
  return directory
}

describe.runIf(hasScript)('through the CLI', () => {
  let big = ''
  let medium = ''
  beforeAll(async () => {
    big = await bigStore(6000)
    medium = await bigStore(800)
  }, 60_000)

  it('verify on a terminal: a line with count and rate, redrawn in place, erased before the verdict', async () => {
    const run = await onTerminal(big, 'verify')
    expect(run.code).toBe(0)
    const lines = [...run.stdout.matchAll(PROGRESS)]
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((line) => line[1] === 'verify')).toBe(true)
    expect(run.stdout).toMatch(/\r\u001b\[K(\u001b\[\d+m)?sound/)
  }, 30_000)

  it('verify without a terminal, or with -q or --quiet on one, shows none', async () => {
    const piped = await cli(big, ['verify'])
    expect({ code: piped.code, stderr: piped.stderr }).toEqual({ code: 0, stderr: '' })
    for (const quiet of ['-q', '--quiet']) {
      const run = await onTerminal(big, `verify ${quiet}`)
      expect(run.code).toBe(0)
      expect(run.stdout).not.toMatch(PROGRESS)
      expect(run.stdout).not.toContain('\u001b[K')
    }
  }, 30_000)

  it('migrate on a terminal: the verifies and the copy, each with its line; none on a pipe', async () => {
    const run = await onTerminal(medium, 'migrate --from .stagecraft/releases.json --to copy/releases.json')
    expect(run.code).toBe(0)
    expect(new Set([...run.stdout.matchAll(PROGRESS)].map((line) => line[1]))).toContain('migrate')
    expect(run.stdout).toMatch(/moved 10,?401 events/)
    const piped = await cli(medium, ['migrate', '--from', '.stagecraft/releases.json', '--to', 'again/releases.json'])
    expect({ code: piped.code, stderr: piped.stderr }).toEqual({ code: 0, stderr: '' })
  }, 60_000)
})

describe('the onProgress option', () => {
  it('import on a terminal: a line counting the releases read; none on a pipe', async () => {
    const directory = tempDir()
    mkdirSync(join(directory, '.stagecraft'))
    writeFileSync(join(directory, '.stagecraft', 'releases.json'), snapshotText(2_000))
    const piped = await cli(directory, ['import'])
    expect(piped.code).toBe(0)
    expect(piped.stderr).toBe('')
    const other = tempDir()
    mkdirSync(join(other, '.stagecraft'))
    writeFileSync(join(other, '.stagecraft', 'releases.json'), snapshotText(2_000))
    const run = await onTerminal(other, 'import')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/\r\u001b\[Kimport: [\d,]+ releases read/)
    expect(run.stdout).toMatch(/imported 2000 releases/)
  }, 60_000)

  it('a malformed STAGECRAFT_PROGRESS_AFTER is a usage error naming it', async () => {
    const run = await cli(tempDir(), ['list'], { STAGECRAFT_PROGRESS_AFTER: 'soon' })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('STAGECRAFT_PROGRESS_AFTER')
  })

  it('is told of an import reading the releases of releases.json, release by release', async () => {
    const directory = tempDir()
    const stateFile = join(directory, 'releases.json')
    writeFileSync(stateFile, snapshotText(7))
    const told: Progress[] = []
    const manager = createStateManager({ stateFile, onProgress: (progress) => told.push(progress) })
    await manager.importSnapshot()
    expect(told).toEqual(Array.from({ length: 7 }, (_, i) => ({ task: 'import', done: i + 1 })))
    await manager.createRelease('prod', 'v2')
    expect(told, 'a later write reads no file to import').toHaveLength(7)
    await manager.close()
  })

  it('is told of a cold open replaying the log, and of verify, event by event', async () => {
    const directory = tempDir()
    const stateFile = join(directory, 'releases.json')
    await writeDeployLog(join(directory, 'releases.events.ndjson'), 10)
    const told: Progress[] = []
    const manager = createStateManager({
      stateFile,
      onProgress: (progress) => told.push(progress),
      onWarning: () => {},
    })
    await manager.listAllReleases()
    expect(told.filter((progress) => progress.task === 'replay').map((progress) => progress.done)).toEqual(
      Array.from({ length: 130 }, (_, i) => i + 1),
    )
    await manager.verify()
    expect(told.filter((progress) => progress.task === 'verify').at(-1)).toEqual({ task: 'verify', done: 130 })
    await manager.close()
  })
})

describe('the progress line', () => {
  const drawn = (enabled: boolean, reports: ReadonlyArray<readonly [number, Progress]>) => {
    let now = 0
    let text = ''
    const line = progressLine({ write: (chunk: string) => (text += chunk) }, enabled, () => now)
    for (const [at, progress] of reports) {
      now = at
      line.report(progress)
    }
    line.clear()
    return text
  }

  it('a replay shows nothing in its first second, then the count and rate, ten times a second at most', () => {
    const reports = [0, 500, 999, 1000, 1050, 1100, 2000].map((at) => [at, { task: 'replay', done: at * 10 }] as const)
    expect(drawn(true, reports).split('\r\u001b[K')).toEqual([
      '',
      'replay: 10,000 events, 10,000/s',
      'replay: 11,000 events, 10,000/s',
      'replay: 20,000 events, 10,000/s',
      '',
    ])
  })

  it('verify and migrate show it after a fifth of a second; disabled, nothing at all', () => {
    const reports = [0, 199, 200].map((at) => [at, { task: 'verify', done: at } as Progress] as const)
    expect(drawn(true, reports)).toBe('\r\u001b[Kverify: 200 events, 1,000/s\r\u001b[K')
    expect(drawn(false, reports)).toBe('')
  })
})
