// @ts-check
/**
 * `npm run bench [-- --json PATH] [-- --quick]`: measures the module against its targets and the
 * naive baseline, prints the tables, and writes the same figures as JSON when asked.
 * Not part of `npm test`: these machines are shared and noisy, so speed is measured here, where a
 * person reads the figures, never asserted by a unit test.
 */
import { writeFileSync } from 'node:fs'
import { cpus, hostname, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { coldCli, coldCliReport, coldCliTargets } from './cold-cli.mjs'
import { coldOpen } from './cold-open.mjs'
import { contention } from './contention.mjs'
import { deployCost } from './deploy-cost.mjs'
import { lockCost } from './lock.mjs'
import { metrics } from './metrics.mjs'
import { DATABASE_URL, postgresBenchmarks } from './postgres.mjs'
import { reportAtScale, reportTable } from './report.mjs'
import { ms, table } from './stats.mjs'
import { warmReads } from './warm-reads.mjs'

const { values } = parseArgs({ options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } } })
const quick = values.quick === true
const log = (text) => process.stdout.write(`${text}\n`)

const machine = {
  host: hostname(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  load: (await import('node:os')).loadavg(),
}
log(
  `stagecraft-state benchmarks on ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, load ${machine.load.map((l) => l.toFixed(1)).join(' ')}${quick ? ' (quick)' : ''}\n`,
)

const sizes = quick
  ? [
      [100, 10],
      [1000, 10],
      [10000, 5],
    ]
  : [
      [100, 30],
      [1000, 30],
      [10000, 20],
      [100000, 5],
    ]
const deploy = []
for (const [size, deploys] of sizes) {
  deploy.push(await deployCost(size, deploys))
  log(`  deploy cost measured at ${size} releases`)
}
log('\nDeploy cost: createRelease + 12 updatePhase, per deploy and per call (ms)')
log(
  table(
    [
      'releases',
      'releases.json',
      'ours median',
      'ours p90',
      'per call',
      'call p90',
      'naive median',
      'naive p90',
      'naive call',
      'naive / ours',
    ],
    deploy.map((d) => [
      d.size,
      `${(d.snapshotBytes / 1e6).toFixed(2)} MB`,
      ms(d.module.deployMedianMs),
      ms(d.module.deployP90Ms),
      ms(d.module.callMedianMs),
      ms(d.module.callP90Ms),
      ms(d.baseline.deployMedianMs),
      ms(d.baseline.deployP90Ms),
      ms(d.baseline.callMedianMs),
      `${d.ratio.toFixed(1)}x`,
    ]),
  ),
)

const cold = [await coldOpen(quick ? 10000 : 100000)]
log(
  '\nCold open: a fresh process opens the store and answers getCurrentRelease, replaying the whole log, then from a checkpoint (fastest of 3)',
)
log(
  table(
    [
      'releases',
      'events',
      'log',
      'replay wall',
      'cpu',
      'events/s',
      'events/cpu-s',
      'peak RSS',
      'checkpoint',
      'from it: wall',
      'peak RSS',
    ],
    cold.map((c) => [
      c.releases,
      c.events,
      `${(c.logBytes / 1e6).toFixed(0)} MB`,
      `${ms(c.wallMs)} ms`,
      `${ms(c.cpuMs)} ms`,
      Math.round(c.eventsPerSecond),
      Math.round(c.eventsPerCpuSecond),
      `${c.peakRssMb.toFixed(0)} MB`,
      `${(c.checkpointBytes / 1e6).toFixed(1)} MB`,
      `${ms(c.fromCheckpoint.wallMs)} ms`,
      `${c.fromCheckpoint.peakRssMb.toFixed(0)} MB`,
    ]),
  ),
)

const cli = await coldCli({ quick, log })
log(`\n${coldCliReport(cli)}`)

const warm = await warmReads(quick ? 2000 : 10000)
log('\nWarm reads on an open manager over an unchanged store (median of batches, microseconds per call)')
log(
  table(
    ['releases', 'getRelease', 'getCurrentRelease', 'listReleases(env)'],
    [
      [
        warm.releases,
        warm.getReleaseUs.toFixed(2),
        warm.getCurrentReleaseUs.toFixed(2),
        warm.listReleasesUs.toFixed(2),
      ],
    ],
  ),
)

const contended = await contention(4, quick ? 5 : 25, 1000)
log('\nContention: 4 processes deploying to one store at once (on 1,000 imported releases)')
log(
  table(
    ['writers', 'deploys each', 'seconds', 'deploys/s', 'releases after', 'lost', 'verify'],
    [
      [
        contended.writers,
        contended.deploysEach,
        contended.seconds.toFixed(1),
        contended.deploysPerSecond.toFixed(1),
        contended.releasesAfter,
        contended.lost,
        contended.sound ? 'sound' : 'UNSOUND',
      ],
    ],
  ),
)

const pgSize = quick ? 2000 : 10000
let postgres
try {
  postgres = await postgresBenchmarks(pgSize, quick ? 3 : 10, 4, quick ? 3 : 10)
  log(
    `\nPostgreSQL store (${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}): ${pgSize} releases migrated in from a file log in ${postgres.migrateSeconds.toFixed(1)} s`,
  )
  const file = deploy.find((d) => d.size === pgSize)
  log(
    table(
      ['releases', 'deploy median', 'deploy p90', 'per call', 'call p90', 'file store median', 'naive median'],
      [
        [
          pgSize,
          ms(postgres.deploy.deployMedianMs),
          ms(postgres.deploy.deployP90Ms),
          ms(postgres.deploy.callMedianMs),
          ms(postgres.deploy.callP90Ms),
          file === undefined ? '-' : ms(file.module.deployMedianMs),
          file === undefined ? '-' : ms(file.baseline.deployMedianMs),
        ],
      ],
    ),
  )
  const c = postgres.contention
  log(
    table(
      ['writers', 'deploys each', 'seconds', 'deploys/s', 'releases after', 'lost', 'verify'],
      [
        [
          c.writers,
          c.deploysEach,
          c.seconds.toFixed(1),
          c.deploysPerSecond.toFixed(1),
          c.releasesAfter,
          c.lost,
          c.sound ? 'sound' : 'UNSOUND',
        ],
      ],
    ),
  )
} catch (error) {
  postgres = { error: error instanceof Error ? error.message : String(error) }
  log(`\nPostgreSQL store: not measured (${postgres.error})`)
}

const lock = await lockCost(quick ? 500 : 2000)
log('\nThe write lock: take and give up (ms), the kernel lock (decisions/0014) beside the O_EXCL lock file of 0.2')
log(
  table(
    ['', 'kernel lock median', 'p90', 'lock file median', 'p90'],
    [
      [
        'warm',
        ms(lock.warm.kernel.medianMs),
        ms(lock.warm.kernel.p90Ms),
        ms(lock.warm.file.medianMs),
        ms(lock.warm.file.p90Ms),
      ],
      ['first take of a fresh process', ms(lock.coldFirstTake.medianMs), ms(lock.coldFirstTake.p90Ms), '-', '-'],
    ],
  ),
)

const deployMetrics = []
for (const size of quick ? [10000] : [10000, 100000]) deployMetrics.push(await metrics(size, quick ? 2 : 3))
log('\nDeploy metrics: a fresh process answers stats over every release (13 events each), fastest of 3')
log(
  table(
    [
      'releases',
      'events',
      'log',
      'API wall',
      'cpu',
      'events/s',
      'peak RSS',
      'CLI -o json',
      'last day: wall',
      'peak RSS',
    ],
    deployMetrics.map((m) => [
      m.releases,
      m.events,
      `${(m.logBytes / 1e6).toFixed(0)} MB`,
      `${ms(m.wallMs)} ms`,
      `${ms(m.cpuMs)} ms`,
      Math.round(m.eventsPerSecond),
      `${m.peakRssMb.toFixed(0)} MB`,
      `${ms(m.cliWallMs)} ms`,
      `${ms(m.lastDay.wallMs)} ms`,
      `${m.lastDay.peakRssMb.toFixed(0)} MB`,
    ]),
  ),
)

const reports = []
for (const size of quick ? [10000] : [10000, 100000]) reports.push(await reportAtScale(size, quick ? 2 : 3))
log('\nThe HTML report (ms): report --html from a cold CLI, then headless Chromium to the load event')
log(reportTable(reports))
const report10k = reports.find((r) => r.releases === 10000)

const at10k = deploy.find((d) => d.size === 10000)
const targets = [
  [
    'deploy at 10,000 releases at least 10x faster than the naive baseline',
    at10k === undefined ? 'not measured' : `${at10k.ratio.toFixed(1)}x`,
    at10k !== undefined && at10k.ratio >= 10,
  ],
  [
    'full replay (cold open without a checkpoint, verify) at least 500,000 events/s',
    `${Math.round(cold[0].eventsPerSecond)} events/s (${Math.round(cold[0].eventsPerCpuSecond)} per CPU-second)`,
    cold[0].eventsPerSecond >= 500_000,
  ],
  ['full replay peak memory under 512 MB', `${cold[0].peakRssMb.toFixed(0)} MB`, cold[0].peakRssMb < 512],
  [
    'the report at 10,000 releases reaches its load event within 2 s in headless Chromium',
    report10k?.loadMaxMs == null ? 'not measured (no Chromium)' : `${ms(report10k.loadMaxMs)} ms at most`,
    report10k?.loadMaxMs != null && report10k.loadMaxMs < 2000,
  ],
  ...coldCliTargets(cli),
  [
    'warm reads under 50 microseconds',
    `${Math.max(warm.getReleaseUs, warm.getCurrentReleaseUs, warm.listReleasesUs).toFixed(2)} us at most`,
    Math.max(warm.getReleaseUs, warm.getCurrentReleaseUs, warm.listReleasesUs) < 50,
  ],
  [
    'nothing lost under contention',
    `${contended.lost} lost, verify ${contended.sound ? 'sound' : 'unsound'}`,
    contended.lost === 0 && contended.sound,
  ],
  ...(postgres.contention === undefined
    ? []
    : [
        [
          'nothing lost under contention (PostgreSQL)',
          `${postgres.contention.lost} lost, verify ${postgres.contention.sound ? 'sound' : 'unsound'}`,
          postgres.contention.lost === 0 && postgres.contention.sound,
        ],
      ]),
]
log('\nTargets')
log(
  table(
    ['target', 'measured', 'met'],
    targets.map(([name, measured, met]) => [name, measured, met ? 'yes' : 'NO']),
  ),
)

if (values.json !== undefined) {
  writeFileSync(
    values.json,
    `${JSON.stringify({ machine, deploy, cold, coldCli: cli, warm, lock, contention: contended, postgres, deployMetrics, reports, targets: targets.map(([name, measured, met]) => ({ name, measured, met })) }, null, 2)}\n`,
  )
  log(`\nFigures written to ${values.json}`)
}
