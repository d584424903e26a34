/**
 * The audit trail, whatever the store: `history` (every event with its envelope, filtered by
 * release, environment and time) and `stateAt` (the state at an instant, equal to the
 * releases.json of that instant). Each store's test file runs it, with a manager that keeps a
 * releases.json (for a PostgreSQL store, its local copy).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { StateManagerOptions } from '../../src/index.js'
import { projectSnapshot } from '../../src/internals.js'
import type { ManagerSubject } from './manager-contract.js'
import { rejection } from '../support/manager.js'

/** What the store under test keeps besides its events. */
export interface AuditCapabilities {
  /** A releases.json (its own, or a local copy) that stateAt at each instant is compared with. */
  readonly snapshotFile: boolean
}

/**
 * Runs the audit suite against the managers `open` makes: each on a fresh store, its clock at
 * 2025-01-01T12:00:00Z and a second later at each reading, its actor `tester`.
 */
export const auditContract = (
  name: string,
  open: (options?: StateManagerOptions) => ManagerSubject,
  capabilities: AuditCapabilities = { snapshotFile: true },
): void => {
  describe(`history: the audit trail, on ${name}`, () => {
    const story = async () => {
      const context = open()
      const { manager } = context
      const { release: prod } = await manager.createRelease('prod', 'v1') // 12:00:00
      const { release: staging } = await manager.createRelease('staging', 'v1') // 12:00:01
      await manager.updatePhase(prod.id, 'build', 'running') // 12:00:02
      await manager.updatePhase(staging.id, 'build', 'failed', { reason: 'compiler crashed' }) // 12:00:03
      await manager.updatePhase(prod.id, 'build', 'completed') // 12:00:04
      return { ...context, prod, staging }
    }

    it('lists every event oldest first, with its envelope: id, type, time, actor, host, process, payload', async () => {
      const { manager, prod } = await story()
      const events = await manager.history()
      expect(events.map((e) => e.type)).toEqual([
        'ReleaseCreated',
        'ReleaseCreated',
        'PhaseUpdated',
        'PhaseUpdated',
        'PhaseUpdated',
      ])
      expect(events.map((e) => e.position)).toEqual([1, 2, 3, 4, 5])
      expect(events.map((e) => e.recordedAt)).toEqual(
        ['00', '01', '02', '03', '04'].map((s) => `2025-01-01T12:00:${s}.000Z`),
      )
      expect(events[2]).toMatchObject({
        v: 1,
        meta: { actor: 'tester', pid: process.pid },
        data: { releaseId: prod.id, phase: 'build', from: 'pending', to: 'running' },
      })
      expect(events[0]?.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
      expect(new Set(events.map((e) => e.id)).size).toBe(5)
    })

    it('filters by release, by environment and by time range, all conditions together', async () => {
      const { manager, prod, staging } = await story()
      expect((await manager.history({ releaseId: prod.id })).map((e) => e.position)).toEqual([1, 3, 5])
      expect((await manager.history({ environment: 'staging' })).map((e) => e.position)).toEqual([2, 4])
      expect(
        (await manager.history({ since: '2025-01-01T12:00:02Z', until: new Date('2025-01-01T12:00:03Z') })).map(
          (e) => e.position,
        ),
      ).toEqual([3, 4])
      expect(
        (await manager.history({ environment: 'prod', since: '2025-01-01T12:00:01Z' })).map((e) => e.position),
      ).toEqual([3, 5])
      expect(await manager.history({ releaseId: staging.id, environment: 'prod' })).toEqual([])
    })

    it('refuses a time that is not RFC 3339 with INVALID_INPUT naming it', async () => {
      const { manager } = await story()
      const error = await rejection(manager.history({ since: 'yesterday' }))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toMatch(/since "yesterday" is not an RFC 3339 timestamp/)
    })
  })

  describe(`stateAt: the state as it was at an instant, on ${name}`, () => {
    it('equals, at each instant, the state the manager showed then', async () => {
      const { manager } = open()
      const shown: Array<[string, string]> = []
      const { release } = await manager.createRelease('prod', 'v1')
      shown.push(['2025-01-01T12:00:00.500Z', projectSnapshot(await manager.state())])
      // Completed, not left running: a create over a running release is RELEASE_IN_PROGRESS.
      await manager.updatePhase(release.id, 'build', 'completed')
      shown.push(['2025-01-01T12:00:01Z', projectSnapshot(await manager.state())])
      await manager.createRelease('prod', 'v2')
      shown.push(['2025-01-01T13:00:00Z', projectSnapshot(await manager.state())])
      for (const [at, text] of shown) expect(projectSnapshot(await manager.stateAt(at))).toBe(text)
      expect(new Set(shown.map(([, text]) => text)).size).toBe(3)
    })

    it.skipIf(!capabilities.snapshotFile)('equals, at each instant, the releases.json that existed then', async () => {
      const { manager } = open()
      const stateFile = manager.stateFile
      if (stateFile === undefined)
        throw new Error(`the audit suite needs a manager that keeps a releases.json; ${name} keeps none`)
      const snapshots: Array<[string, string]> = []
      const { release } = await manager.createRelease('prod', 'v1')
      snapshots.push(['2025-01-01T12:00:00.500Z', readFileSync(stateFile, 'utf8')])
      await manager.updatePhase(release.id, 'build', 'completed')
      snapshots.push(['2025-01-01T12:00:01Z', readFileSync(stateFile, 'utf8')])
      await manager.createRelease('prod', 'v2')
      snapshots.push(['2025-01-01T13:00:00Z', readFileSync(stateFile, 'utf8')])
      for (const [at, text] of snapshots) expect(projectSnapshot(await manager.stateAt(at))).toBe(text)
      expect(projectSnapshot(await manager.stateAt('2025-01-01T11:59:59Z'))).toBe('{\n  "releases": []\n}')
    })

    it('keeps recorded times from going backwards when the clock does, so that an instant is a prefix of the log', async () => {
      const { manager, clock } = open()
      await manager.createRelease('prod', 'v1') // 12:00:00
      clock.set(Date.UTC(2025, 0, 1, 11)) // the clock jumps back an hour
      const { release: second } = await manager.createRelease('prod', 'v2')
      expect(second.id).toBe('rel-20250101-120000001')
      expect((await manager.history()).map((e) => e.recordedAt)).toEqual([
        '2025-01-01T12:00:00.000Z',
        '2025-01-01T12:00:00.000Z',
      ])
    })
  })
}
