// @ts-check
/**
 * Cold open: a fresh process opens a store of N full deploys (13 events each) and answers
 * getCurrentRelease: the time, the CPU time and the peak resident memory. Twice: by replaying the
 * whole log (the replay throughput, what verify and a store without a checkpoint pay), and from
 * the checkpoint one write leaves (what a command of a deploy tool pays).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStateManager } from '../../dist/index.js'
import { writeDeployLog } from './generate.mjs'

const child = new URL('./cold-open-child.mjs', import.meta.url).pathname

/** Cold open of a store of `releases` deploys, `runs` times (the fastest run counts). */
export const coldOpen = async (releases, runs = 3) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-cold-${releases}-`))
  try {
    const stateFile = join(dir, 'releases.json')
    const events = await writeDeployLog(join(dir, 'releases.events.ndjson'), releases)
    const measure = () => {
      const results = []
      for (let run = 0; run < runs; run++)
        results.push(
          JSON.parse(execFileSync(process.execPath, [child, stateFile], { encoding: 'utf8', maxBuffer: 1 << 20 })),
        )
      const best = results.reduce((a, b) => (b.wallMs < a.wallMs ? b : a))
      return { wallMs: best.wallMs, cpuMs: best.cpuMs, peakRssMb: Math.max(...results.map((r) => r.peakRssMb)) }
    }
    const replay = measure()
    // One write, as a deploy tool's first step makes: it leaves a checkpoint (and releases.json).
    const writer = createStateManager({ stateFile, onWarning: () => undefined })
    await writer.createRelease('prod', 'checkpointed', 'abcdef1')
    await writer.close()
    const checkpointed = measure()
    return {
      releases,
      events,
      logBytes: statSync(join(dir, 'releases.events.ndjson')).size,
      checkpointBytes: statSync(join(dir, 'releases.checkpoint')).size,
      ...replay,
      eventsPerSecond: events / (replay.wallMs / 1000),
      eventsPerCpuSecond: events / (replay.cpuMs / 1000),
      fromCheckpoint: checkpointed,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
