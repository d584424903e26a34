// @ts-check
/**
 * Cold CLI: deploy tools run `stagecraft-state` once per step (one process per phase change), so
 * start-up and open cost matter as much as a warm call. Measured here, each a fresh process,
 * wall time of the whole process from the parent (`performance.now()` around `spawnSync`):
 *
 * - `node -e 0` (a bare Node start) and `stagecraft-state --version`;
 * - per store of N deploys (100, 10,000, 100,000; a deploy = a create + 12 phase updates): a cold
 *   `current --env prod`, and a cold `phase ID PHASE STATUS` that is a real state change every
 *   run (each run the next of the 12 transitions of releases created beforehand, untimed);
 * - the same `current` and `phase` of the naive whole-file CLI (naive-cli.mjs, what the Go
 *   Stagecraft does per call) on its own copy of the same releases.json.
 *
 * A store is an event log written with writeDeployLog, then made ready as a real one is after
 * use by one untimed write through the CLI (which writes releases.json, and whatever else the
 * store keeps). The commands are run round-robin (A B C D, A B C D, ...), after one untimed
 * round, so that the machine's noise hits all alike; medians and 90th percentiles per command,
 * and the ratios the targets are stated in.
 *
 * `node test/bench/cold-cli.mjs [--quick] [--json PATH]` runs it alone; run.mjs runs it too.
 */
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { PHASES } from '../../dist/index.js'
import { writeDeployLog } from './generate.mjs'
import { median, ms, p90, table } from './stats.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const NAIVE_CLI = fileURLToPath(new URL('./naive-cli.mjs', import.meta.url))
/** Free space below which the 100,000-deploy store (a ~500 MB log, its copies) is not built. */
const MIN_FREE_BYTES_100K = 3 * 2 ** 30
const WARMUP_ROUNDS = 1

/** The built CLI: the package's `bin`, so that the benchmark follows the build wherever it puts it. */
const cliPath = () => {
  const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const path = resolve(ROOT, typeof bin === 'string' ? bin : bin['stagecraft-state'])
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`)
  return path
}

/** The caller's environment without STAGECRAFT_* (a STAGECRAFT_STATE_URL must not redirect the CLI). */
const childEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STAGECRAFT_')))

/** Runs `node ...args` to its end; its wall time (ms) and output. Throws unless it exits 0. */
const runNode = (args, cwd, env) => {
  const start = performance.now()
  const child = spawnSync(process.execPath, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  })
  const wallMs = performance.now() - start
  if (child.error !== undefined) throw child.error
  if (child.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${child.status ?? child.signal}: ${child.stderr.trim()}`)
  return { wallMs, stdout: child.stdout }
}

/** Free bytes on the file system holding `dir`. */
const freeBytes = (dir) => {
  const { bavail, bsize } = statfsSync(dir)
  return bavail * bsize
}

/** The 12 transitions of every release in `ids`, in the order a deploy makes them: [id, phase, status]. */
const transitionsOf = (ids) =>
  ids.flatMap((id) =>
    PHASES.flatMap((phase) => [
      [id, phase, 'running'],
      [id, phase, 'completed'],
    ]),
  )

/**
 * A store of `deploys` deploys in `dir`, made ready by one untimed write through the CLI, with
 * `releases` more releases created (untimed) for the timed `phase` runs to move, and the naive
 * CLI's copy of its releases.json.
 */
const prepareStore = async (dir, deploys, releases, cli, env) => {
  mkdirSync(dir)
  const stateFile = join(dir, 'releases.json')
  const start = performance.now()
  const events = await writeDeployLog(join(dir, 'releases.events.ndjson'), deploys)
  const write = (...args) => runNode([cli, '--state-file', stateFile, ...args], dir, env).stdout.trim()
  write('create', '--env', 'prod', '--version', 'warmup', '--commit', 'abcdef1')
  const ids = []
  for (let r = 0; r < releases; r++)
    ids.push(write('create', '--env', 'prod', '--version', `v-cold-${r}`, '--commit', 'abcdef1', '--quiet'))
  const naiveFile = join(dir, 'naive.releases.json')
  copyFileSync(stateFile, naiveFile)
  return {
    deploys,
    events,
    logBytes: statSync(join(dir, 'releases.events.ndjson')).size,
    snapshotBytes: statSync(stateFile).size,
    prepareSeconds: (performance.now() - start) / 1000,
    stateFile,
    naiveFile,
    newestProd: ids[ids.length - 1] ?? '',
    transitions: transitionsOf(ids),
  }
}

/**
 * The commands measured on `store`. A command is { name, deploys, runs, args(i), check(stdout) }:
 * `args(i)` is its i-th invocation (warm-up ones included), so that each `phase` run takes the
 * next transition.
 */
const storeCommands = (store, runs, cli) => {
  const transition = (i) => {
    const t = store.transitions[i]
    if (t === undefined) throw new Error(`no transition left for run ${i} at ${store.deploys} deploys`)
    return t
  }
  const showsNewest = (stdout) => stdout.includes(store.newestProd)
  const recorded = (stdout) => stdout.includes('->') && !stdout.includes('nothing recorded')
  return [
    {
      name: 'current',
      deploys: store.deploys,
      runs,
      args: () => [cli, '--state-file', store.stateFile, 'current', '--env', 'prod'],
      check: showsNewest,
    },
    {
      name: 'phase',
      deploys: store.deploys,
      runs,
      args: (i) => [cli, '--state-file', store.stateFile, 'phase', ...transition(i)],
      check: recorded,
    },
    {
      name: 'naive current',
      deploys: store.deploys,
      runs,
      args: () => [NAIVE_CLI, store.naiveFile, 'current', 'prod'],
      check: showsNewest,
    },
    {
      name: 'naive phase',
      deploys: store.deploys,
      runs,
      args: (i) => [NAIVE_CLI, store.naiveFile, 'phase', ...transition(i)],
      check: recorded,
    },
  ]
}

/**
 * Runs the commands round-robin: WARMUP_ROUNDS untimed rounds, then round after round, each
 * command while it has runs left. Returns each command's wall times (ms).
 */
const interleave = (commands, cwd, env) => {
  const samples = commands.map(() => /** @type {number[]} */ ([]))
  const invocations = commands.map(() => 0)
  const invoke = (c) => {
    const command = commands[c]
    if (command === undefined) throw new Error(`no command ${c}`)
    const { wallMs, stdout } = runNode(command.args(invocations[c]++), cwd, env)
    if (!command.check(stdout))
      throw new Error(
        `${command.name} at ${command.deploys} deploys printed something unexpected: ${stdout.slice(0, 300)}`,
      )
    return wallMs
  }
  for (let round = 0; round < WARMUP_ROUNDS; round++) commands.forEach((_, c) => invoke(c))
  const rounds = Math.max(...commands.map((command) => command.runs))
  for (let round = 0; round < rounds; round++) {
    commands.forEach((command, c) => {
      if (round < command.runs) samples[c]?.push(invoke(c))
    })
  }
  return samples
}

/** The ratio of two figures' medians, when both were measured. */
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a.medianMs / b.medianMs)

const summary = (samplesMs) => ({
  medianMs: median(samplesMs),
  p90Ms: p90(samplesMs),
  runs: samplesMs.length,
  samplesMs: samplesMs.map((s) => Number(s.toFixed(2))),
})

/**
 * The cold CLI benchmark. `quick`: 100 and 10,000 deploys, 7 runs each; otherwise 100 and 10,000
 * deploys 15 runs each, and 100,000 deploys 7 runs (when the disk has 3 GB free). `log` is told
 * what is being prepared (the 100,000-deploy store takes a while).
 */
export const coldCli = async ({ quick = false, log = (/** @type {string} */ _text) => {} } = {}) => {
  const cli = cliPath()
  const env = childEnv()
  const sizes = quick
    ? [
        [100, 7],
        [10000, 7],
      ]
    : [
        [100, 15],
        [10000, 15],
        [100000, 7],
      ]
  const baseRuns = Math.max(...sizes.map(([, runs]) => runs))
  const root = mkdtempSync(join(tmpdir(), 'bench-cold-cli-'))
  const cleanUp = () => rmSync(root, { recursive: true, force: true })
  const interrupted = () => {
    cleanUp()
    process.exit(130)
  }
  process.once('SIGINT', interrupted)
  try {
    const stores = []
    const skipped = []
    for (const [deploys, runs] of sizes) {
      if (deploys >= 100000) {
        const free = freeBytes(root)
        if (free < MIN_FREE_BYTES_100K) {
          const reason = `only ${(free / 2 ** 30).toFixed(1)} GB free in ${tmpdir()}, 3 GB needed`
          skipped.push({ deploys, reason })
          log(`  cold CLI: ${deploys} deploys skipped: ${reason}`)
          continue
        }
      }
      const releases = Math.ceil((runs + WARMUP_ROUNDS) / (PHASES.length * 2))
      const store = await prepareStore(join(root, String(deploys)), deploys, releases, cli, env)
      stores.push({ store, runs })
      log(`  cold CLI: store of ${deploys} deploys ready in ${store.prepareSeconds.toFixed(1)} s`)
    }
    const commands = [
      { name: 'node -e 0', deploys: 0, runs: baseRuns, args: () => ['-e', '0'], check: () => true },
      {
        name: '--version',
        deploys: 0,
        runs: baseRuns,
        args: () => [cli, '--version'],
        check: (stdout) => stdout.trim().length > 0,
      },
      ...stores.flatMap(({ store, runs }) => storeCommands(store, runs, cli)),
    ]
    const samples = interleave(commands, root, env)
    const figure = (name, deploys = 0) => {
      const c = commands.findIndex((command) => command.name === name && command.deploys === deploys)
      return c === -1 ? undefined : summary(samples[c] ?? [])
    }
    const sizesMeasured = stores.map(({ store }) => ({
      deploys: store.deploys,
      events: store.events,
      logBytes: store.logBytes,
      snapshotBytes: store.snapshotBytes,
      prepareSeconds: store.prepareSeconds,
      current: figure('current', store.deploys),
      phase: figure('phase', store.deploys),
      naiveCurrent: figure('naive current', store.deploys),
      naivePhase: figure('naive phase', store.deploys),
    }))
    const bareNode = figure('node -e 0')
    const version = figure('--version')
    const at = (deploys) => sizesMeasured.find((s) => s.deploys === deploys)
    return {
      cli,
      bareNode,
      version,
      sizes: sizesMeasured,
      skipped,
      ratios: {
        phase10kOverPhase100: ratio(at(10000)?.phase, at(100)?.phase),
        phase10kOverNaive10k: ratio(at(10000)?.phase, at(10000)?.naivePhase),
        phase100kOverNaive100k: ratio(at(100000)?.phase, at(100000)?.naivePhase),
        versionOverNode: ratio(version, bareNode),
        current100OverNode: ratio(at(100)?.current, bareNode),
      },
    }
  } finally {
    process.removeListener('SIGINT', interrupted)
    cleanUp()
  }
}

/** The tables of a coldCli result, as text. */
export const coldCliReport = (result) => {
  const cell = (figure) => (figure === undefined ? ['-', '-'] : [ms(figure.medianMs), ms(figure.p90Ms)])
  const times = (value) => (value === undefined ? '-' : `${value.toFixed(2)}x`)
  const r = result.ratios
  return [
    'Cold CLI: one fresh process per call, wall time from the parent, commands interleaved (ms)',
    table(
      ['process', 'median', 'p90', 'runs'],
      [
        ['node -e 0', ...cell(result.bareNode), result.bareNode?.runs ?? 0],
        ['stagecraft-state --version', ...cell(result.version), result.version?.runs ?? 0],
      ],
    ),
    '',
    table(
      [
        'deploys',
        'log',
        'releases.json',
        'runs',
        'current',
        'p90',
        'phase',
        'p90',
        'naive current',
        'p90',
        'naive phase',
        'p90',
        'phase: ours / naive',
      ],
      result.sizes.map((s) => [
        s.deploys,
        `${(s.logBytes / 1e6).toFixed(1)} MB`,
        `${(s.snapshotBytes / 1e6).toFixed(2)} MB`,
        s.phase?.runs ?? 0,
        ...cell(s.current),
        ...cell(s.phase),
        ...cell(s.naiveCurrent),
        ...cell(s.naivePhase),
        times(ratio(s.phase, s.naivePhase)),
      ]),
    ),
    ...result.skipped.map((s) => `(${s.deploys} deploys not measured: ${s.reason})`),
    '',
    table(
      ['ratio of medians', 'measured'],
      [
        ['phase at 10,000 / phase at 100', times(r.phase10kOverPhase100)],
        ['phase at 10,000 / naive phase at 10,000', times(r.phase10kOverNaive10k)],
        ['phase at 100,000 / naive phase at 100,000', times(r.phase100kOverNaive100k)],
        ['--version / node -e 0', times(r.versionOverNode)],
        ['current at 100 / node -e 0', times(r.current100OverNode)],
      ],
    ),
  ].join('\n')
}

/** The targets of the cold CLI, as run.mjs lists them: [name, measured, met]. */
export const coldCliTargets = (result) => {
  const r = result.ratios
  const target = (name, value, limit) => [
    name,
    value === undefined ? 'not measured' : `${value.toFixed(2)}x`,
    value !== undefined && value <= limit,
  ]
  return [
    target('cold CLI: phase at 10,000 deploys at most 1.5x phase at 100', r.phase10kOverPhase100, 1.5),
    target('cold CLI: phase at 10,000 deploys no more than the naive CLI', r.phase10kOverNaive10k, 1),
    target('cold CLI: phase at 100,000 deploys at most 0.5x the naive CLI', r.phase100kOverNaive100k, 0.5),
    target('cold CLI: --version at most 2x a bare node -e 0', r.versionOverNode, 2),
    target('cold CLI: current at 100 deploys at most 2x a bare node -e 0', r.current100OverNode, 2),
  ]
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } } })
  const write = (text) => process.stdout.write(`${text}\n`)
  const result = await coldCli({ quick: values.quick === true, log: write })
  write(`\n${coldCliReport(result)}\n`)
  write(
    table(
      ['target', 'measured', 'met'],
      coldCliTargets(result).map(([name, measured, met]) => [name, measured, met ? 'yes' : 'NO']),
    ),
  )
  if (values.json !== undefined) {
    writeFileSync(
      values.json,
      `${JSON.stringify({ coldCli: result, targets: coldCliTargets(result).map(([name, measured, met]) => ({ name, measured, met })) }, null, 2)}\n`,
    )
    write(`\nFigures written to ${values.json}`)
  }
}
