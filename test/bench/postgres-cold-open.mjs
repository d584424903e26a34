// @ts-check
/**
 * Cold open on PostgreSQL: a fresh process opens a store of N full deploys (13 events each) and
 * answers getCurrentRelease('prod'), from the projection (after) and by replaying every event
 * (before: the projection's row deleted, which is what a store without one does, warning once).
 * Also what the projection costs to build: the migration that brings it to an existing history (a
 * replay and an insert of every row), and the first write of a process that found it unusable
 * (a replay, then a rebuild in the append's transaction).
 *
 * The store is made as an existing history would be: a schema of the previous version (events
 * only), its events inserted directly from a generated log (the real lines and hash chain), then
 * migrated by the module.
 *
 *   node test/bench/postgres-cold-open.mjs [--sizes 10000,100000] [--runs 3] [--json PATH]
 *
 * Uses STAGECRAFT_BENCH_DATABASE_URL, else STAGECRAFT_TEST_DATABASE_URL, else the local server,
 * in a throwaway schema dropped afterwards. `npm run build` first: it runs dist/.
 */
import { execFileSync } from 'node:child_process'
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { createStateManager, postgresStore } from '../../dist/index.js'
import { resolvePostgresConfig } from '../../dist/store/postgres/config.js'
import { eventsInsert, parameters, rowsAfter } from '../../dist/store/postgres/events-table.js'
import { migrate, MIGRATIONS } from '../../dist/store/postgres/migrations.js'
import { GENESIS_HASH } from '../../dist/store/log-line.js'
import { writeDeployLog } from './generate.mjs'
import { cpuMs, ms, table } from './stats.mjs'

const DATABASE_URL =
  process.env['STAGECRAFT_BENCH_DATABASE_URL'] ||
  process.env['STAGECRAFT_TEST_DATABASE_URL'] ||
  'postgres://postgres@127.0.0.1:5432/test'
const SELF = new URL(import.meta.url).pathname

/** In a child: open the store, answer one question (or make one release), say what it cost. */
const child = async (schema, operation) => {
  const cpuBefore = cpuMs()
  const start = performance.now()
  const warnings = []
  const manager = createStateManager({
    store: postgresStore({ connectionString: DATABASE_URL, schema }),
    onWarning: (warning) => void warnings.push(warning),
  })
  const current =
    operation === 'write'
      ? (await manager.createRelease('prod', 'v-bench', 'abcdef123456')).release
      : await manager.getCurrentRelease('prod')
  const wallMs = performance.now() - start
  const spentMs = cpuMs() - cpuBefore
  await manager.close()
  process.stdout.write(
    JSON.stringify({
      wallMs,
      cpuMs: spentMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      current: current.id,
      warnings,
    }),
  )
}

const pg = async () => (await import('pg')).default

/** Runs `use` with a connection of its own. */
const withClient = async (use) => {
  const client = new (await pg()).Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/** A schema as the previous version of the module left it, holding the events of the log at `path`. */
export const versionOneSchema = async (config, path) =>
  withClient(async (client) => {
    await client.query(`CREATE SCHEMA ${config.quotedSchema}`)
    await client.query(
      `CREATE TABLE ${config.migrations} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)`,
    )
    for (const statement of MIGRATIONS[0].statements(config)) await client.query(statement)
    await client.query(`INSERT INTO ${config.migrations} (version, description) VALUES (1, $1)`, [
      MIGRATIONS[0].description,
    ])
    let at = { position: 0, hash: GENESIS_HASH }
    let batch = []
    const flush = async () => {
      const rows = rowsAfter(at, batch)
      const params = parameters()
      await client.query(eventsInsert(config, rows, params), params.values)
      const last = rows.at(-1)
      at = { position: last.position, hash: last.hash }
      batch = []
    }
    await client.query('BEGIN')
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      const { prev: _prev, ...envelope } = JSON.parse(line)
      batch.push(envelope)
      if (batch.length >= 5000) await flush()
    }
    if (batch.length > 0) await flush()
    await client.query('COMMIT')
    return at.position
  })

/**
 * A fresh process on `schema` answering getCurrentRelease('prod') (`read`) or creating a release
 * (`write`), `runs` times: the fastest run counts, the highest peak memory is kept.
 */
export const measure = (schema, operation, runs) => {
  const results = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    const output = execFileSync(process.execPath, [SELF, '--child', operation, '--schema', schema], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    })
    results.push({ ...JSON.parse(output), processMs: performance.now() - started })
  }
  const best = results.reduce((a, b) => (b.wallMs < a.wallMs ? b : a))
  return {
    wallMs: best.wallMs,
    cpuMs: best.cpuMs,
    processMs: best.processMs,
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    warnings: best.warnings,
  }
}

const sizeOf = (client, table) =>
  client
    .query(`SELECT pg_total_relation_size($1)::bigint AS bytes`, [table])
    .then((result) => Number(result.rows[0].bytes))

/** Cold open of a PostgreSQL store of `releases` deploys, before and after the projection. */
export const postgresColdOpen = async (releases, runs = 3, log = () => undefined) => {
  const schema = `bench_cold_${process.pid}_${releases}`
  const resolved = resolvePostgresConfig({ connectionString: DATABASE_URL, schema }, process.cwd())
  if (resolved._tag === 'Left') throw resolved.left
  const config = resolved.right
  const dir = mkdtempSync(join(tmpdir(), `bench-pg-cold-${releases}-`))
  try {
    const log_ = join(dir, 'releases.events.ndjson')
    const events = await writeDeployLog(log_, releases)
    let started = performance.now()
    await versionOneSchema(config, log_)
    const insertSeconds = (performance.now() - started) / 1000
    log(`  ${releases} deploys: ${events} events inserted in ${insertSeconds.toFixed(1)} s`)
    started = performance.now()
    await withClient((client) => migrate(client, config))
    const migrateSeconds = (performance.now() - started) / 1000
    log(`  migrated to version 2 (the projection built by a replay) in ${migrateSeconds.toFixed(1)} s`)
    const sizes = await withClient(async (client) => ({
      eventsMb: (await sizeOf(client, config.events)) / 1e6,
      releasesMb: (await sizeOf(client, config.releases)) / 1e6,
    }))
    const after = measure(schema, 'read', runs)
    log(`  after: ${ms(after.wallMs)} ms`)
    // A cold write reads the projection under the write lock, then appends (and changes it).
    const coldWrite = measure(schema, 'write', runs)
    await withClient((client) => client.query(`DELETE FROM ${config.projection}`))
    const before = measure(schema, 'read', runs)
    log(`  before (replay): ${ms(before.wallMs)} ms`)
    // A process that found the projection unusable: it replays, then its write rebuilds it whole.
    const rebuild = measure(schema, 'write', 1)
    const rebuilt = measure(schema, 'read', 1)
    return {
      releases,
      events,
      insertSeconds,
      migrateSeconds,
      ...sizes,
      before,
      after,
      coldWrite,
      rebuildingWrite: rebuild,
      afterRebuild: rebuilt,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined)
  }
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      schema: { type: 'string' },
      sizes: { type: 'string', default: '10000,100000' },
      runs: { type: 'string', default: '3' },
      json: { type: 'string' },
    },
  })

  if (values.child !== undefined) await child(values.schema, values.child)
  else {
    const out = (text) => process.stdout.write(`${text}\n`)
    const results = []
    for (const size of values.sizes.split(',').map(Number))
      results.push(await postgresColdOpen(size, Number(values.runs), out))
    out(
      "\nCold open on PostgreSQL: a fresh process, createStateManager to getCurrentRelease('prod') (fastest of the runs; peak RSS the highest)",
    )
    out(
      table(
        [
          'deploys',
          'events',
          'events MB',
          'projection MB',
          'replay ms',
          'replay CPU',
          'replay RSS',
          'projection ms',
          'projection CPU',
          'projection RSS',
          'speed-up',
        ],
        results.map((r) => [
          r.releases,
          r.events,
          r.eventsMb.toFixed(0),
          r.releasesMb.toFixed(0),
          ms(r.before.wallMs),
          ms(r.before.cpuMs),
          `${r.before.peakRssMb.toFixed(0)} MB`,
          ms(r.after.wallMs),
          ms(r.after.cpuMs),
          `${r.after.peakRssMb.toFixed(0)} MB`,
          `${(r.before.wallMs / r.after.wallMs).toFixed(0)}x`,
        ]),
      ),
    )
    out(
      '\nA cold write (createRelease in a fresh process); building the projection: the migration to version 2 (replay, insert),',
    )
    out('and the first write of a process that found it unusable (replay, rebuild, append)')
    out(
      table(
        ['deploys', 'cold write ms', 'its RSS', 'migration s', 'rebuilding write ms', 'its RSS', 'open after it ms'],
        results.map((r) => [
          r.releases,
          ms(r.coldWrite.wallMs),
          `${r.coldWrite.peakRssMb.toFixed(0)} MB`,
          r.migrateSeconds.toFixed(1),
          ms(r.rebuildingWrite.wallMs),
          `${r.rebuildingWrite.peakRssMb.toFixed(0)} MB`,
          ms(r.afterRebuild.wallMs),
        ]),
      ),
    )
    if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`)
  }
}
