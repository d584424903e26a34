// @ts-check
/**
 * The write lock's cost, side by side with the lock file it replaced (decisions/0014): a warm
 * take-and-give-up in a running process, and a fresh process taking it once (what a CLI write
 * pays, the addon's load included).
 */
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireLock } from '../../dist/store/file-lock.js'
import { median, p90 } from './stats.mjs'

const timed = async (runs, step) => {
  const times = []
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint()
    await step()
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return { medianMs: median(times), p90Ms: p90(times) }
}

/** The lock file of 0.2: created with O_EXCL holding its holder's name, read back and removed on release. */
const exclusiveFile = (path) => {
  const fd = openSync(path, 'wx')
  writeSync(
    fd,
    JSON.stringify({ pid: process.pid, host: hostname(), token: 'x'.repeat(24), since: new Date().toISOString() }),
  )
  closeSync(fd)
  readFileSync(path, 'utf8')
  unlinkSync(path)
}

const kernelLock = async (path) => {
  const lock = await acquireLock(path, { timeoutMs: 1000 })()
  if (lock._tag === 'Left') throw lock.left
  await lock.right.release()
}

// The first take in a fresh process, the module already imported: the addon's load and the first open.
const firstTake = (path) =>
  Number(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(new URL('../../dist/store/file-lock.js', import.meta.url).href)}); const t = process.hrtime.bigint(); const l = await m.acquireLock(${JSON.stringify(path)}, { timeoutMs: 1000 })(); await l.right.release(); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6))`,
      ],
      { encoding: 'utf8' },
    ),
  )

/** Warm and cold costs of both locks, in ms. */
export const lockCost = async (runs) => {
  const directory = mkdtempSync(join(tmpdir(), 'stagecraft-lock-bench-'))
  try {
    const path = join(directory, 'releases.events.ndjson.lock')
    await timed(50, () => kernelLock(path)) // the addon loaded, the file created
    const warm = {
      kernel: await timed(runs, () => kernelLock(path)),
      file: await timed(runs, () => exclusiveFile(join(directory, 'releases.json.lock'))),
    }
    const cold = Array.from({ length: Math.max(5, Math.round(runs / 50)) }, () => firstTake(path))
    return { warm, coldFirstTake: { medianMs: median(cold), p90Ms: p90(cold) } }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
