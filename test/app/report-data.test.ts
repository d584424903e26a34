/**
 * What the report gathers (report-data.ts), through the manager's `report`, on the file store (with a Go-written
 * release imported) and on the memory store: given the story's history, when a report is made, then its environments,
 * outcomes, marks, audit rows and verify's result are what happened.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { gatherReport, type ReportData } from '../../src/app/report-data.js'
import { fileStoreSpec, memoryStore, type StoreSpec } from '../../src/index.js'
import type { EventStore } from '../../src/store/index.js'
import { freshManager, memoryManager, rejection, steppingClock } from '../support/manager.js'
import { appendToLog } from '../support/raw-lines.js'
import { newerLine } from './forward-compat-contract.js'
import { keyFiles } from '../support/seal-keys.js'
import {
  HOSTILE_ACTOR,
  HOSTILE_NOTE,
  HOSTILE_VERSION,
  recordStory,
  RECOVERY_REASON,
  writeGoFile,
} from './report-story.js'

const HOUR = 3_600_000

/** The store a spec names, opened for reading. */
const opened = (spec: StoreSpec): EventStore => {
  const store = spec.open({ lockTimeoutMs: 5_000, onWarning: () => undefined, now: () => new Date(), cwd: '/' })
  if (store._tag === 'Left') throw store.left
  return store.right
}

/** The data of a report over a store, at `nowMs`. */
const dataOf = async (spec: StoreSpec, nowMs: number, window = {}): Promise<ReportData> => {
  const result = await gatherReport(opened(spec), { window, nowMs, abandonedAfterMs: HOUR })()
  if (result._tag === 'Left') throw result.left
  return result.right
}

const envNamed = (data: ReportData, name: string) => data.environments.find((environment) => environment.name === name)

describe.each([
  ['the file store, starting with a Go-written releases.json', 'file'],
  ['the memory store', 'memory'],
] as const)('report data on %s', (_name, kind) => {
  const setUp = async () => {
    const clock = steppingClock(Date.UTC(2025, 0, 2, 12), 1000)
    const memory = memoryStore()
    const given = kind === 'file' ? freshManager({ now: clock }) : memoryManager({ now: clock, store: memory })
    if (kind === 'file') writeGoFile(given.stateFile)
    const hostile = given.make({ actor: HOSTILE_ACTOR })
    const story = await recordStory(given.manager, hostile)
    const spec = kind === 'file' ? fileStoreSpec(given.stateFile) : memory
    return { ...given, story, spec }
  }

  it('through the manager: returns the page and what it counts, and writes no file unless asked', async () => {
    const { manager } = await setUp()
    const report = await manager.report()
    expect(report).toMatchObject({ environments: 3, releases: kind === 'file' ? 8 : 7, sound: true })
    expect(report.events).toBeGreaterThan(40)
    expect(report.html).toMatch(/^<!DOCTYPE html>/)
    expect(report.file).toBeUndefined()
    await manager.close()
  })

  it('gathers outcomes, rollbacks, recoveries, and no timing for a release read in from a file', async () => {
    const { story, spec } = await setUp()
    const data = await dataOf(spec, Date.UTC(2025, 0, 2, 12, 30))
    expect(data.environments.map((environment) => environment.name)).toEqual(['prod', 'qa', 'staging'])
    const prod = envNamed(data, 'prod')
    expect(prod?.outcomes).toMatchObject({ completed: kind === 'file' ? 3 : 2, failed: 1 })
    expect(prod?.rollbacks).toBe(1)
    expect(prod?.releases.find((release) => release.id === story.rollback)?.rollbackOf).toBeDefined()
    expect(prod?.releases.find((release) => release.id === story.failed)?.outcome).toBe('failed')
    const imported = prod?.releases.find((release) => release.id === 'rel-20250101-100000')
    if (kind === 'file') {
      expect(imported).toMatchObject({ timed: false, outcome: 'completed' })
      expect(imported?.lastMs).toBe(imported?.createdMs)
    } else expect(imported).toBeUndefined()
    const staging = envNamed(data, 'staging')
    expect(staging?.releases.find((release) => release.id === story.recovered)).toMatchObject({
      outcome: 'recovered',
      recovered: true,
    })
    expect(staging?.releases.find((release) => release.id === story.hostile)?.version).toBe(HOSTILE_VERSION)
    expect(envNamed(data, 'qa')?.releases[0]?.outcome).toBe('in progress')
    const reasons = data.audit.notable.filter((row) => row.kind === 'recovery').map((row) => row.reason)
    expect(reasons.length).toBeGreaterThan(0)
    expect(reasons.every((reason) => reason === RECOVERY_REASON)).toBe(true)
    const kinds = kind === 'file' ? ['imported', 'rollback', 'recovery'] : ['rollback', 'recovery']
    expect(new Set(data.audit.notable.map((row) => row.kind))).toEqual(new Set(kinds))
    expect(data.audit.rows.some((row) => row.actor === HOSTILE_ACTOR && row.reason === HOSTILE_NOTE)).toBe(true)
    expect(data.verify.sound).toBe(true)
    expect(data.verify.head?.position).toBe(data.audit.total)
  })
})

describe('report through the manager, to a file', () => {
  it("writes a relative file under the manager's cwd, whole, and names it as given", async () => {
    const given = freshManager()
    await given.manager.createRelease('prod', 'v1', 'abc1234')
    const result = await given.manager.report({ file: 'out.html' })
    expect(result.file).toBe('out.html')
    expect(readFileSync(join(given.cwd, 'out.html'), 'utf8')).toBe(result.html)
    await given.manager.close()
  })

  it('refuses a file it cannot write before reading the store, naming it as given', async () => {
    const given = freshManager()
    await given.manager.createRelease('prod', 'v1', 'abc1234')
    const error = await rejection(given.manager.report({ file: 'missing/out.html' }))
    expect(error).toMatchObject({ code: 'IO_ERROR' })
    expect(error.message).toMatch(/^missing\/out\.html: could not write the report: its directory .* does not exist$/)
    await given.manager.close()
  })
})

describe('report data over time', () => {
  it('marks a release left running for longer than the threshold abandoned', async () => {
    const store = memoryStore()
    const { manager } = memoryManager({ store })
    const { release } = await manager.createRelease('prod', 'v1', 'abc1234')
    await manager.updatePhase(release.id, 'build', 'running')
    const soon = await dataOf(store, Date.UTC(2025, 0, 1, 12, 30))
    const late = await dataOf(store, Date.UTC(2025, 0, 1, 18))
    expect(envNamed(soon, 'prod')?.releases[0]?.outcome).toBe('in progress')
    expect(envNamed(late, 'prod')?.releases[0]?.outcome).toBe('abandoned')
  })

  it('draws no negative bar when the clock stepped back between two events of a release', async () => {
    const store = memoryStore()
    const clock = steppingClock(Date.UTC(2025, 0, 1, 12), 1000)
    const { manager } = memoryManager({ store, now: clock })
    const { release } = await manager.createRelease('prod', 'v1', 'abc1234')
    clock.set(Date.UTC(2025, 0, 1, 11)) // an hour back
    await manager.updatePhase(release.id, 'build', 'running')
    const data = await dataOf(store, Date.UTC(2025, 0, 1, 13))
    const shown = envNamed(data, 'prod')?.releases[0]
    expect(shown?.lastMs).toBeGreaterThanOrEqual(shown?.createdMs ?? Infinity)
  })

  it('keeps the releases created in the window, of the environment asked for, and the events recorded in it', async () => {
    const store = memoryStore()
    const clock = steppingClock(Date.UTC(2025, 0, 1, 12), HOUR)
    const { manager } = memoryManager({ store, now: clock })
    for (const version of ['v1', 'v2', 'v3']) await manager.createRelease('prod', version, 'abc1234')
    await manager.createRelease('qa', 'v1', 'abc1234')
    const since = { epochMs: Date.UTC(2025, 0, 1, 13), nanos: 0 }
    const until = { epochMs: Date.UTC(2025, 0, 1, 14), nanos: 0 }
    const data = await dataOf(store, Date.UTC(2025, 0, 2), { since, until, environment: 'prod' })
    expect(data.environments.map((e) => [e.name, e.releases.map((r) => r.version)])).toEqual([['prod', ['v2', 'v3']]])
    expect(data.audit.rows.map((row) => row.change)).toEqual(['prod v2', 'prod v3'])
  })

  it('keeps the newest releases and rows only, and counts them all', async () => {
    const store = memoryStore()
    const { manager } = memoryManager({ store })
    for (let i = 0; i < 12; i++) await manager.createRelease('prod', `v${i}`, 'abc1234')
    const result = await gatherReport(opened(store), {
      window: {},
      nowMs: Date.UTC(2025, 0, 2),
      abandonedAfterMs: HOUR * 1000,
      limits: { releasesPerEnvironment: 5, auditRows: 4, notableRows: 2, problems: 1 },
    })()
    if (result._tag === 'Left') throw result.left
    const prod = envNamed(result.right, 'prod')
    expect(prod?.total).toBe(12)
    expect(prod?.releases.map((release) => release.version)).toEqual(['v7', 'v8', 'v9', 'v10', 'v11'])
    expect(result.right.audit.total).toBe(12)
    expect(result.right.audit.rows.map((row) => row.change)).toEqual(['prod v8', 'prod v9', 'prod v10', 'prod v11'])
  })

  it('shows a seal among the notable rows, with the whole head and key id an auditor compares', async () => {
    const store = memoryStore()
    const { manager } = memoryManager({ store })
    await manager.createRelease('prod', 'v1', 'abc1234')
    const key = keyFiles()
    const sealed = await manager.seal({ key: key.pem.privatePem })
    const data = await dataOf(store, Date.UTC(2025, 0, 2))
    const row = data.audit.notable.find((candidate) => candidate.kind === 'sealed')
    expect(row).toMatchObject({
      type: 'HeadSealed',
      position: 2,
      change: `sealed event 1 (sha256 ${sealed.head.sha256})`,
      reason: expect.stringContaining(`key ${key.keyId}`),
    })
  })

  it('shows an event of a type it does not know (a newer version) as a row of that type, and goes on', async () => {
    const given = freshManager()
    await given.manager.createRelease('prod', 'v1', 'abc1234')
    await given.manager.close()
    appendToLog(given.eventLog, [newerLine({ type: 'HeadAudited', writer: '9.9.9' })])
    const data = await dataOf(fileStoreSpec(given.stateFile), Date.UTC(2025, 0, 2))
    expect(data.audit.rows.map((row) => [row.type, row.kind])).toEqual([
      ['ReleaseCreated', 'created'],
      ['HeadAudited', 'other'],
    ])
    expect(data.audit.rows[1]?.change).toContain('9.9.9')
    expect(envNamed(data, 'prod')?.total).toBe(1)
  })

  it('counts the metrics of stats over the same window: every release created in it', async () => {
    const store = memoryStore()
    const clock = steppingClock(Date.UTC(2025, 0, 1, 12), HOUR)
    const { manager } = memoryManager({ store, now: clock })
    for (const version of ['v1', 'v2', 'v3']) await manager.createRelease('prod', version, 'abc1234')
    const all = await dataOf(store, Date.UTC(2025, 3, 1))
    expect(all.metrics.overall.frequency.created).toBe(3)
    expect(all.metrics.since).toBe('2025-01-01T12:00:00Z')
    const since = { epochMs: Date.UTC(2025, 0, 1, 13), nanos: 0 }
    expect((await dataOf(store, Date.UTC(2025, 3, 1), { since })).metrics.overall.frequency.created).toBe(2)
  })

  it('on an empty store, has no environment, no row and no chain head, and is sound', async () => {
    const data = await dataOf(memoryStore(), Date.UTC(2025, 0, 2))
    expect(data.environments).toEqual([])
    expect(data.audit).toMatchObject({ rows: [], total: 0, notable: [], notableTotal: 0 })
    expect(data.verify).toMatchObject({ sound: true, events: 0 })
    expect(data.verify.head).toBeUndefined()
  })
})
