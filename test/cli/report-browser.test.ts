/**
 * The report in a real browser: headless Chromium (Debian's chromium, driven by playwright-core) opens the page the
 * CLI wrote, from a file: what a person sees is there, hostile text shows as text, no script runs, no console error,
 * and no request leaves file://. Without Chromium the suite is skipped, saying so; with CI_REQUIRE_CHROMIUM=1 (set by
 * .ci/run once it installed Chromium) a missing browser fails instead.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager } from '../../src/index.js'
import { CHROMIUM, FLAGS, WANTED } from '../bench/chromium.mjs'
import { HOSTILE_ACTOR, HOSTILE_NOTE, HOSTILE_VERSION, recordStory, RECOVERY_REASON } from '../app/report-story.js'
import { defaultStore, ok, steppingClock, tempDir } from './support.js'

const REQUIRED = process.env['CI_REQUIRE_CHROMIUM'] === '1'

if (CHROMIUM === undefined && !REQUIRED)
  console.warn(
    `report-browser.test.ts: SKIPPED: no Chromium at ${WANTED} (set STAGECRAFT_CHROMIUM to one, or apt-get install ` +
      'chromium for /usr/bin/chromium); the report was not checked in a browser',
  )

describe.runIf(CHROMIUM === undefined && REQUIRED)('the report in a browser, required', () => {
  it('needs Chromium: CI_REQUIRE_CHROMIUM=1 but none was found', () => {
    expect.fail(`CI_REQUIRE_CHROMIUM=1, but there is no Chromium at ${WANTED}`)
  })
})

/** What one page load did besides rendering. */
interface Visit {
  readonly page: Page
  readonly consoleErrors: string[]
  readonly pageErrors: string[]
  readonly dialogs: string[]
  readonly outside: string[]
}

describe.skipIf(CHROMIUM === undefined)('the report in headless Chromium', () => {
  let context: BrowserContext
  let profile = ''
  let story = { directory: '', releases: 0 }
  let headLine = ''

  const visit = async (file: string): Promise<Visit> => {
    const page = await context.newPage()
    const seen: Visit = { page, consoleErrors: [], pageErrors: [], dialogs: [], outside: [] }
    page.on('console', (message) => {
      if (message.type() === 'error') seen.consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => seen.pageErrors.push(error.message))
    page.on('dialog', (dialog) => {
      seen.dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith('file://')) return route.continue()
      seen.outside.push(url)
      return route.abort()
    })
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    return seen
  }

  const clean = (seen: Visit): void =>
    expect({
      console: seen.consoleErrors,
      errors: seen.pageErrors,
      dialogs: seen.dialogs,
      outside: seen.outside,
    }).toEqual({ console: [], errors: [], dialogs: [], outside: [] })

  beforeAll(async () => {
    const directory = tempDir()
    const { stateFile } = defaultStore(directory)
    const now = steppingClock(new Date(Date.now() - 3_600_000), 1000)
    const manager = createStateManager({ stateFile, now, actor: 'seeder', onWarning: () => undefined })
    const hostile = createStateManager({ stateFile, now, actor: HOSTILE_ACTOR, onWarning: () => undefined })
    await recordStory(manager, hostile)
    await Promise.all([manager.close(), hostile.close()])
    await ok(directory, ['report', '--html', 'deploys.html'])
    headLine = (await ok(directory, ['verify'])).split('\n')[1] ?? ''
    story = { directory, releases: 7 }
    profile = mkdtempSync(join(tmpdir(), 'stagecraft-chromium-'))
    context = await chromium.launchPersistentContext(profile, {
      ...(CHROMIUM === undefined ? {} : { executablePath: CHROMIUM }),
      headless: true,
      args: FLAGS,
    })
    // A page of a few hundred rows renders in well under a second: a missing element fails fast.
    context.setDefaultTimeout(5_000)
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    if (profile !== '') rmSync(profile, { recursive: true, force: true })
  })

  it('shows each environment, the counts, the metrics, the audit rows and the verdict with the chain head', async () => {
    const seen = await visit(join(story.directory, 'deploys.html'))
    const { page } = seen
    expect(await page.locator('#summary').innerText()).toContain(`${story.releases} releases in 3 environments`)
    const environments = page.locator('section.environment')
    expect(
      await environments.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-environment'))),
    ).toEqual(['prod', 'qa', 'staging'])
    expect(await page.locator('section.environment svg.timeline rect').count()).toBe(story.releases)
    const prod = page.locator('#metrics-table tr[data-environment="prod"] td')
    expect((await prod.allInnerTexts()).slice(0, 5)).toEqual([
      '3',
      '2',
      expect.any(String),
      '33.3% (1 of 3)',
      '33.3% (1 of 3)',
    ])
    expect(await page.locator('#phases-table tbody tr').count()).toBe(6)
    expect(await page.locator('#notable-table').innerText()).toContain(RECOVERY_REASON)
    const events = await page.locator('#events-table tbody tr').count()
    expect(await page.locator('#events-table caption').innerText()).toContain(`${events} events`)
    expect(await page.locator('#verdict').innerText()).toMatch(/^sound: /)
    const head = /chain head: event (\d+), sha256 ([0-9a-f]{64})/.exec(headLine)
    expect(await page.locator('#chain-head').innerText()).toContain(`event ${head?.[1]}, sha256 ${head?.[2]}`)
    clean(seen)
    await page.close()
  })

  it('shows HTML in versions, notes and actors as text: no script ran, no element was added', async () => {
    const seen = await visit(join(story.directory, 'deploys.html'))
    const { page } = seen
    const texts = await page.locator('#events-table tbody').innerText()
    for (const text of [HOSTILE_VERSION, HOSTILE_NOTE, HOSTILE_ACTOR]) expect(texts).toContain(text)
    await expect(page.locator('svg.timeline text', { hasText: HOSTILE_VERSION }).count()).resolves.toBe(1)
    expect(await page.locator('script, img, iframe, object, embed, link, b').count()).toBe(0)
    clean(seen)
    await page.close()
  })

  it('of an empty history says there are no releases, with no error', async () => {
    const directory = tempDir()
    await ok(directory, ['report', '--html', 'empty.html'])
    const seen = await visit(join(directory, 'empty.html'))
    expect(await seen.page.locator('#no-releases').isVisible()).toBe(true)
    expect(await seen.page.locator('#chain-head').innerText()).toContain('No chain head')
    clean(seen)
    await seen.page.close()
  })
})
