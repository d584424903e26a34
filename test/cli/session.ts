/**
 * Runs a documented shell session (`$ command` lines followed by their output) for real, and
 * normalises what varies from run to run, so docs/cli.md can be checked against the CLI.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, cleanEnv, runProcess, tempDir } from './support.js'

/** One command of a session, what it printed (stdout and stderr together) and its exit code. */
export interface SessionStep {
  readonly command: string
  readonly output: string
  readonly exitCode: number
}

/** The working directory documented sessions show. */
export const DOCUMENTED_DIRECTORY = '/srv/shop'

/** The fenced `console` block that follows `marker` in a Markdown text, as steps. */
export const documentedSession = (markdown: string, marker: string): SessionStep[] => {
  const start = markdown.indexOf(marker)
  if (start === -1) throw new Error(`no ${marker} in the document`)
  const block = /```console\n([\s\S]*?)```/.exec(markdown.slice(start))?.[1] ?? ''
  const steps: Array<{ command: string; output: string[]; exitCode: number }> = []
  for (const line of block.split('\n').slice(0, -1)) {
    if (line.startsWith('$ ')) {
      const exit = /#\s*exit (\d+)\s*$/.exec(line)
      steps.push({
        command: line.slice(2).replace(/\s*#.*$/, ''),
        output: [],
        exitCode: exit === null ? 0 : Number(exit[1]),
      })
    } else steps.at(-1)?.output.push(line)
  }
  return steps.map((step) => ({ ...step, output: step.output.map((line) => `${line}\n`).join('') }))
}

const MARK = '\u001e'

/** Runs the commands in one bash, in a fresh directory, with `stagecraft-state` on the PATH. */
export const runSession = async (
  commands: ReadonlyArray<string>,
): Promise<{ directory: string; steps: SessionStep[] }> => {
  const directory = tempDir()
  const bin = join(directory, '.bin')
  mkdirSync(bin)
  writeFileSync(join(bin, 'stagecraft-state'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`)
  chmodSync(join(bin, 'stagecraft-state'), 0o755)
  const script = commands.map((command) => `printf '${MARK}'\n${command} 2>&1\nprintf '${MARK}%s\\n' "$?"`).join('\n')
  const env = cleanEnv({ PATH: `${bin}:${process.env['PATH'] ?? ''}`, STAGECRAFT_ACTOR: undefined })
  const run = await runProcess('bash', ['-c', script], { cwd: directory, env })
  const parts = run.stdout.split(MARK).slice(1)
  const steps = commands.map((command, i) => {
    const output = parts[2 * i] ?? ''
    const status = parts[2 * i + 1] ?? ''
    return { command, output, exitCode: Number(status.trim()) }
  })
  return { directory, steps }
}

/**
 * What may differ between a documented run and a real one: release ids (numbered in order of
 * appearance), times, ages, the directory, and the blanks that align columns.
 */
export const normalise = (text: string, directory: string): string => {
  const ids = new Map<string, string>()
  return text
    .replaceAll(directory, DOCUMENTED_DIRECTORY)
    .replace(/rel-\d{8}-\d{6,9}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<rel-${ids.size + 1}>`)
      return ids.get(id) as string
    })
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>') // a chain head: it hashes times, hosts and pids
    .replace(/\b\d+[smhd]( \d+[smhd])?\b/g, '<age>')
    .replace(/[ \t]+/g, ' ')
    .replace(/ +\n/g, '\n')
}
