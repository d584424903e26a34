/**
 * `replay --at T` reproduces `releases.json` byte for byte as it was at T: the store is driven
 * through the CLI with the real clock, the file is captured after every step, and each capture
 * is compared with the replay at that step's last event and between steps.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { cli, defaultStore, ok, runProcess, CLI, cleanEnv, tempDir } from './support.js'

interface Capture {
  /** When the step's last event was recorded. */
  readonly at: string
  /** releases.json right after the step. */
  readonly snapshot: string
}

let directory = ''
const captures: Capture[] = []

const lastRecordedAt = (): string => (JSON.parse(defaultStore(directory).logLines().at(-1) ?? '{}') as { recordedAt: string }).recordedAt

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

  it('between two steps, prints the earlier one; a millisecond before the first event, no releases', async () => {
    for (let i = 0; i + 1 < captures.length; i += 2) {
      const [earlier, later] = [captures[i] as Capture, captures[i + 1] as Capture]
      const gap = Date.parse(later.at) - Date.parse(earlier.at)
      if (gap > 1) expect(await replayAt(shift(earlier.at, Math.floor(gap / 2)))).toBe(earlier.snapshot)
    }
    expect(await replayAt(shift((captures[0] as Capture).at, -1))).toBe('{\n  "releases": []\n}')
  })

  it('takes the instant with any clock offset, and a duration ago', async () => {
    const last = captures.at(-1) as Capture
    const plusTwo = new Date(Date.parse(last.at) + 2 * 3_600_000).toISOString().replace('Z', '+02:00')
    expect(await replayAt(plusTwo)).toBe(last.snapshot)
    expect(await replayAt('0s')).toBe(last.snapshot)
    expect(await replayAt('1d')).toBe('{\n  "releases": []\n}')
  })

  it('prints the file text itself with --json too, and adds no newline on a pipe', async () => {
    const last = captures.at(-1) as Capture
    expect(await ok(directory, ['replay', '--at', last.at, '--json'])).toBe(last.snapshot)
    const redirected = await runProcess('/bin/sh', ['-c', `"${process.execPath}" "${CLI}" replay --at ${last.at} > copy.json && cmp copy.json .stagecraft/releases.json`], { cwd: directory, env: cleanEnv() })
    expect(redirected.code).toBe(0)
  })

  it('refuses an instant that is not one', async () => {
    const run = await cli(directory, ['replay', '--at', 'noon'])
    expect(run.code).toBe(2)
  })
})
