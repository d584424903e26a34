// @ts-check
/**
 * Contention: several processes deploying to one store at once, on top of N imported releases.
 * Deploys per second overall, and the proof that nothing was lost: every release each process
 * created is there with every phase completed, and verify finds the store sound.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStateManager, PHASES, storeAt } from '../../dist/index.js'
import { snapshotText } from './generate.mjs'

const child = new URL('./contention-child.mjs', import.meta.url).pathname

const run = (args) => {
  const writer = spawn(process.execPath, [child, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  let signalReady
  const ready = new Promise((resolve) => (signalReady = resolve))
  writer.stdout.on('data', (chunk) => {
    out += chunk
    if (out.startsWith('ready\n')) signalReady()
  })
  const done = new Promise((resolve, reject) =>
    writer.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length))) : reject(new Error(`writer exited with ${code}`)),
    ),
  )
  return { ready, go: () => writer.stdin.end('go\n'), done }
}

/** Runs `writers` processes on the store at `location` (already holding what the caller put there). */
export const contend = async (location, writers, deploys) => {
  const processes = Array.from({ length: writers }, (_, i) => run([location, `writer${i}`, String(deploys)]))
  await Promise.all(processes.map((p) => p.ready)) // every writer has loaded the store
  const start = performance.now()
  for (const p of processes) p.go()
  const created = await Promise.all(processes.map((p) => p.done))
  const seconds = (performance.now() - start) / 1000
  const manager = createStateManager({ store: storeAt(location) })
  const all = await manager.listAllReleases()
  const byId = new Map(all.map((r) => [r.id, r]))
  const lost = created.flat().filter((id) => !PHASES.every((phase) => byId.get(id)?.phases[phase] === 'completed'))
  const report = await manager.verify()
  await manager.close()
  return {
    writers,
    deploysEach: deploys,
    seconds,
    deploysPerSecond: (writers * deploys) / seconds,
    releasesAfter: all.length,
    lost: lost.length,
    sound: report.sound,
  }
}

/** `writers` processes each making `deploys` deploys on a file store of `size` imported releases. */
export const contention = async (writers, deploys, size) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-contention-'))
  try {
    const stateFile = join(dir, '.stagecraft', 'releases.json')
    mkdirSync(join(dir, '.stagecraft'))
    writeFileSync(stateFile, snapshotText(size))
    await createStateManager({ stateFile }).importSnapshot()
    return { size, ...(await contend(stateFile, writers, deploys)) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
