/**
 * A history the Go Stagecraft wrote, read and written through the manager (issue 12): the limits
 * of new text hold what a write adds, never what the history already holds.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixturePath } from '../fixtures/index.js'
import { freshManager, rejection } from '../support/manager.js'
import { goFileText, type GoRecord, goReleaseId, goTimestamp, readAsGo } from '../support/go-writer.js'

const goRecord = (id: string, environment: string, version: string): GoRecord => ({
  id,
  environment,
  version,
  commit_sha: 'commit1',
  timestamp: '',
  phases: { build: 'completed', push: 'pending' },
})

// test/fixtures/go-wide.json, written by hand in the Go writer's format.
const LONG_ENVIRONMENT = 'e'.repeat(80)
const LONG_VERSION = 'v'.repeat(300)
const FIRST = 'rel-20250101-120000000' // LONG_VERSION, commit1, every phase completed
const SECOND = 'rel-20250101-130000000' // v2, ghi789, rollout failed: the current release
const HIDDEN = 'pro\u200bd'

const goWritten = () => {
  const subject = freshManager()
  mkdirSync(dirname(subject.stateFile), { recursive: true })
  copyFileSync(fixturePath('go-wide.json'), subject.stateFile)
  return subject
}

describe('a Go-written history with an 80-character environment, a 300-character version, a zero-width space', () => {
  it('shows, lists and makes current every release, given as held or with blanks around', async () => {
    const { manager } = goWritten()
    expect((await manager.getRelease(FIRST)).version).toBe(LONG_VERSION)
    for (const environment of [LONG_ENVIRONMENT, ` ${LONG_ENVIRONMENT}\n`]) {
      expect((await manager.getCurrentRelease(environment)).id).toBe(SECOND)
      expect((await manager.listReleases(environment)).map((r) => r.id)).toEqual([SECOND, FIRST])
      expect((await manager.abandonedReleases(environment)).map((r) => r.id)).toEqual([])
    }
    expect((await manager.getCurrentRelease(HIDDEN)).version).toBe('v1')
    expect((await manager.listReleases(` ${HIDDEN} `)).map((r) => r.commitSha)).toEqual(['abc123'])
  })

  it('finds the history of the environment and the rollback targets of the version', async () => {
    const { manager } = goWritten()
    await manager.importSnapshot()
    expect((await manager.history({ environment: LONG_ENVIRONMENT })).map((e) => e.type)).toEqual(['SnapshotImported'])
    expect((await manager.history({ environment: HIDDEN })).length).toBe(1)
    expect((await manager.rollbackTarget(LONG_ENVIRONMENT, { to: 'previous' })).id).toBe(FIRST)
    expect((await manager.rollbackTarget(LONG_ENVIRONMENT, { to: 'version', version: LONG_VERSION })).id).toBe(FIRST)
    expect((await manager.rollbackTarget(LONG_ENVIRONMENT, { to: 'last-good' })).id).toBe(FIRST)
  })

  it('finds the history of an environment a hand-edited file holds with blanks around it, given as held', async () => {
    const { manager, stateFile } = freshManager()
    mkdirSync(dirname(stateFile), { recursive: true })
    const release = {
      id: 'rel-1',
      environment: ' prod ',
      version: 'v1',
      commit_sha: '',
      timestamp: '2025-01-01T12:00:00Z',
    }
    writeFileSync(stateFile, JSON.stringify({ releases: [release] }, null, 2))
    expect((await manager.getCurrentRelease(' prod ')).id).toBe('rel-1')
    await manager.importSnapshot()
    expect((await manager.history({ environment: ' prod ' })).map((e) => e.type)).toEqual(['SnapshotImported'])
  })

  it('rolls back to the release of the 300-character version, and takes new releases of the held environments', async () => {
    const { manager } = goWritten()
    const { release } = await manager.createRelease(LONG_ENVIRONMENT, LONG_VERSION, 'commit1', { rollbackOf: FIRST })
    expect([release.environment, release.version, release.previousId]).toEqual([LONG_ENVIRONMENT, LONG_VERSION, SECOND])
    expect((await manager.getCurrentRelease(LONG_ENVIRONMENT)).id).toBe(release.id)
    expect((await manager.createRelease(` ${HIDDEN} `, 'v2')).release.environment).toBe(HIDDEN)
    expect((await manager.verify()).sound).toBe(true)
  })

  it('refuses what is new text over the limits, as before, and records nothing', async () => {
    const { manager } = goWritten()
    expect((await rejection(manager.createRelease(`${LONG_ENVIRONMENT}e`, 'v1'))).message).toMatch(
      /environment "e+"\.\.\. is 81 characters long; the limit is 64/,
    )
    expect((await rejection(manager.createRelease(LONG_ENVIRONMENT, 'w'.repeat(257)))).message).toMatch(
      /is 257 characters long; the limit is 256/,
    )
    expect((await rejection(manager.createRelease('prod', LONG_VERSION))).message).toMatch(/the limit is 256/)
    expect((await rejection(manager.createRelease('sta\u200bging', 'v1'))).message).toMatch(/contains U\+200B/)
    expect(await manager.history()).toEqual([])
  })
})

describe('a Go file mixing zones, duplicate ids, nanosecond timestamps and an 80-character environment', () => {
  const at = Date.UTC(2026, 11, 3, 19, 11, 9, 546)
  // Tokyo, New York and UTC hosts, two creates in one millisecond (one id), nanoseconds kept.
  const records: GoRecord[] = [
    { ...goRecord(goReleaseId(at, 9 * 60), 'prod', 'v1'), timestamp: goTimestamp(at, 9 * 60) },
    { ...goRecord(goReleaseId(at + 1000, -5 * 60), 'prod', 'v2'), timestamp: goTimestamp(at + 1000, -5 * 60, 123) },
    { ...goRecord(goReleaseId(at + 2000), 'e'.repeat(80), 'v1'), timestamp: goTimestamp(at + 2000, 0, 100) },
    { ...goRecord(goReleaseId(at + 2000), 'e'.repeat(80), 'v2'), timestamp: goTimestamp(at + 2000, 0, 900) },
  ]
  records[1]!.previous_id = records[0]!.id
  records[3]!.previous_id = records[2]!.id

  it('loses nothing, reaches every release, refuses the ambiguous id by name, and dates a new release by the clock', async () => {
    const subject = freshManager()
    mkdirSync(dirname(subject.stateFile), { recursive: true })
    writeFileSync(subject.stateFile, goFileText(records))
    subject.clock.set(at + 60_000)
    const { manager } = subject

    const all = await manager.listAllReleases()
    expect(all.map((r) => [r.environment.length, r.version, r.timestamp]).sort()).toEqual(
      records.map((r) => [r.environment.length, r.version, r.timestamp]).sort(),
    )
    expect((await manager.getCurrentRelease('prod')).version).toBe('v2')
    expect((await manager.getRelease(records[0]!.id)).version).toBe('v1')
    expect(((await rejection(manager.getRelease(records[2]!.id))) as Error).message).toMatch(/v1.*v2|v2.*v1/)

    const { release } = await manager.createRelease('prod', 'v3')
    expect(release.timestamp).toBe('2026-12-03T19:12:09.546Z')
    expect(release.previousId).toBe(records[1]!.id)
    const written = readAsGo(subject.stateFile)
    for (const record of records)
      expect(
        written.filter((r) => r.id === record.id && r.version === record.version),
        record.id,
      ).toEqual([expect.objectContaining({ timestamp: record.timestamp, environment: record.environment })])
    const report = await manager.verify()
    expect(report.sound).toBe(true)
    expect(report.problems.map((p) => p.message).join('\n')).toContain(
      `id ${records[0]!.id} reads 04:11:09.546 but its timestamp is 19:11:09.546Z`,
    )
  })
})
