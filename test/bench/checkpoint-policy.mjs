// @ts-check
/**
 * How often the checkpoint should be written again: what a tail of events after it costs a cold
 * open to fold, against what writing a new checkpoint costs the write that does it. Run alone:
 * `node test/bench/checkpoint-policy.mjs [--deploys N]` (after `npm run build`); the figures and
 * the choice they led to are in docs/performance.md.
 *
 * A store of N deploys gets its first checkpoint from one write; then deploys are made through a
 * manager whose store never writes another, and after each tail size a fresh process opens the
 * store and answers getCurrentRelease (fastest of 5). Separately, the time to write a checkpoint
 * of that store, from scratch and spliced from the one before.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createStateManager, PHASES } from '../../dist/index.js'
import { openCheckpoint, writeCheckpoint } from '../../dist/store/checkpoint-file.js'
import { fileStore } from '../../dist/store/file-store.js'
import { storePaths } from '../../dist/store/paths.js'
import { writeDeployLog } from './generate.mjs'
import { ms, table } from './stats.mjs'

const { values } = parseArgs({ options: { deploys: { type: 'string', default: '10000' } } })
const deploys = Number(values.deploys)
const child = new URL('./cold-open-child.mjs', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'bench-checkpoint-policy-'))
const stateFile = join(dir, 'releases.json')
const paths = storePaths(stateFile)

const coldOpenMs = () => {
  let best = Infinity
  for (let run = 0; run < 5; run++)
    best = Math.min(best, JSON.parse(execFileSync(process.execPath, [child, stateFile], { encoding: 'utf8' })).wallMs)
  return best
}

try {
  await writeDeployLog(paths.eventLog, deploys)
  const neverAgain = {
    open: (context) => ({
      _tag: 'Right',
      right: fileStore(paths, { ...context, checkpointTailBytes: Number.POSITIVE_INFINITY }),
    }),
  }
  const manager = createStateManager({ stateFile, store: neverAgain, onWarning: () => undefined })
  await manager.createRelease('prod', 'checkpointed', 'abcdef1')
  const anchor = statSync(paths.eventLog).size
  const rows = []
  for (const tailBytes of [0, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024]) {
    while (statSync(paths.eventLog).size - anchor < tailBytes) {
      const { release } = await manager.createRelease('staging', 'tail', 'abcdef1')
      for (const phase of PHASES) {
        await manager.updatePhase(release.id, phase, 'running')
        await manager.updatePhase(release.id, phase, 'completed')
      }
    }
    rows.push([`${((statSync(paths.eventLog).size - anchor) / 1024).toFixed(0)} KiB`, `${ms(coldOpenMs())} ms`])
  }
  await manager.close()

  // Writing a checkpoint of this store: from scratch (every release encoded), and spliced from
  // the one before after one more deploy.
  const log = statSync(paths.eventLog)
  const opened = await openCheckpoint(paths, log.size, log.ino)()
  if (opened._tag === 'Left' || opened.right.kind !== 'usable') throw new Error('no checkpoint to start from')
  const loadedStore = fileStore(paths, { lockTimeoutMs: 10_000, onWarning: () => undefined, now: () => new Date() })
  const loaded = await loadedStore.load({
    state: opened.right.loaded.state,
    cursor: opened.right.loaded.cursor,
    lastRecordedAt: opened.right.loaded.lastRecordedAt,
  })()
  if (loaded._tag === 'Left') throw loaded.left
  const time = async (what, held) => {
    const start = performance.now()
    const written = await writeCheckpoint(paths, held, loaded.right)()
    if (written._tag === 'Left') throw written.left
    return [what, `${ms(performance.now() - start)} ms`, `${(statSync(paths.checkpoint).size / 1e6).toFixed(1)} MB`]
  }
  const writes = [await time('from scratch', undefined), await time('spliced from the last one', opened.right.held)]

  process.stdout.write(
    `Checkpoint policy at ${deploys} deploys\n\nCold open (getCurrentRelease, fresh process, fastest of 5) by the tail folded after the checkpoint\n`,
  )
  process.stdout.write(
    `${table(['tail', 'cold open'], rows)}\n\nWriting a checkpoint\n${table(['how', 'time', 'size'], writes)}\n`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
