/**
 * `history` prints the trail as it reads it: a reader that closes the pipe after a few lines ends the run at once,
 * quietly and with exit 0; a corrupt record met after some events ends the output there, the error on stderr, exit 1
 * (the lines before it were printed, so they were printed before the read ended); `--max` keeps the newest.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CLI, cleanEnv, cli, defaultStore, ok, ROOT, runProcess, tempDir } from './support.js'

const DEPLOYS = 2000 // 13 events each: 26,000 events, about 8 MB of timeline
const EVENTS = DEPLOYS * 13

let directory = ''

beforeAll(async () => {
  directory = tempDir()
  mkdirSync(join(directory, '.stagecraft'))
  // The benchmarks' generator writes the log with the real line encoding and hash chain (it imports dist/).
  const generator = join(ROOT, 'test', 'bench', 'generate.mjs')
  const { writeDeployLog } = (await import(generator)) as {
    writeDeployLog: (path: string, count: number) => Promise<number>
  }
  expect(await writeDeployLog(defaultStore(directory).eventLog, DEPLOYS)).toBe(EVENTS)
}, 60_000)

/** Spawns `history ARGS` with stdout a pipe, reads `lines` lines, closes the pipe; what it read and how it ended. */
const readThenClose = (args: ReadonlyArray<string>, lines: number) =>
  new Promise<{ lines: string[]; code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'history', ...args], { cwd: directory, env: cleanEnv() })
    let text = ''
    let stderr = ''
    let got: string[] = []
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
      const complete = text.split('\n').slice(0, -1)
      if (got.length === 0 && complete.length >= lines) {
        got = complete.slice(0, lines)
        child.stdout.destroy()
      }
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ lines: got, code, stderr }))
  })

describe('history streams', () => {
  it('a reader that closes the pipe after 3 lines ends the run: exit 0, nothing on stderr (EPIPE is quiet)', async () => {
    const run = await readThenClose([], 3)
    expect(run.lines[0]).toMatch(/^TIME +EVENT +RELEASE +PHASE +CHANGE +ACTOR/)
    expect(run.lines[1]).toMatch(/^2020-01-01T00:00:00\.000Z +created +rel-20200101-000000000 /)
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    const jsonl = await readThenClose(['-o', 'jsonl'], 3)
    expect(jsonl.lines.map((line) => (JSON.parse(line) as { position: number }).position)).toEqual([1, 2, 3])
    expect({ code: jsonl.code, stderr: jsonl.stderr }).toEqual({ code: 0, stderr: '' })
  })

  it('history | head -3 in a shell: three lines, and the CLI exits 0', async () => {
    const run = await runProcess(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" history | head -3; echo "status=\${PIPESTATUS[0]}"`],
      { cwd: directory, env: cleanEnv() },
    )
    expect(run.stdout).toMatch(/^TIME .*\n.*\n.*\nstatus=0\n$/)
    expect(run.stderr).toBe('')
  })

  it('--max N: the newest N, oldest first, after a line saying how many came before (JSON: just the N)', async () => {
    const lines = (await ok(directory, ['history', '--max', '2'])).trimEnd().split('\n')
    expect(lines[0]).toBe(`${EVENTS - 2} earlier events not shown (--max N or --since T shows more)`)
    expect(lines).toHaveLength(4)
    const positions = (await ok(directory, ['history', '--max', '2', '-o', 'jsonl']))
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { position: number }).position)
    expect(positions).toEqual([EVENTS - 1, EVENTS])
  })

  it('a corrupt record after some events: every event before it printed, then the error on stderr, exit 1', async () => {
    const broken = tempDir()
    mkdirSync(join(broken, '.stagecraft'))
    const { writeDeployLog } = (await import(join(ROOT, 'test', 'bench', 'generate.mjs'))) as {
      writeDeployLog: (path: string, count: number) => Promise<number>
    }
    const log = defaultStore(broken).eventLog
    await writeDeployLog(log, 300)
    appendFileSync(log, 'not an event\n')
    for (const [format, printed] of [
      ['table', 1 + 300 * 13],
      ['jsonl', 300 * 13],
    ] as const) {
      const run = await cli(broken, ['history', '-o', format])
      expect(run.code).toBe(1)
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(printed)
      const error = `CORRUPT_STATE: ${log}:${300 * 13 + 1}: not valid JSON`
      if (format === 'table') expect(run.stderr).toMatch(new RegExp(`^stagecraft-state: ${error}`))
      else
        expect(JSON.parse(run.stderr)).toEqual({
          error: { code: 'CORRUPT_STATE', message: expect.stringContaining(`${log}:${300 * 13 + 1}: not valid JSON`) },
        })
    }
  })
})
