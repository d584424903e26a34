#!/usr/bin/env node
/**
 * `npm run demo`: a scripted deployment story (releases, a failed rollout, a rollback, a killed deploy recovered,
 * history, verify, deploy metrics, a seal catching a rewritten log, an HTML report), run through the real CLI against a
 * fresh temporary store; `--keep` keeps it (the report is kept anyway). Every STAGECRAFT_* variable but
 * STAGECRAFT_DEBUG is dropped from the children, so the demo never touches a real store.
 */
import { spawnSync } from 'node:child_process'
import { hash } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PHASES, type ReleasePhase } from '../index.js'
import { colourWanted } from './format/style.js'
import { shellCommand } from './shell-quote.js'

const CLI = fileURLToPath(new URL('./main.js', import.meta.url))
const keep = process.argv.includes('--keep')
const directory = mkdtempSync(join(tmpdir(), 'stagecraft-demo-'))
const colour = colourWanted(process.stdout.isTTY === true, process.env)

/** The parent's variables, less every STAGECRAFT_* one but the debug switch. */
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('STAGECRAFT_') || name === 'STAGECRAFT_DEBUG'),
)
const env = { ...inherited, STAGECRAFT_ACTOR: 'deploy-bot', ...(colour ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }) }
const bold = (text: string): string => (colour ? `\u001b[1m${text}\u001b[22m` : text)

/** Runs the CLI as an operator would and returns its stdout; prints the command and its output unless `quiet`. */
const cli = (args: ReadonlyArray<string>, expected = 0, quiet = false): string => {
  if (!quiet) process.stdout.write(`${bold(`$ ${shellCommand(['stagecraft-state', ...args])}`)}\n`)
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: directory, env, encoding: 'utf8' })
  if (!quiet) {
    process.stdout.write(result.stdout)
    process.stdout.write(result.stderr.replace(/^(?=.)/gm, '[stderr] '))
    // A refusal is part of the story: show the exit code a script would see.
    if (result.status !== 0)
      process.stdout.write(
        `[exit ${String(result.status ?? result.signal)}${result.status === expected ? ', as expected' : ''}]\n`,
      )
  }
  if (result.status !== expected) {
    process.stderr.write(
      `demo: this command exited ${String(result.status ?? result.signal)}, expected ${expected} (the ` +
        `store is kept in ${directory}):\n  ${shellCommand(['stagecraft-state', ...args])}\n${result.stderr}`,
    )
    process.exit(1)
  }
  return result.stdout.trim()
}

const chapter = (title: string): void => {
  process.stdout.write(`\n${bold(`## ${title}`)}\n\n`)
}

/** Creates a release and returns its id (the CLI prints it alone with --quiet). */
const create = (args: ReadonlyArray<string>): string => cli(['create', ...args, '--quiet'])

/** Runs phases as an orchestrator reports them: running, then completed; quiet after the first release. */
const complete = (id: string, phases: ReadonlyArray<ReleasePhase> = PHASES, quiet = true): void => {
  if (quiet)
    process.stdout.write(
      `${bold(`$ stagecraft-state phase ${id} PHASE running|completed`)}   (for ${phases.join(', ')}; ` +
        'output as above)\n',
    )
  for (const phase of phases) {
    cli(['phase', id, phase, 'running'], 0, quiet)
    cli(['phase', id, phase, 'completed'], 0, quiet)
  }
}

/**
 * What a rewriter does, to a copy of the store in `into` (the demo's own stays sound): edits one line of the log and
 * recomputes every `prev` after it (and drops the checkpoint, which remembers a hash).
 */
const rewriteLine = (into: string, number: number, edit: (line: string) => string): void => {
  cpSync(join(directory, '.stagecraft'), join(directory, into), { recursive: true })
  const log = join(directory, into, 'releases.events.ndjson')
  let prev = '0'.repeat(64)
  const lines = readFileSync(log, 'utf8')
    .split('\n')
    .slice(0, -1)
    .map((text, i) => {
      const line = `${(i + 1 === number ? edit(text) : text).replace(/,"prev":"[0-9a-f]{64}"\}$/, '')},"prev":"${prev}"}`
      prev = hash('sha256', line, 'hex')
      return line
    })
  writeFileSync(log, `${lines.join('\n')}\n`)
  rmSync(join(directory, into, 'releases.checkpoint'), { force: true })
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

process.stdout.write(
  `${bold('stagecraft-state demo')}: a fresh store in ${directory}\n(every command below is the real CLI, ` +
    'run as a child process; STAGECRAFT_ACTOR=deploy-bot)\n',
)

chapter('1. staging gets v1.4.0: every phase runs and completes')
const staging14 = create([
  '--env',
  'staging',
  '--version',
  'v1.4.0',
  '--commit',
  '3f2a9c1e8b7d4a60',
  '--note',
  'sprint 14',
])
complete(staging14, PHASES, false)

chapter('2. prod gets v1.4.0 too')
const prod14 = create(['--env', 'prod', '--version', 'v1.4.0', '--commit', '3f2a9c1e8b7d4a60'])
complete(prod14)

chapter('3. prod gets v1.5.0: the rollout fails, the phases after it are skipped')
const prod15 = create(['--env', 'prod', '--version', 'v1.5.0', '--commit', 'c0ffee4242aa17b9', '--note', 'sprint 15'])
complete(prod15, ['build', 'push', 'migrate_pre'])
cli(['phase', prod15, 'rollout', 'running'])
cli(['phase', prod15, 'rollout', 'failed', '--reason', 'health checks failed: 3 of 5 pods in CrashLoopBackOff'])
cli(['phase', prod15, 'migrate_post', 'skipped', '--reason', 'rollout failed'])
cli(['phase', prod15, 'finalize', 'skipped', '--reason', 'rollout failed'])
cli(['current', '--env', 'prod'])

chapter('4. What would a rollback of prod redeploy?')
cli(['rollback-target', '--env', 'prod', '--to-previous'])
cli(['rollback-target', '--env', 'prod', '--to-last-good', '--json'])
cli(['rollback-target', '--env', 'prod', '--to-version', 'v1.5.0'], 1)

chapter('5. alice rolls prod back: a new release of v1.4.0 that records what it redeploys')
const rollback = create([
  '--env',
  'prod',
  '--version',
  'v1.4.0',
  '--commit',
  '3f2a9c1e8b7d4a60',
  '--rollback-of',
  prod14,
  '--note',
  'roll back the failed v1.5.0 rollout',
  '--actor',
  'alice',
])
complete(rollback)
process.stdout.write('(what changed from the failed release to the rollback, and who recorded each)\n')
cli(['diff', prod15, rollback])

chapter('6. A deploy of v1.6.0 to staging is killed mid-rollout; list marks it, recover closes it out')
const staging16 = create(['--env', 'staging', '--version', 'v1.6.0', '--commit', '9e8d7c6b5a4f3e2d'])
complete(staging16, ['build', 'push', 'migrate_pre'])
cli(['phase', staging16, 'rollout', 'running'])
cli(['create', '--env', 'staging', '--version', 'v1.6.1'], 1) // refused: v1.6.0 is still rolling out
process.stdout.write(
  '(the CI runner is killed here; no event arrives for a while; the default threshold is 1h, the demo uses 1s)\n',
)
pause(1500)
cli(['list', '--env', 'staging', '--abandoned-after', '1s'])
cli(['recover', staging16, '--reason', 'CI runner killed during rollout', '--actor', 'alice'])

chapter('7. The whole picture')
cli(['list'])
cli(['history', '--env', 'prod'])
cli(['history', '--release', staging16])
cli(['verify'])

chapter('8. How are our deploys going? Deploy metrics of the last 30 days')
process.stdout.write(
  '(docs/metrics.md defines each figure; phases here take milliseconds, as the demo runs them back to back)\n',
)
cli(['stats'])

chapter('9. An auditor seals the history; a rewrite that recomputes the hash chain is caught')
cli(['keygen', '--out', 'auditor.pem'])
cli(['seal', '--key', 'auditor.pem'])
cli(['verify', '--trust', 'auditor.pem.pub', '--max-seal-age', '1h'])
process.stdout.write(
  "(in a copy of the store, someone with write access to the log but not the auditor's key changes who recorded " +
    'line 3, and recomputes every hash after it: the chain is whole again)\n',
)
rewriteLine('tampered', 3, (line) => line.replace('"actor":"deploy-bot"', '"actor":"mallory"'))
cli(['verify', '--state-file', 'tampered/releases.json', '--trust', 'auditor.pem.pub'], 1)

chapter('10. A report to look at: the whole history as one HTML page that loads nothing from anywhere')
cli(['report', '--html', 'report.html'])
const report = join(directory, 'report.html')
process.stdout.write(`(open ${report} in a browser: timelines, metrics, phase durations, audit rows, verify)\n`)

if (keep)
  process.stdout.write(`\nThe store is kept in ${directory}/.stagecraft (releases.json and releases.events.ndjson).\n`)
else {
  // The report stays, to be opened: it is one file, and holds nothing the store needs.
  // The store, its tampered copy and the auditor's keys go.
  for (const made of readdirSync(directory))
    if (made !== 'report.html') rmSync(join(directory, made), { recursive: true, force: true })
  process.stdout.write(`\nThe report is kept: ${report}\n`)
  process.stdout.write(
    `The store in ${directory} is deleted; run "npm run demo -- --keep" to keep it and look around.\n`,
  )
}
