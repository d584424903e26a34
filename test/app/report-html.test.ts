/**
 * The page (report-html.ts), a pure function of the gathered data: given data, when rendered, then every value shows
 * as text, an empty history still makes a page, and many releases make a page of bounded size.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import type { AuditRow } from '../../src/app/report-audit.js'
import type { ReportData, ReportEnvironment, ReportRelease } from '../../src/app/report-data.js'
import { escapeHtml, html } from '../../src/app/report-escape.js'
import { reportHtml } from '../../src/app/report-html.js'
import { deployStats } from '../../src/domain/stats-fold.js'
import { HOSTILE_ACTOR, HOSTILE_NOTE, HOSTILE_VERSION } from './report-story.js'

const T0 = Date.UTC(2025, 0, 1, 12)

/** The page with every run of white space one space, as a browser shows its text. */
const rendered = (given: ReportData): string => reportHtml(given).replace(/\s+/g, ' ')

const release = (i: number, more: Partial<ReportRelease> = {}): ReportRelease => ({
  id: `rel-${String(i).padStart(6, '0')}`,
  version: `v${i}`,
  createdMs: T0 + i * 60_000,
  lastMs: T0 + i * 60_000 + 30_000,
  timed: true,
  outcome: 'completed',
  recovered: false,
  ...more,
})

const environment = (name: string, releases: ReportRelease[], total = releases.length): ReportEnvironment => ({
  name,
  total,
  outcomes: { completed: total, failed: 0, recovered: 0, abandoned: 0, 'in progress': 0 },
  rollbacks: releases.filter((r) => r.rollbackOf !== undefined).length,
  releases,
})

const row = (position: number, more: Partial<AuditRow> = {}): AuditRow => ({
  position,
  recordedAt: new Date(T0 + position * 1000).toISOString(),
  type: 'ReleaseCreated',
  kind: 'created',
  actor: 'alice',
  host: 'ci-1',
  release: `rel-${position}`,
  change: 'prod v1',
  reason: '',
  ...more,
})

const data = (more: Partial<ReportData> = {}): ReportData => ({
  generatedMs: T0 + 86_400_000,
  store: 'file store /srv/shop/.stagecraft/releases.json',
  window: {},
  environments: [],
  audit: { rows: [], total: 0, notable: [], notableTotal: 0 },
  verify: { sound: true, problems: [], events: 0, releases: 0 },
  problemsTotal: 0,
  metrics: deployStats([], { sinceMs: T0, untilMs: T0 + 86_400_000, abandonedAfterMs: 3_600_000 }),
  ...more,
})

describe('escaping', () => {
  test.prop([fc.string({ unit: 'binary' })])('any text escapes to text with no markup character', (text) => {
    const escaped = escapeHtml(text)
    expect(escaped).not.toMatch(/[<>"']/)
    const back = escaped.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) =>
      name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : name === '#39' ? "'" : '&',
    )
    expect(back).toBe(text)
  })

  test.prop([fc.string()])('the html tag escapes every value, and passes only fragments it made', (text) => {
    expect(html`<p title="${text}">${text}</p>`.text).toBe(`<p title="${escapeHtml(text)}">${escapeHtml(text)}</p>`)
    expect(html`<div>${html`<b>${text}</b>`}</div>`.text).toBe(`<div><b>${escapeHtml(text)}</b></div>`)
  })

  it('shows HTML in versions, notes, actors, environments, problems and the store as text, never as markup', () => {
    const page = rendered(
      data({
        store: `file store /tmp/${HOSTILE_VERSION}/releases.json`,
        environments: [environment(HOSTILE_NOTE, [release(1, { version: HOSTILE_VERSION, rollbackOf: HOSTILE_NOTE })])],
        audit: {
          rows: [row(1, { actor: HOSTILE_ACTOR, reason: HOSTILE_NOTE, change: HOSTILE_VERSION, host: HOSTILE_NOTE })],
          total: 1,
          notable: [row(1, { kind: 'recovery', reason: HOSTILE_VERSION })],
          notableTotal: 1,
        },
        verify: {
          sound: false,
          problems: [{ severity: 'error', location: HOSTILE_NOTE, message: HOSTILE_VERSION }],
          events: 1,
          releases: 1,
        },
        problemsTotal: 1,
      }),
    )
    expect(page).not.toContain('<script')
    expect(page).not.toContain('<img')
    expect(page).not.toContain('<b ')
    expect(page).toContain(escapeHtml(HOSTILE_VERSION))
    expect(page).toContain(escapeHtml(HOSTILE_NOTE))
    expect(page).toContain(escapeHtml(HOSTILE_ACTOR))
    // The only elements are the page's own.
    const tags = new Set([...page.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]))
    const own = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'p', 'nav', 'a', 'main']
    const more = ['section', 'strong', 'code', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li']
    const svg = ['span', 'svg', 'text', 'line', 'g', 'rect', 'path', 'circle']
    expect([...tags].filter((tag) => ![...own, ...more, ...svg].includes(tag as string))).toEqual([])
  })

  it('loads nothing: no URL but the SVG namespace, no script, and a policy that forbids loading', () => {
    const page = rendered(data({ environments: [environment('prod', [release(1)])] }))
    expect(new Set(page.match(/https?:\/\/[^"\s]*/g))).toEqual(new Set(['http://www.w3.org/2000/svg']))
    expect(page).not.toMatch(/<script|<link|<img|@import|url\(/i)
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
  })
})

describe('the page', () => {
  it('of an empty history says there are no releases and no events, and is a whole document', () => {
    const page = rendered(data())
    expect(page).toMatch(/^<!DOCTYPE html>/)
    expect(page).toMatch(/<\/html> ?$/)
    expect(page).toContain('There are no releases in this window.')
    expect(page).toContain('No events in this window.')
    expect(page).toContain('No chain head: the store holds no event.')
  })

  it('of one release shows its bar, its title, and the chain head', () => {
    const page = rendered(
      data({
        environments: [environment('prod', [release(1)])],
        audit: { rows: [row(1)], total: 1, notable: [], notableTotal: 0 },
        verify: { sound: true, problems: [], events: 1, releases: 1, head: { position: 1, sha256: 'ab'.repeat(32) } },
      }),
    )
    expect(page.match(/<rect\b/g)).toHaveLength(1)
    expect(page).toContain('<title>v1 (rel-000001); completed; created 2025-01-01 12:01:00Z, last event')
    expect(page).toContain(`sha256 <code>${'ab'.repeat(32)}</code>`)
  })

  it('draws a release with no timing as a marked point, and a bar never narrower than 2 pixels', () => {
    const page = rendered(
      data({
        environments: [
          environment('prod', [
            release(1, { timed: false, lastMs: T0 + 60_000 }),
            release(2, { lastMs: T0 + 120_000 }),
          ]),
        ],
      }),
    )
    expect(page).toContain('no timing (read in from a releases.json)')
    expect(page).toMatch(/class="o-completed untimed"/)
    const widths = [...page.matchAll(/<rect\s[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]))
    expect(widths.every((width) => width >= 2)).toBe(true)
  })

  it('shows an event of a type it does not know by its type', () => {
    const page = rendered(
      data({
        audit: { rows: [row(1, { type: 'HeadSealed', kind: 'other' })], total: 1, notable: [], notableTotal: 0 },
      }),
    )
    expect(page).toContain('HeadSealed')
  })

  it('at 100,000 releases stays the size of the rows it shows, and says what it left out', () => {
    const shown = Array.from({ length: 100 }, (_, i) => release(i))
    const rows = Array.from({ length: 500 }, (_, i) => row(1_200_000 + i))
    const big = data({
      environments: [environment('prod', shown, 60_000), environment('staging', shown, 40_000)],
      audit: { rows, total: 1_300_000, notable: rows.slice(0, 200), notableTotal: 20_000 },
    })
    const page = rendered(big)
    expect(page).toContain('100,000 releases in 2 environments')
    expect(page).toContain('The timeline shows the newest 100; the 59,900 before them are counted here only.')
    expect(page).toContain('(the newest 500 of 1,300,000; stagecraft-state history shows them all)')
    expect(page.match(/<rect\b/g)).toHaveLength(200)
    expect(Buffer.byteLength(reportHtml(big))).toBeLessThan(1_000_000)
  })
})
