// @ts-check
/**
 * Cold open: a fresh process opens a store of N full deploys (13 events each) and answers
 * getCurrentRelease: the time, the CPU time and the peak resident memory, i.e. replay throughput.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDeployLog } from './generate.mjs'

const child = new URL('./cold-open-child.mjs', import.meta.url).pathname

/** Cold open of a store of `releases` deploys, `runs` times (the fastest run counts). */
export const coldOpen = async (releases, runs = 3) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-cold-${releases}-`))
  try {
    const events = await writeDeployLog(join(dir, 'releases.events.ndjson'), releases)
    const results = []
    for (let run = 0; run < runs; run++) {
      results.push(JSON.parse(execFileSync(process.execPath, [child, join(dir, 'releases.json')], { encoding: 'utf8', maxBuffer: 1 << 20 })))
    }
    const best = results.reduce((a, b) => (b.wallMs < a.wallMs ? b : a))
    return {
      releases,
      events,
      logBytes: statSync(join(dir, 'releases.events.ndjson')).size,
      wallMs: best.wallMs,
      cpuMs: best.cpuMs,
      eventsPerSecond: events / (best.wallMs / 1000),
      eventsPerCpuSecond: events / (best.cpuMs / 1000),
      peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
