/**
 * Deploy metrics through the manager, whatever the store: `stats(filter)` reads the store's events once and answers
 * for the window it asks (the last 30 days by the manager's clock unless told). Each store's test file runs it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { StateManagerOptions } from '../../src/index.js'
import type { ManagerSubject } from './manager-contract.js'
import { deploy, rejection } from '../support/manager.js'

const ALL = ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'] as const

/** Runs the stats suite against the managers `open` makes (clock at 2025-01-01T12:00:00Z, a second per reading). */
export const statsContract = (name: string, open: (options?: StateManagerOptions) => ManagerSubject): void => {
  describe(`stats: deploy metrics, on ${name}`, () => {
    const story = async () => {
      const context = open()
      const { manager } = context
      await deploy(manager, 'prod', 'v1', ALL)
      const { release: failed } = await manager.createRelease('staging', 'v1')
      await manager.updatePhase(failed.id, 'build', 'running')
      await manager.updatePhase(failed.id, 'build', 'failed', { reason: 'compiler crashed' })
      return { ...context, failed }
    }

    it('given an empty store, counts nothing and measures nothing, over the last 30 days', async () => {
      const stats = await open().manager.stats()
      expect(stats).toMatchObject({ until: '2025-01-01T12:00:00Z', since: '2024-12-02T12:00:00Z', days: 30 })
      expect(stats.environments).toEqual([])
      expect(stats.overall.frequency.created).toBe(0)
      expect(stats.overall.changeFailure.changeFailureRate).toBeNull()
    })

    it('given a deploy that completed and one that failed, measures both, per environment and overall', async () => {
      const { manager, failed } = await story()
      const stats = await manager.stats()
      expect(stats.overall.frequency).toMatchObject({ created: 2, completed: 1 })
      expect(stats.overall.changeFailure).toMatchObject({ finished: 2, failed: 1, changeFailureRate: 0.5 })
      expect(stats.overall.timeToRestore).toMatchObject({ failures: 1, unrestored: 1, unrestoredIds: [failed.id] })
      // The clock moves a second at each write: each phase ran one second.
      expect(stats.overall.phases.find((p) => p.phase === 'build')).toMatchObject({ count: 2, medianMs: 1000 })
      expect(stats.environments.map((e) => e.environment)).toEqual(['prod', 'staging'])
    })

    it('measures one environment, and the window given, as Dates or RFC 3339 strings', async () => {
      const { manager } = await story()
      const prod = await manager.stats({ environment: 'prod' })
      expect(prod.environments.map((e) => e.environment)).toEqual(['prod'])
      expect(prod.overall.frequency.created).toBe(1)
      const later = await manager.stats({
        since: new Date(Date.UTC(2025, 0, 1, 12, 0, 1)),
        until: '2025-01-02T00:00:00Z',
      })
      expect(later.overall.frequency.created).toBe(1) // prod's release was created at 12:00:00
    })

    it('the same through the fp-ts API', async () => {
      const { manager } = await story()
      const stats = await manager.fp.stats({ environment: 'staging' })()
      expect(E.isRight(stats) && stats.right.overall.outcomes.failed).toBe(1)
    })

    it('refuses a window it cannot read, or an empty one, as INVALID_INPUT naming it', async () => {
      const { manager } = open()
      const bad = await rejection(manager.stats({ since: 'yesterday' }))
      expect(bad).toMatchObject({ code: 'INVALID_INPUT' })
      expect(bad.message).toMatch(/since "yesterday" is not an RFC 3339 timestamp/)
      const swapped = await rejection(manager.stats({ since: '2025-02-01T00:00:00Z', until: '2025-01-01T00:00:00Z' }))
      expect(swapped.message).toMatch(/since 2025-02-01T00:00:00Z is later than until 2025-01-01T00:00:00Z/)
      expect((await rejection(manager.stats({ until: 42 as never }))).message).toMatch(/until must be a Date/)
      expect((await rejection(manager.stats('prod' as never))).message).toMatch(/options of stats must be an object/)
      expect((await rejection(manager.stats({ abandonedAfterMs: -1 }))).code).toBe('INVALID_INPUT')
    })
  })
}
