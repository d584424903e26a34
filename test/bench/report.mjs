// @ts-check
/**
 * The HTML report at scale: a store of N full deploys (13 events each), `report --html FILE` from a cold CLI (what a
 * person runs: one read for the page and its metrics, one for verify), the file's size, and the time headless
 * Chromium takes to reach the page's `load` event (the target: within 2 s at 10,000 releases). Run alone with
 * `node test/bench/report.mjs [N...]` after a build, or as part of `npm run bench`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createStateManager } from '../../dist/index.js'
import { CHROMIUM, FLAGS } from './chromium.mjs'
import { writeDeployLog } from './generate.mjs'
import { median, ms, table } from './stats.mjs'

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname

/** Milliseconds from navigation start to the end of the `load` event of `file`, in a fresh page, `runs` times. */
const loadTimes = async (file, runs) => {
  if (CHROMIUM === undefined) return []
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'bench-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  })
  try {
    const times = []
    for (let run = 0; run < runs; run++) {
      const page = await context.newPage()
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
      times.push(
        await page.evaluate(() => {
          const [entry] = /** @type {PerformanceNavigationTiming[]} */ (performance.getEntriesByType('navigation'))
          return entry === undefined ? Number.NaN : entry.loadEventEnd - entry.startTime
        }),
      )
      await page.close()
    }
    return times
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

/** The report of a store of `releases` deploys: made `runs` times by a cold CLI, loaded `runs` times in Chromium. */
export const reportAtScale = async (releases, runs = 3) => {
  const dir = mkdtempSync(join(tmpdir(), `bench-report-${releases}-`))
  try {
    const stateFile = join(dir, 'releases.json')
    const events = await writeDeployLog(join(dir, 'releases.events.ndjson'), releases)
    // One write, as a deploy tool's first step makes: releases.json and a checkpoint, so that verify finds it sound.
    const writer = createStateManager({ stateFile, onWarning: () => undefined })
    await writer.createRelease('prod', 'checkpointed', 'abcdef1')
    await writer.close()
    const file = join(dir, 'report.html')
    const made = []
    for (let run = 0; run < runs; run++) {
      const start = performance.now()
      execFileSync(process.execPath, [CLI, '--state-file', stateFile, 'report', '--html', file, '--quiet'], {
        stdio: 'ignore',
      })
      made.push(performance.now() - start)
    }
    const loads = await loadTimes(file, runs)
    return {
      releases,
      events,
      makeMedianMs: median(made),
      makeMaxMs: Math.max(...made),
      fileBytes: statSync(file).size,
      loadMedianMs: loads.length === 0 ? null : median(loads),
      loadMaxMs: loads.length === 0 ? null : Math.max(...loads),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The table of {@link reportAtScale}'s results. */
export const reportTable = (results) =>
  table(
    ['releases', 'events', 'report median', 'report max', 'file', 'load median', 'load max'],
    results.map((r) => [
      r.releases,
      r.events,
      ms(r.makeMedianMs),
      ms(r.makeMaxMs),
      `${(r.fileBytes / 1e3).toFixed(0)} kB`,
      r.loadMedianMs === null ? 'no Chromium' : ms(r.loadMedianMs),
      r.loadMaxMs === null ? '' : ms(r.loadMaxMs),
    ]),
  )

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number)
  const results = []
  for (const size of sizes.length === 0 ? [10000, 100000] : sizes) results.push(await reportAtScale(size))
  process.stdout.write(`The HTML report (ms; a cold CLI, then headless Chromium to the load event)\n`)
  process.stdout.write(`${reportTable(results)}\n`)
}
