// @ts-check
/** Answers `stats` over the whole history of the store at argv[2] in a fresh process; prints what it cost. */
import { createStateManager } from '../../dist/index.js'
import { cpuMs } from './stats.mjs'

const stateFile = process.argv[2] ?? ''
const cpuBefore = cpuMs()
const start = performance.now()
const manager = createStateManager({ stateFile, onWarning: () => undefined })
// The generated deploys start on 2020-01-01: by default a window over all of them, the most a call can measure.
const since = process.argv[3] ?? '2020-01-01T00:00:00Z'
const stats = await manager.stats({ since, until: '2030-01-01T00:00:00Z' })
const wallMs = performance.now() - start
process.stdout.write(
  JSON.stringify({
    wallMs,
    cpuMs: cpuMs() - cpuBefore,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    releases: stats.overall.frequency.created,
  }),
)
