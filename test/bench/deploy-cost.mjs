// @ts-check
/**
 * Deploy cost: one deploy = createRelease + 12 updatePhase calls (each phase running, then
 * completed), on a store that already holds N releases (imported from a generated
 * releases.json, as a team moving from the Go Stagecraft would), against the naive baseline on
 * a copy of the same file.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStateManager, PHASES } from '../../dist/index.js'
import { snapshotText } from './generate.mjs'
import { naiveStore } from './naive-store.mjs'
import { median, p90 } from './stats.mjs'

const deploy = async (store, n, calls) => {
  const time = async (call) => {
    const start = performance.now()
    const result = await call()
    calls.push(performance.now() - start)
    return result
  }
  const { release } = await time(() =>
    store.createRelease(n % 2 === 0 ? 'prod' : 'staging', `v9.${n}.0`, 'abcdef123456'),
  )
  for (const phase of PHASES) {
    await time(() => store.updatePhase(release.id, phase, 'running'))
    await time(() => store.updatePhase(release.id, phase, 'completed'))
  }
}

const measure = async (store, deploys, warmup) => {
  for (let n = 0; n < warmup; n++) await deploy(store, -1 - n, [])
  const deployMs = []
  const callMs = []
  for (let n = 0; n < deploys; n++) {
    const start = performance.now()
    await deploy(store, n, callMs)
    deployMs.push(performance.now() - start)
  }
  return {
    deployMedianMs: median(deployMs),
    deployP90Ms: p90(deployMs),
    callMedianMs: median(callMs),
    callP90Ms: p90(callMs),
  }
}

const child = new URL('./deploy-cost-child.mjs', import.meta.url).pathname

/** One store's deploy cost, measured in a fresh process on a copy of `snapshot` (a releases.json). */
const measureInChild = (which, snapshot, deploys) =>
  JSON.parse(
    execFileSync(process.execPath, [child, which, snapshot, String(deploys)], { encoding: 'utf8', maxBuffer: 1 << 20 }),
  )

/**
 * Deploy cost of the module and of the baseline at `size` releases, each in a fresh process (as a
 * deploy tool runs), on copies of one generated releases.json.
 */
export const deployCost = async (size, deploys) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-deploy-${size}-`))
  try {
    const generated = join(dir, 'generated.json')
    writeFileSync(generated, snapshotText(size))
    const module = measureInChild('ours', generated, deploys)
    const baseline = measureInChild('naive', generated, deploys)
    return {
      size,
      snapshotBytes: statSync(generated).size,
      deploys,
      module,
      baseline,
      ratio: baseline.deployMedianMs / module.deployMedianMs,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Measures one store on a copy of `generated` (run by deploy-cost-child.mjs). */
export const measureStore = async (which, generated, deploys) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-${which}-`))
  try {
    const stateFile = join(dir, 'releases.json')
    copyFileSync(generated, stateFile)
    let store
    if (which === 'naive') {
      // Shaped as the module's writes are: they give back what they recorded.
      const naive = naiveStore(stateFile)
      store = {
        createRelease: (...args) => ({ release: naive.createRelease(...args) }),
        updatePhase: naive.updatePhase,
      }
    } else {
      store = createStateManager({ stateFile })
      await store.importSnapshot()
    }
    return await measure(store, deploys, Math.min(3, deploys))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
