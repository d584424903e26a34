// @ts-check
/** Opens the store at argv[2] in a fresh process and answers getCurrentRelease; prints what it cost. */
import { createStateManager } from '../../dist/index.js'
import { cpuMs } from './stats.mjs'

const stateFile = process.argv[2] ?? ''
const cpuBefore = cpuMs()
const start = performance.now()
// Quiet: without a checkpoint the store says, once, that it replays the whole log.
const manager = createStateManager({ stateFile, onWarning: () => undefined })
const current = await manager.getCurrentRelease('prod')
const wallMs = performance.now() - start
process.stdout.write(
  JSON.stringify({
    wallMs,
    cpuMs: cpuMs() - cpuBefore,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    current: current.id,
  }),
)
