// @ts-check
/**
 * Request ids from a cold start: what a `phase --request-id` costs a fresh process when every
 * event of the history was recorded under an id of its own (13 ids per deploy, all in the
 * checkpoint's request lines), against the same `phase` without one. Each timed call a fresh
 * process, wall time from the parent, the three interleaved:
 *
 * - `phase` without an id (a real transition);
 * - `phase --request-id NEW` (an id the history does not hold: a binary search that misses, then
 *   the transition recorded under it);
 * - the same call again (a retry: the search finds the id's line, nothing is recorded).
 *
 * `node test/bench/request-ids.mjs [--deploys N] [--runs N]` (default 10,000 deploys, 7 runs).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PHASES } from '../../dist/index.js'
import { writeDeployLog } from './generate.mjs'
import { median } from './stats.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({
  options: { deploys: { type: 'string', default: '10000' }, runs: { type: 'string', default: '7' } },
})
const deploys = Number(values.deploys)
const runs = Number(values.runs)
const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const cli = resolve(ROOT, typeof bin === 'string' ? bin : bin['stagecraft-state'])
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STAGECRAFT_')))

const dir = mkdtempSync(join(tmpdir(), 'bench-request-ids-'))
try {
  const stateFile = join(dir, 'releases.json')
  const events = await writeDeployLog(join(dir, 'releases.events.ndjson'), deploys, { requests: true })
  const run = (...args) => {
    const start = performance.now()
    const child = spawnSync(process.execPath, [cli, '--state-file', stateFile, ...args], {
      cwd: dir,
      env,
      encoding: 'utf8',
    })
    const wallMs = performance.now() - start
    if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`)
    return { wallMs, stdout: child.stdout.trim() }
  }
  // Made ready as use leaves it: the first write writes releases.json and the checkpoint.
  run('create', '--env', 'prod', '--version', 'warmup', '--request-id', 'warmup')
  const ids = Array.from(
    { length: 2 },
    (_, r) => run('create', '--env', 'prod', '--version', `v-cold-${r}`, '--quiet').stdout,
  )
  const transitions = (id) =>
    PHASES.flatMap((phase) => [
      [id, phase, 'running'],
      [id, phase, 'completed'],
    ])
  const [plain, keyed] = ids.map(transitions)
  const samples = { plain: [], keyedNew: [], keyedRetry: [] }
  for (let i = 0; i <= runs; i++) {
    const warm = i === 0 // one untimed round
    const a = run('phase', ...plain[i])
    const b = run('phase', ...keyed[i], '--request-id', `cold-${i}`)
    const c = run('phase', ...keyed[i], '--request-id', `cold-${i}`)
    if (!b.stdout.includes('->') || !c.stdout.includes('nothing recorded'))
      throw new Error(`unexpected output: ${b.stdout} / ${c.stdout}`)
    if (warm) continue
    samples.plain.push(a.wallMs)
    samples.keyedNew.push(b.wallMs)
    samples.keyedRetry.push(c.wallMs)
  }
  const checkpointBytes = readFileSync(join(dir, 'releases.checkpoint')).length
  console.log(
    `${deploys} deploys, ${events} events each under its own request id; checkpoint ${(checkpointBytes / 1e6).toFixed(1)} MB; ${runs} runs, medians (ms):`,
  )
  console.log(`  phase                          ${median(samples.plain).toFixed(0)}`)
  console.log(`  phase --request-id (new id)    ${median(samples.keyedNew).toFixed(0)}`)
  console.log(`  phase --request-id (a retry)   ${median(samples.keyedRetry).toFixed(0)}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
