/**
 * The behaviour of the state manager whatever store it runs on. Each store's manager test file
 * runs this suite; what only one store has (files beside the state file, a database schema)
 * stays in that file.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  PHASES,
  type PhaseStatus,
  type ReleasePhase,
  StateError,
  type StateManager,
  type StateManagerOptions,
} from '../../src/index.js'
import { projectSnapshot } from '../../src/domain/projection.js'
import { releaseStatus } from '../../src/domain/release-status.js'
import { deploy, rejection } from '../support/manager.js'

/** A manager on a fresh, empty store; `make` opens more on the same store (other processes); `clock` is theirs. */
export interface ManagerSubject {
  readonly manager: StateManager
  readonly make: (more?: StateManagerOptions) => StateManager
  readonly clock: { set: (ms: number) => void }
  /** What the managers told `onWarning`. */
  readonly warnings: ReadonlyArray<string>
}

/** Runs the manager contract against the managers `open` makes (with the options given). */
export const managerContract = (name: string, open: (options?: StateManagerOptions) => ManagerSubject): void => {
  describe(`the StateManager API on ${name}`, () => {
    it('creates releases with ids from the clock, chained per environment, phases pending', async () => {
      const { manager } = open()
      const { release: first } = await manager.createRelease('prod', 'v1.0.0', 'abc123')
      const { release: staging } = await manager.createRelease('staging', 'v1.0.0')
      const { release: second } = await manager.createRelease(' prod ', 'v1.1.0', 'def456', { note: 'hotfix' })
      expect(first).toEqual({
        id: 'rel-20250101-120000000',
        environment: 'prod',
        version: 'v1.0.0',
        commitSha: 'abc123',
        timestamp: '2025-01-01T12:00:00Z',
        phases: Object.fromEntries(PHASES.map((p) => [p, 'pending'])),
      })
      expect(staging.previousId).toBeUndefined()
      expect(second.previousId).toBe(first.id)
      expect(await manager.getCurrentRelease('prod')).toEqual(second)
      expect((await manager.listReleases('prod')).map((r) => r.id)).toEqual([second.id, first.id])
      expect((await manager.listAllReleases()).map((r) => r.environment)).toEqual(['prod', 'prod', 'staging'])
    })

    it('returns the updated release from updatePhase, and records nothing for the same status again', async () => {
      const { manager } = open()
      const { release } = await manager.createRelease('prod', 'v1')
      expect((await manager.updatePhase(release.id, 'build', 'running')).release.phases.build).toBe('running')
      const events = (await manager.history()).length
      expect((await manager.updatePhase(release.id, 'build', 'running')).release.phases.build).toBe('running')
      expect(await manager.history()).toHaveLength(events)
    })

    it('given a write under a request id, a retry with the same arguments (this process or a new one, a later clock) records nothing and returns the release first recorded; other arguments are INVALID_INPUT naming the first use', async () => {
      const { manager, make, clock } = open()
      const first = await manager.createRelease('prod', 'v1', 'abc123', { requestId: 'deploy-42', note: 'first try' })
      expect(first.events).toHaveLength(1)
      expect(first.events[0]?.data).toMatchObject({ request: { id: 'deploy-42', command: 'CreateRelease' } })
      await manager.updatePhase(first.release.id, 'build', 'running', { requestId: 'build-start' })
      clock.set(Date.UTC(2025, 0, 1, 13))
      const events = (await manager.history()).length
      for (const retrying of [manager, make()]) {
        const retry = await retrying.createRelease('prod', 'v1', 'abc123', {
          requestId: 'deploy-42',
          note: 'first try',
        })
        expect([retry.release.id, retry.release.phases.build, retry.events, retry.position]).toEqual([
          first.release.id,
          'running',
          [],
          events,
        ])
        expect(
          (await retrying.updatePhase(first.release.id, 'build', 'running', { requestId: 'build-start' })).events,
        ).toEqual([])
      }
      expect(await manager.listAllReleases()).toHaveLength(1)
      const reused = await rejection(
        make().createRelease('prod', 'v2', 'abc123', { requestId: 'deploy-42', note: 'first try' }),
      )
      expect(reused.code).toBe('INVALID_INPUT')
      expect(reused.message).toMatch(
        new RegExp(
          `request id "deploy-42" was first used for CreateRelease of release ${first.release.id} \\(recorded 2025-01-01T12:00:00\\.\\d{3}Z\\).*this call gives version "v2"`,
        ),
      )
      const recovered = await manager.recoverRelease(first.release.id, 'killed', { requestId: 'recover-1' })
      expect((await make().recoverRelease(first.release.id, 'killed', { requestId: 'recover-1' })).events).toEqual([])
      expect((await rejection(manager.recoverRelease(first.release.id, 'oom', { requestId: 'recover-1' }))).code).toBe(
        'INVALID_INPUT',
      )
      expect(await manager.history()).toHaveLength(events + recovered.events.length)
      expect(
        (await rejection(manager.createRelease('prod', 'v3', undefined, { requestId: 'x'.repeat(201) }))).message,
      ).toMatch(/request id .* is 201 characters long; the limit is 200/)
    })

    it('rejects with StateErrors carrying stable codes and messages naming the value', async () => {
      const { manager } = open()
      const { release } = await manager.createRelease('prod', 'v1')
      await manager.updatePhase(release.id, 'rollout', 'failed')
      const cases = [
        [() => manager.createRelease('', 'v1'), 'INVALID_INPUT', /environment is empty/],
        [() => manager.createRelease('prod', 'v1', 'x'.repeat(257)), 'INVALID_INPUT', /commit SHA "x+"\.\.\. is 257/],
        [
          () => manager.updatePhase(release.id, 'deploy' as ReleasePhase, 'running'),
          'INVALID_INPUT',
          /unknown phase "deploy"/,
        ],
        [
          () => manager.updatePhase(release.id, 'build', 'done' as PhaseStatus),
          'INVALID_INPUT',
          /unknown phase status "done"/,
        ],
        [() => manager.updatePhase('rel-nope', 'build', 'running'), 'RELEASE_NOT_FOUND', /rel-nope/],
        [() => manager.getRelease('rel-nope'), 'RELEASE_NOT_FOUND', /rel-nope/],
        [() => manager.getCurrentRelease('qa'), 'RELEASE_NOT_FOUND', /qa/],
        [
          () => manager.updatePhase(release.id, 'rollout', 'running'),
          'INVALID_TRANSITION',
          /rollout .* from failed to running/,
        ],
      ] as const
      for (const [operation, code, message] of cases) {
        const error = await rejection(operation())
        expect(error).toBeInstanceOf(StateError)
        expect(error.code).toBe(code)
        expect(error.message).toMatch(message)
      }
    })

    it('returns releases that cannot be changed, and lists that are the caller own', async () => {
      const { manager } = open()
      const { release } = await manager.createRelease('prod', 'v1')
      expect(() => {
        ;(release as { version: string }).version = 'hacked'
      }).toThrow(TypeError)
      expect(() => {
        ;(release.phases as Record<string, string>)['build'] = 'completed'
      }).toThrow(TypeError)
      const list = await manager.listReleases('prod')
      list.pop()
      expect(await manager.listReleases('prod')).toHaveLength(1)
      expect((await manager.getRelease(release.id)).version).toBe('v1')
    })

    it('shows one manager what another wrote (read-after-write on one store)', async () => {
      const { manager, make } = open()
      const other = make()
      const { release } = await manager.createRelease('prod', 'v1')
      expect(await other.getRelease(release.id)).toEqual(release)
      await other.updatePhase(release.id, 'build', 'completed')
      expect((await manager.getRelease(release.id)).phases.build).toBe('completed')
      const { release: next } = await other.createRelease('prod', 'v2')
      expect(next.previousId).toBe(release.id)
      expect((await manager.getCurrentRelease('prod')).id).toBe(next.id)
    })

    it('serialises many concurrent calls from several managers without losing any; ids unique and increasing', async () => {
      const { manager, make } = open()
      const all = [manager, make(), make()]
      const created = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (all[i % 3] as StateManager).createRelease(i % 4 === 0 ? 'staging' : 'prod', `v${i}`),
        ),
      )
      expect(new Set(created.map((r) => r.release.id)).size).toBe(24)
      const ids = (await manager.history()).map((e) => (e.type === 'ReleaseCreated' ? e.data.release.id : ''))
      expect(ids).toEqual([...ids].sort())
      expect((await manager.listAllReleases()).length).toBe(24)
      expect((await manager.verify()).sound).toBe(true)
    })

    it('records who wrote each event, and the rollback and note options of createRelease', async () => {
      const { manager, make } = open()
      const v1 = await deploy(manager, 'prod', 'v1', PHASES)
      await deploy(manager, 'prod', 'v2')
      const { release: rollback } = await make({ actor: 'carol' }).createRelease('prod', 'v1', undefined, {
        rollbackOf: v1.id,
        note: 'v2 broke checkout',
      })
      const [created] = await manager.history({ releaseId: rollback.id })
      expect(created).toMatchObject({
        type: 'ReleaseCreated',
        meta: { actor: 'carol', pid: process.pid },
        data: { rollbackOf: v1.id, note: 'v2 broke checkout' },
      })
      expect(
        (await rejection(manager.createRelease('staging', 'v1', undefined, { rollbackOf: v1.id }))).message,
      ).toMatch(/belongs to environment prod/)
    })

    it('answers history by release and environment, and stateAt', async () => {
      const { manager } = open()
      const good = await deploy(manager, 'prod', 'v1', PHASES)
      const { release: staging } = await manager.createRelease('staging', 'v1')
      const { release: bad } = await manager.createRelease('prod', 'v2')
      expect((await manager.history({ releaseId: good.id })).map((e) => e.type)).toEqual([
        'ReleaseCreated',
        ...PHASES.flatMap(() => ['PhaseUpdated', 'PhaseUpdated']),
      ])
      expect((await manager.history({ environment: 'staging' })).map((e) => e.data)).toEqual([{ release: staging }])
      const beforeBad = projectSnapshot(await manager.stateAt(staging.timestamp))
      expect(beforeBad).toContain(staging.id)
      expect(beforeBad).not.toContain(bad.id)
    })

    it('recovers a release left behind: running phases fail, pending ones are skipped, with the reason', async () => {
      const { manager } = open()
      const release = await deploy(manager, 'prod', 'v1', ['build'])
      await manager.updatePhase(release.id, 'push', 'running')
      const { release: recovered } = await manager.recoverRelease(release.id, 'orchestrator killed')
      expect(recovered.phases).toEqual({
        build: 'completed',
        push: 'failed',
        migrate_pre: 'skipped',
        rollout: 'skipped',
        migrate_post: 'skipped',
        finalize: 'skipped',
      })
      const events = await manager.history({ releaseId: release.id })
      expect(events.slice(-5).every((e) => e.type === 'PhaseUpdated' && e.data.reason === 'orchestrator killed')).toBe(
        true,
      )
    })

    it('names releases pending or in progress with no event for longer than abandonedAfterMs', async () => {
      const { manager, clock } = open({ abandonedAfterMs: 60_000 })
      const { release: stuck } = await manager.createRelease('prod', 'v1')
      await manager.updatePhase(stuck.id, 'build', 'running')
      const { release: left } = await manager.createRelease('staging', 'v1')
      await deploy(manager, 'qa', 'v1', PHASES)
      expect(await manager.abandonedReleases()).toEqual([])
      clock.set(Date.UTC(2025, 0, 1, 13))
      expect((await manager.abandonedReleases()).map((r) => r.id)).toEqual([stuck.id, left.id])
      expect((await manager.abandonedReleases('staging')).map((r) => r.id)).toEqual([left.id])
    })

    it('takes a threshold per call to abandonedReleases, the option its default', async () => {
      const { manager, clock } = open({ abandonedAfterMs: 60_000 })
      const { release } = await manager.createRelease('prod', 'v1')
      clock.set(Date.UTC(2025, 0, 1, 12, 30))
      expect((await manager.abandonedReleases()).map((r) => r.id)).toEqual([release.id])
      expect(await manager.abandonedReleases(undefined, { afterMs: 3_600_000 })).toEqual([])
      expect((await manager.abandonedReleases('prod', { afterMs: 0 })).map((r) => r.id)).toEqual([release.id])
      expect((await rejection(manager.abandonedReleases(undefined, { afterMs: -1 }))).code).toBe('INVALID_INPUT')
    })

    it('refuses a create over a release still running with RELEASE_IN_PROGRESS; supersede records it', async () => {
      const { manager } = open()
      const { release: running } = await manager.createRelease('prod', 'v1')
      await manager.updatePhase(running.id, 'rollout', 'running')
      const refused = await rejection(manager.createRelease('prod', 'v2'))
      expect(refused.code).toBe('RELEASE_IN_PROGRESS')
      expect(refused.message).toContain(`release ${running.id} (v1) of prod is still in progress: rollout running`)
      expect(await manager.listReleases('prod')).toHaveLength(1)
      const { release, events } = await manager.createRelease('prod', 'v2', undefined, { supersede: true })
      expect(release.previousId).toBe(running.id)
      expect(events[0]?.type === 'ReleaseCreated' && events[0].data.supersedes).toBe(running.id)
      // The new release is pending: the next create is not refused.
      expect((await manager.createRelease('prod', 'v3')).release.previousId).toBe(release.id)
    })

    it('creates over a running release that looks abandoned, naming it in a warning', async () => {
      const { manager, clock, warnings } = open({ abandonedAfterMs: 60_000 })
      const { release: stuck } = await manager.createRelease('prod', 'v1')
      await manager.updatePhase(stuck.id, 'build', 'running')
      clock.set(Date.UTC(2025, 0, 1, 13))
      const { release, events } = await manager.createRelease('prod', 'v2')
      expect(events[0]?.type === 'ReleaseCreated' && events[0].data.supersedes).toBeUndefined()
      expect(warnings.filter((w) => w.includes(stuck.id))).toEqual([
        expect.stringContaining(`it looks abandoned, so ${release.id} was created over it`),
      ])
    })

    it('gives a release closed out by recoverRelease the status recovered, kept across managers', async () => {
      const { manager, make } = open()
      const { release } = await manager.createRelease('prod', 'v1')
      await manager.updatePhase(release.id, 'build', 'running')
      await manager.recoverRelease(release.id, 'orchestrator killed')
      const state = await make().state()
      const recovered = state.releases.get(release.id)?.[0]
      expect(recovered && releaseStatus(recovered)).toBe('recovered')
    })

    it('answers rollbackTarget by the rules', async () => {
      const { manager } = open()
      const good = await deploy(manager, 'prod', 'v1', PHASES)
      const { release: bad } = await manager.createRelease('prod', 'v2')
      await manager.updatePhase(bad.id, 'rollout', 'failed')
      expect((await manager.rollbackTarget('prod', { to: 'previous' })).id).toBe(good.id)
      expect((await manager.rollbackTarget('prod', { to: 'last-good' })).id).toBe(good.id)
      // The current release is no target at all; an earlier one that did not complete is one refused.
      expect((await rejection(manager.rollbackTarget('prod', { to: 'release', releaseId: bad.id }))).code).toBe(
        'RELEASE_NOT_FOUND',
      )
      await manager.createRelease('prod', 'v3')
      expect((await rejection(manager.rollbackTarget('prod', { to: 'release', releaseId: bad.id }))).code).toBe(
        'INVALID_TRANSITION',
      )
    })

    it('finds a sound store sound', async () => {
      const { manager } = open()
      await deploy(manager, 'prod', 'v1', ['build'])
      expect(await manager.verify()).toEqual({
        sound: true,
        problems: [],
        events: 3,
        releases: 1,
        head: { position: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown },
      })
    })

    it('offers the same operations as TaskEithers, failing with the same StateError as a Left', async () => {
      const { manager } = open()
      expect(E.isRight(await manager.fp.createRelease('prod', 'v1')())).toBe(true)
      const missing = await manager.fp.getRelease('rel-nope')()
      expect(E.isLeft(missing) && missing.left).toBeInstanceOf(StateError)
      expect(E.isLeft(missing) && missing.left.code).toBe('RELEASE_NOT_FOUND')
    })
  })
}
