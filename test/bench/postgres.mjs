// @ts-check
/**
 * The PostgreSQL store in the same benchmarks: deploy cost at N releases (built by writing a file
 * log of N deploys and migrating it in, hashes and all), a fresh process opening it (from its
 * projection: postgres-cold-open.mjs measures that against a full replay) and several processes
 * deploying at once.
 * Uses STAGECRAFT_BENCH_DATABASE_URL, else STAGECRAFT_TEST_DATABASE_URL, else the local server,
 * in a throwaway schema dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStateManager, fileStoreSpec, migrateHistory, PHASES, postgresStore } from '../../dist/index.js'
import { contend } from './contention.mjs'
import { measure } from './postgres-cold-open.mjs'
import { unlessNoCheckpoint, writeDeployLog } from './generate.mjs'
import { median, p90 } from './stats.mjs'

export const DATABASE_URL =
  process.env['STAGECRAFT_BENCH_DATABASE_URL'] ||
  process.env['STAGECRAFT_TEST_DATABASE_URL'] ||
  'postgres://postgres@127.0.0.1:5432/test'

/** The database URL naming `schema` too, whatever query string it already has (sslmode, ...). */
const urlWithSchema = (schema) => {
  const url = new URL(DATABASE_URL)
  url.searchParams.set('schema', schema)
  return url.toString()
}

const dropSchema = async (schema) => {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

const withSchema = async (work) => {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`
  try {
    return await work(schema)
  } finally {
    await dropSchema(schema).catch(() => undefined)
  }
}

/** Deploy cost on PostgreSQL at `size` releases, and `writers` processes deploying at once on it. */
export const postgresBenchmarks = async (size, deploys, writers, deploysEach) =>
  withSchema(async (schema) => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'))
    try {
      await writeDeployLog(join(dir, 'releases.events.ndjson'), size)
      // The migration moves only a store that verifies: give the generated log its releases.json.
      await createStateManager({ stateFile: join(dir, 'releases.json'), onWarning: unlessNoCheckpoint }).reconcile(
        'restore',
      )
      const spec = postgresStore({ connectionString: DATABASE_URL, schema })
      const loadStart = performance.now()
      await migrateHistory(fileStoreSpec(join(dir, 'releases.json')), spec)
      const migrateSeconds = (performance.now() - loadStart) / 1000
      const coldOpen = measure(schema, 'read', 3)
      const manager = createStateManager({ store: spec })
      const deployMs = []
      const callMs = []
      for (let n = -2; n < deploys; n++) {
        const start = performance.now()
        const timed = async (call) => {
          const t = performance.now()
          const value = await call()
          if (n >= 0) callMs.push(performance.now() - t)
          return value
        }
        const { release } = await timed(() => manager.createRelease('prod', `v9.${n}.0`, 'abcdef123456'))
        for (const phase of PHASES) {
          await timed(() => manager.updatePhase(release.id, phase, 'running'))
          await timed(() => manager.updatePhase(release.id, phase, 'completed'))
        }
        if (n >= 0) deployMs.push(performance.now() - start)
      }
      await manager.close()
      const contended = await contend(urlWithSchema(schema), writers, deploysEach)
      return {
        size,
        migrateSeconds,
        coldOpen: { wallMs: coldOpen.wallMs, cpuMs: coldOpen.cpuMs, peakRssMb: coldOpen.peakRssMb },
        deploy: {
          deploys,
          deployMedianMs: median(deployMs),
          deployP90Ms: p90(deployMs),
          callMedianMs: median(callMs),
          callP90Ms: p90(callMs),
        },
        contention: contended,
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
