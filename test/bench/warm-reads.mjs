// @ts-check
/**
 * Warm reads: getRelease, getCurrentRelease and listReleases(env) on an open manager over an
 * unchanged store of N deploys. Each figure is the median over batches of many calls.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStateManager } from '../../dist/index.js'
import { releaseIdAt, unlessNoCheckpoint, writeDeployLog } from './generate.mjs'
import { median } from './stats.mjs'

const perCall = async (call, batches = 20, perBatch = 2000) => {
  for (let i = 0; i < perBatch; i++) await call(i) // warm up
  const micros = []
  for (let b = 0; b < batches; b++) {
    const start = performance.now()
    for (let i = 0; i < perBatch; i++) await call(i)
    micros.push(((performance.now() - start) * 1000) / perBatch)
  }
  return median(micros)
}

/** Warm read latencies in microseconds on a store of `releases` deploys. */
export const warmReads = async (releases) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-warm-${releases}-`))
  try {
    await writeDeployLog(join(dir, 'releases.events.ndjson'), releases)
    const manager = createStateManager({ stateFile: join(dir, 'releases.json'), onWarning: unlessNoCheckpoint })
    await manager.getCurrentRelease('prod')
    return {
      releases,
      getReleaseUs: await perCall((i) => manager.getRelease(releaseIdAt((i * 7919) % releases))),
      getCurrentReleaseUs: await perCall(() => manager.getCurrentRelease('prod')),
      listReleasesUs: await perCall(() => manager.listReleases('staging')),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
