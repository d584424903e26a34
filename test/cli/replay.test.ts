/**
 * `replay --at T` reproduces `releases.json` byte for byte as it was at T: the store is driven
 * through the CLI with the real clock, the file is captured after every step, and each capture
 * is compared with the replay at that step's last event and between steps.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { fixturePath } from '../fixtures/index.js'
import { cli, defaultStore, ok, runProcess, CLI, cleanEnv, tempDir } from './support.js'

interface Capture {
  /** When the step's last event was recorded. */
  readonly at: string
  /** releases.json right after the step. */
  readonly snapshot: string
}

let directory = ''
const captures: Capture[] = []

const lastRecordedAt = (): string =>
  (JSON.parse(defaultStore(directory).logLines().at(-1) ?? '{}') as { recordedAt: string }).recordedAt

const step = async (args: string[]): Promise<string> => {
  const out = await ok(directory, args)
  captures.push({ at: lastRecordedAt(), snapshot: defaultStore(directory).snapshot() })
  return out.trim()
}

beforeAll(async () => {
  directory = tempDir()
  const a = await step(['create', '--env', 'prod', '--version', 'v1', '--commit', 'abcd1234', '-q'])
  await step(['phase', a, 'build', 'running'])
  await step(['phase', a, 'build', 'completed'])
  const b = await step(['create', '--env', 'staging', '--version', 'v2', '-q'])
  await step(['phase', b, 'rollout', 'failed', '--reason', 'boom'])
  await step(['recover', a, '--reason', 'runner gone'])
  await step(['create', '--env', 'prod', '--version', 'v3', '-q'])
})

const replayAt = async (at: string): Promise<string> => ok(directory, ['replay', '--at', at])

const shift = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString()

describe('replay', () => {
  it('at each step, prints the releases.json that existed right after it, byte for byte', async () => {
    expect(new Set(captures.map((c) => c.snapshot)).size).toBe(captures.length)
    for (const capture of captures) expect(await replayAt(capture.at)).toBe(capture.snapshot)
  })

  it('between two steps, prints the earlier one', async () => {
    for (let i = 0; i + 1 < captures.length; i += 2) {
      const [earlier, later] = [captures[i] as Capture, captures[i + 1] as Capture]
      const gap = Date.parse(later.at) - Date.parse(earlier.at)
      if (gap > 1) expect(await replayAt(shift(earlier.at, Math.floor(gap / 2)))).toBe(earlier.snapshot)
    }
  })

  it('before the first event: the empty snapshot, exit 0, and a warning naming when the history starts', async () => {
    const first = (captures[0] as Capture).at
    const run = await cli(directory, ['replay', '--at', shift(first, -1)])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('{\n  "releases": []\n}')
    expect(run.stderr).toBe(
      `stagecraft-state: warning: ${shift(first, -1)} is before the first event, recorded at ${first}: no release had been recorded yet\n`,
    )
  })

  it('takes the instant with any clock offset, and a duration ago', async () => {
    const last = captures.at(-1) as Capture
    const plusTwo = new Date(Date.parse(last.at) + 2 * 3_600_000).toISOString().replace('Z', '+02:00')
    expect(await replayAt(plusTwo)).toBe(last.snapshot)
    expect(await replayAt('0s')).toBe(last.snapshot)
    const dayAgo = await cli(directory, ['replay', '--at', '1d'])
    expect([dayAgo.code, dayAgo.stdout]).toEqual([0, '{\n  "releases": []\n}'])
    expect(dayAgo.stderr).toMatch(/^stagecraft-state: warning: \S+ is before the first event/)
  })

  it('prints the file text itself with --json too, and adds no newline on a pipe', async () => {
    const last = captures.at(-1) as Capture
    expect(await ok(directory, ['replay', '--at', last.at, '--json'])).toBe(last.snapshot)
    const redirected = await runProcess(
      '/bin/sh',
      [
        '-c',
        `"${process.execPath}" "${CLI}" replay --at ${last.at} > copy.json && cmp copy.json .stagecraft/releases.json`,
      ],
      { cwd: directory, env: cleanEnv() },
    )
    expect(redirected.code).toBe(0)
  })

  it('before an import: the history starts there, and the warning says so', async () => {
    const imported = tempDir()
    mkdirSync(join(imported, '.stagecraft'))
    copyFileSync(fixturePath('go/single-prod.json'), defaultStore(imported).stateFile)
    const unimported = await cli(imported, ['replay', '--at', '2025-01-01'])
    expect([unimported.code, unimported.stdout]).toEqual([0, '{\n  "releases": []\n}'])
    expect(unimported.stderr).toMatch(
      /^stagecraft-state: warning: the history is empty: \S+releases\.json holds \d+ releases? not imported yet, .*"stagecraft-state import"/,
    )
    await ok(imported, ['import'])
    const importedAt = (JSON.parse(defaultStore(imported).logLines()[0] ?? '{}') as { recordedAt: string }).recordedAt
    const before = await cli(imported, ['replay', '--at', shift(importedAt, -1000)])
    expect([before.code, before.stdout]).toEqual([0, '{\n  "releases": []\n}'])
    expect(before.stderr).toMatch(
      new RegExp(
        `^stagecraft-state: warning: \\S+ is before the history starts: it starts with the import of ${defaultStore(imported).stateFile} at ${importedAt} \\(\\d+ releases?\\); what the file held before then is not in the history\n$`,
      ),
    )
  })

  it('an empty store: the empty snapshot, with a warning that nothing is recorded yet', async () => {
    const run = await cli(tempDir(), ['replay', '--at', '2025-01-01T00:00:00Z'])
    expect([run.code, run.stdout]).toEqual([0, '{\n  "releases": []\n}'])
    expect(run.stderr).toMatch(
      /^stagecraft-state: warning: the history is empty: no event is recorded yet in file store /,
    )
  })

  it('refuses an instant that is not one', async () => {
    const run = await cli(directory, ['replay', '--at', 'noon'])
    expect(run.code).toBe(2)
  })
})
