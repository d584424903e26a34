// @ts-check
/**
 * Deploy metrics: a fresh process answers `stats` over every release of a store of N full deploys (13 events each),
 * through the API and through the CLI (`stats -o json`, end to end): the time, the CPU time and the peak resident
 * memory, the fastest of a few runs. `stats` reads the whole log whatever the checkpoint, so a store is measured as
 * one write leaves it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDeployLog } from './generate.mjs'

const child = new URL('./metrics-child.mjs', import.meta.url).pathname
const cliMain = new URL('../../dist/cli/main.js', import.meta.url).pathname

// The CLI in a child whose peak memory /usr/bin/time is not needed for: the child reports its own (resourceUsage).
const cliRun = (stateFile) => {
  const start = performance.now()
  const out = execFileSync(
    process.execPath,
    [cliMain, 'stats', '--since', '2020-01-01', '--until', '2030-01-01', '-o', 'json', '--state-file', stateFile],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  )
  return { wallMs: performance.now() - start, releases: JSON.parse(out).overall.frequency.created }
}

/** `stats` over a store of `releases` deploys, `runs` times each way (the fastest run counts; peak RSS the most). */
export const metrics = async (releases, runs = 3) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-stats-${releases}-`))
  try {
    const stateFile = join(dir, 'releases.json')
    const events = await writeDeployLog(join(dir, 'releases.events.ndjson'), releases)
    const api = []
    const cli = []
    const lastDay = []
    // The last day of the generated history (a deploy a minute): 1,440 releases measured, every event still read.
    const dayBefore = new Date(Date.UTC(2020, 0, 1) + releases * 60_000 - 86_400_000).toISOString()
    for (let run = 0; run < runs; run++) {
      api.push(JSON.parse(execFileSync(process.execPath, [child, stateFile], { encoding: 'utf8' })))
      cli.push(cliRun(stateFile))
      lastDay.push(JSON.parse(execFileSync(process.execPath, [child, stateFile, dayBefore], { encoding: 'utf8' })))
    }
    const best = (results) => results.reduce((a, b) => (b.wallMs < a.wallMs ? b : a))
    const fastest = best(api)
    if (fastest.releases !== releases || best(cli).releases !== releases)
      throw new Error(`stats counted ${fastest.releases} releases of ${releases}`)
    return {
      releases,
      events,
      logBytes: statSync(join(dir, 'releases.events.ndjson')).size,
      wallMs: fastest.wallMs,
      cpuMs: fastest.cpuMs,
      peakRssMb: Math.max(...api.map((r) => r.peakRssMb)),
      eventsPerSecond: events / (fastest.wallMs / 1000),
      cliWallMs: best(cli).wallMs,
      lastDay: { ...best(lastDay), peakRssMb: Math.max(...lastDay.map((r) => r.peakRssMb)) },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
