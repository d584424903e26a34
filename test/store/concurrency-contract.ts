/**
 * Many concurrent calls in one process, on any store: one manager's calls all at once, conflicting
 * updates of one phase (exactly one wins), several managers on one store. Whatever the
 * interleaving, nothing acknowledged is lost, ids stay unique and increasing, every environment
 * keeps one chain, and every manager agrees afterwards. Each store's test file runs it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { isStateError, PHASES, type PhaseStatus, type Release, type StateManager } from '../../src/index.js'
import type { StoreFactory, StoreSubject } from './store-subject.js'

const settle = async <A>(promise: Promise<A>): Promise<{ ok: true; value: A } | { ok: false; error: unknown }> => {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

/** The releases a batch of writes gave back, in order. */
const releasesOf = async (writes: ReadonlyArray<Promise<{ readonly release: Release }>>): Promise<Release[]> =>
  (await Promise.all(writes)).map((recorded) => recorded.release)

/** Runs the suite against the stores `open` makes (a fresh one per test). */
export const concurrencyContract = (name: string, open: StoreFactory): void => {
  const subjects: StoreSubject[] = []
  const fresh = async (): Promise<StoreSubject> => {
    const subject = await open()
    subjects.push(subject)
    return subject
  }
  afterEach(async () => {
    await Promise.all(subjects.splice(0).map((subject) => subject.remove()))
  })

  describe(`many concurrent calls in one process, on ${name}`, () => {
    it('one manager: 30 concurrent creates, then every phase of every release updated concurrently', async () => {
      const store = await fresh()
      const manager = store.manager()
      const environments = ['prod', 'staging', 'dev']
      const created = await releasesOf(
        Array.from({ length: 30 }, (_, i) =>
          manager.createRelease(environments[i % 3] as string, `v${i}`, i % 2 === 0 ? 'abcd1234' : undefined),
        ),
      )
      expect(new Set(created.map((r) => r.id)).size).toBe(30)
      // Concurrent reads see a prefix of the history, never a broken one, while writes go on.
      const [running, reads] = await Promise.all([
        releasesOf(
          created.flatMap((release) => PHASES.map((phase) => manager.updatePhase(release.id, phase, 'running'))),
        ),
        Promise.all(created.map((release) => manager.getRelease(release.id))),
      ])
      for (const [i, release] of running.entries())
        expect(release.phases[PHASES[i % PHASES.length] as (typeof PHASES)[number]]).toBe('running')
      for (const [i, release] of reads.entries())
        expect(release).toMatchObject({ id: created[i]?.id, version: created[i]?.version })
      await Promise.all(
        created.flatMap((release) => PHASES.map((phase) => manager.updatePhase(release.id, phase, 'completed'))),
      )

      const releases = await store.expectSound()
      expect(releases).toHaveLength(30)
      for (const release of releases) expect(Object.values(release.phases)).toEqual(PHASES.map(() => 'completed'))
      expect(await manager.listAllReleases()).toEqual(releases)
    })

    it('one manager: concurrent conflicting updates of one phase: exactly one wins, the others are INVALID_TRANSITION', async () => {
      const store = await fresh()
      const manager = store.manager()
      const { release } = await manager.createRelease('prod', 'v1')
      await manager.updatePhase(release.id, 'build', 'running')
      const outcomes = await Promise.all(
        (['completed', 'failed', 'skipped', 'completed', 'failed'] as const).map((status) =>
          settle(manager.updatePhase(release.id, 'build', status)),
        ),
      )
      const winners = outcomes.filter((o) => o.ok)
      const final = (await manager.getRelease(release.id)).phases.build
      // The same status again is an idempotent success: the winners are the first outcome and its repeats.
      expect(winners.length).toBeGreaterThanOrEqual(1)
      for (const winner of winners) if (winner.ok) expect(winner.value.release.phases.build).toBe(final)
      for (const loser of outcomes)
        if (!loser.ok) expect(isStateError(loser.error, 'INVALID_TRANSITION'), String(loser.error)).toBe(true)
      const history = await manager.history({ releaseId: release.id })
      expect(
        history.filter((e) => e.type === 'PhaseUpdated' && e.data.phase === 'build' && e.data.from === 'running'),
      ).toHaveLength(1)
      await store.expectSound()
    })

    it('five managers on one store: concurrent creates and updates from all of them; all agree afterwards', async () => {
      const store = await fresh()
      const managers: StateManager[] = Array.from({ length: 5 }, (_, n) => store.manager({ actor: `m${n}` }))
      const environments = ['prod', 'staging']
      const created = await releasesOf(
        Array.from({ length: 25 }, (_, i) =>
          (managers[i % 5] as StateManager).createRelease(environments[i % 2] as string, `v${i}`),
        ),
      )
      expect(new Set(created.map((r) => r.id)).size).toBe(25)
      // Every manager walks phases of releases another manager created: it must see them first.
      const walked: Release[] = await Promise.all(
        created.map(async (release, i) => {
          const manager = managers[(i + 1) % 5] as StateManager
          let latest = release
          for (const phase of PHASES.slice(0, 3)) {
            await manager.updatePhase(release.id, phase, 'running')
            latest = (await manager.updatePhase(release.id, phase, 'completed')).release
          }
          return latest
        }),
      )
      // Conflicts across managers: everyone tries to settle rollout of the first release differently.
      const target = created[0] as Release
      const statuses = ['completed', 'failed', 'skipped', 'failed', 'completed'] as const
      const outcomes = await Promise.all(
        managers.map((manager, n) => settle(manager.updatePhase(target.id, 'rollout', statuses[n] as PhaseStatus))),
      )
      const final = (await (managers[0] as StateManager).getRelease(target.id)).phases.rollout
      expect(['completed', 'failed', 'skipped']).toContain(final)
      for (const [n, outcome] of outcomes.entries()) {
        if (outcome.ok) expect(statuses[n]).toBe(final)
        else {
          expect(statuses[n]).not.toBe(final)
          expect(isStateError(outcome.error, 'INVALID_TRANSITION'), String(outcome.error)).toBe(true)
        }
      }

      const releases = await store.expectSound()
      expect(releases).toHaveLength(25)
      for (const release of walked) {
        const stored = releases.find((r) => r.id === release.id)
        for (const phase of PHASES.slice(0, 3)) expect(stored?.phases[phase]).toBe('completed')
      }
      for (const manager of managers) expect(await manager.listAllReleases()).toEqual(releases)
    })
  })
}
