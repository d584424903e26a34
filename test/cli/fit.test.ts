/**
 * Tables on a terminal (a pseudo-terminal from util-linux `script`, 80 columns): no line wider than the terminal, the
 * widest columns cut with an ellipsis, ids whole; `--wide` whole rows; a pipe gets whole rows and exact times; a
 * terminal relative ones; `history` on a terminal the newest 50 events and how many came before.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ago, CLI, cleanEnv, HOUR, manualClock, ok, runProcess, seed, tempDir, hasScript } from './support.js'

let directory = ''
let stateFile = ''
const ids: string[] = []
const LONG_ENV = 'production-eu-west-1-blue-green-canary'
const LONG_VERSION = 'v1.2.3-rc.1+build.20250301.sha.abcdef0123456789'
const LONG_NOTE = 'rolled out after the incident review of the previous week, with the database migration split in two'

// A release with long names and notes, 60 more in staging (61 events there), all created about 3 hours ago.
beforeAll(async () => {
  directory = tempDir()
  stateFile = join(directory, 'releases.json')
  const clock = manualClock(ago(3 * HOUR))
  await seed(
    stateFile,
    async (manager) => {
      const { release } = await manager.createRelease(LONG_ENV, LONG_VERSION, 'abcdef0123', { note: LONG_NOTE })
      await manager.updatePhase(release.id, 'build', 'failed', { reason: LONG_NOTE })
      ids.push(release.id)
      for (let i = 0; i < 60; i++) {
        clock.set(new Date(clock.now().getTime() + 1000))
        ids.push((await manager.createRelease('staging', `v${i}`)).release.id)
      }
    },
    clock.now,
  )
}, 60_000)

/** Runs the CLI on a pseudo-terminal `columns` wide; its output without colours and CRs, as lines. */
const onTerminal = async (args: string, columns = 80): Promise<string[]> => {
  const run = await runProcess(
    'script',
    ['-qec', `stty cols ${columns}; "${process.execPath}" "${CLI}" --state-file "${stateFile}" ${args}`, '/dev/null'],
    { cwd: directory, env: cleanEnv({ TERM: 'xterm' }) },
  )
  expect(run.code, run.stdout).toBe(0)
  return run.stdout
    .replace(/\u001b\[\d+m/g, '')
    .replace(/\r/g, '')
    .trimEnd()
    .split('\n')
}

// The releases were created 3 hours ago and never started: not marked abandoned, so that the rows are the table's.
const NOT_ABANDONED = '--abandoned-after 1d'

const widest = (lines: ReadonlyArray<string>): number => Math.max(...lines.map((line) => [...line].length))

describe.runIf(hasScript)('on a terminal 80 columns wide', () => {
  it('list: no line wider than 80, long cells cut with an ellipsis, every id whole, times relative', async () => {
    const lines = await onTerminal(`list ${NOT_ABANDONED}`)
    expect(widest(lines)).toBeLessThanOrEqual(80)
    const [header, first] = lines
    expect(header).toMatch(/^ID +ENVIRONMENT +VERSION +COMMIT +CREATED +STATUS$/)
    expect(first).toMatch(new RegExp(`^${ids[0]} +production-\\S*… +v1\\.2\\.3-\\S*… +abcdef0 +3h ago +failed$`))
    for (const id of ids)
      expect(
        lines.some((line) => line.startsWith(`${id} `)),
        id,
      ).toBe(true)
  })

  it('history --release: no line wider than 80, the release id whole, the note cut', async () => {
    const lines = await onTerminal(`history --release ${ids[0]}`)
    expect(lines).toHaveLength(3)
    expect(widest(lines)).toBeLessThanOrEqual(80)
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^3h ago +(created|phase) /)
      expect(line).toContain(` ${ids[0]} `)
      expect(line).toMatch(/…$/)
    }
  })

  it('--wide shows whole rows, wider than the terminal', async () => {
    const lines = await onTerminal('list --wide')
    expect(widest(lines)).toBeGreaterThan(80)
    expect(lines.join('\n')).not.toContain('…')
    expect(lines[1]).toContain(`${LONG_ENV}  ${LONG_VERSION}`)
    expect((await onTerminal(`history --wide --release ${ids[0]}`)).join('\n')).toContain(LONG_NOTE)
  })

  it('history with neither --max nor --since: the newest 50 events, oldest first, after how many came before', async () => {
    const lines = await onTerminal('history')
    expect(lines[0]).toBe('12 earlier events not shown (--max N or --since T shows more)')
    expect(lines[1]).toMatch(/^TIME +EVENT +RELEASE/)
    const rows = lines.slice(2)
    expect(rows).toHaveLength(50)
    expect(rows.map((row) => row.split(/ {2,}/)[2])).toEqual(ids.slice(11))
    expect(widest(lines)).toBeLessThanOrEqual(80)
    expect(await onTerminal('history --max 3')).toHaveLength(1 + 1 + 3)
    expect(await onTerminal('history --since 1d')).toHaveLength(1 + 62)
  })

  it('the hint under releases possibly abandoned is wrapped to the width; its recover commands stay whole', async () => {
    const lines = await onTerminal('list')
    const hint = lines.slice(lines.indexOf('') + 1)
    expect(hint.join(' ')).toMatch(/releases are possibly abandoned: not finished/)
    expect(widest(hint.filter((line) => !line.startsWith('  ')))).toBeLessThanOrEqual(80)
    expect(hint.filter((line) => line.startsWith('  stagecraft-state recover rel-'))).toHaveLength(5)
  })

  it('a narrower terminal narrows the table further; ids stay whole', async () => {
    const lines = await onTerminal(`list ${NOT_ABANDONED}`, 60)
    expect(widest(lines)).toBeLessThanOrEqual(60)
    expect(lines[1]?.startsWith(`${ids[0]} `)).toBe(true)
  })
})

describe('on a pipe', () => {
  it('whole rows and exact UTC times, however long', async () => {
    const out = await ok(directory, ['--state-file', stateFile, 'list'])
    expect(out).not.toContain('…')
    expect(out).toContain(`${LONG_ENV}  ${LONG_VERSION}`)
    // Times are written as Go writes them: trailing zeros of the fraction trimmed (.27Z, or none for .000Z).
    expect(out).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z {2}failed\n/)
    const history = await ok(directory, ['--state-file', stateFile, 'history'])
    expect(history.trimEnd().split('\n')).toHaveLength(1 + 62) // every event: no default limit on a pipe
    expect(history).toContain(LONG_NOTE)
  })
})
