/**
 * Many writers on one file store at once: child processes (real processes, the built package),
 * many calls on one manager, several managers in one process. Whatever the interleaving, nothing
 * acknowledged is lost, ids stay unique and increasing, every environment keeps one chain, and
 * `releases.json` is the projection of the log, with no temporary or lock file left behind.
 */
import { readdirSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, isStateError, PHASES, type Release, type StateManager } from '../../src/index.js'
import { Acknowledged, Child, expectSoundStore, type TempStore, tempStore } from './children/harness.js'

const stores: TempStore[] = []
const newStore = async (): Promise<TempStore> => {
  const store = await tempStore('stagecraft-concurrency-')
  stores.push(store)
  return store
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})

beforeAll(() => {
  // The children import dist/: `npm test` builds first.
  expect(readdirSync(new URL('../../dist/', import.meta.url)), 'dist/ is missing: run npm run build').toContain('index.js')
})

const settle = async <A>(promise: Promise<A>): Promise<{ ok: true; value: A } | { ok: false; error: unknown }> => {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

describe('several processes deploying on one store at once', () => {
  const CHILDREN = 4
  const RELEASES_EACH = 9
  const PIPELINES = 2
  const SHARED = ['prod', 'staging']

  it(`${CHILDREN} processes x ${RELEASES_EACH} releases (in ${PIPELINES} concurrent pipelines each): nothing lost, one chain per environment, releases.json the projection`, async () => {
    const store = await newStore()
    const children = Array.from(
      { length: CHILDREN },
      (_, n) =>
        new Child('deployer.mjs', {
          stateFile: store.stateFile,
          name: `worker${n}`,
          releases: RELEASES_EACH,
          sharedEnvironments: SHARED,
          pipelines: PIPELINES,
          lockTimeoutMs: 60_000,
          pauseMs: 8,
        }),
    )
    try {
      await Promise.all(children.map((child) => child.until((c) => c.lines.some((line) => line.t === 'ready'), 'ready')))
      for (const child of children) child.send('go') // all start together
      const exits = await Promise.all(children.map((child) => child.exited))
      for (const [n, exit] of exits.entries()) expect(exit, `worker${n}: ${children[n]?.errors}`).toEqual({ code: 0, signal: null })
    } finally {
      await Promise.all(children.map((child) => child.kill()))
    }

    const acknowledged = new Acknowledged()
    for (const child of children) {
      expect(child.lines.at(-1)?.t).toBe('done')
      for (const ack of child.acks) acknowledged.add(ack)
    }
    // The children's writes really interleaved (one after the other would switch writers only 3 times).
    const writers = (await createStateManager({ stateFile: store.stateFile }).history()).map((event) => event.meta.actor)
    const switches = writers.filter((actor, i) => i > 0 && actor !== writers[i - 1]).length
    expect(switches, 'the children hardly interleaved: the test did not exercise concurrency').toBeGreaterThan(4 * CHILDREN)

    const fresh = createStateManager({ stateFile: store.stateFile })
    const releases = await expectSoundStore(fresh, store)
    expect(releases).toHaveLength(CHILDREN * RELEASES_EACH)
    expect(acknowledged.created.size).toBe(CHILDREN * RELEASES_EACH)
    // Each child owned its releases, and all finished: every release is exactly as last acknowledged.
    acknowledged.expectIn(releases, { exact: true })
    for (const environment of [...SHARED, ...children.map((_, n) => `own-worker${n}`)]) {
      const versions = releases.filter((r) => r.environment === environment).map((r) => r.version)
      expect(versions.length, `releases of ${environment}`).toBeGreaterThan(0)
    }
    // Shared environments hold releases of every child.
    for (const environment of SHARED) {
      const owners = new Set(releases.filter((r) => r.environment === environment).map((r) => r.version.split('-')[0]))
      expect(owners.size, `writers of ${environment}`).toBe(CHILDREN)
    }
    // Read-after-write for any reader: releases.json already showed every release when the children ended.
    const completed = releases.filter((r) => PHASES.every((p) => r.phases[p] === 'completed'))
    expect(completed.length).toBeGreaterThan(0)
    expect(completed.length).toBeLessThan(releases.length) // some failed and were recovered
  }, 120_000)
})

describe('many concurrent calls in one process', () => {
  it('one manager: 30 concurrent creates, then every phase of every release updated concurrently', async () => {
    const store = await newStore()
    const manager = createStateManager({ stateFile: store.stateFile })
    const environments = ['prod', 'staging', 'dev']
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) => manager.createRelease(environments[i % 3] as string, `v${i}`, i % 2 === 0 ? 'abcd1234' : undefined)),
    )
    expect(new Set(created.map((r) => r.id)).size).toBe(30)
    // Concurrent reads see a prefix of the history, never a broken one, while writes go on.
    const [running, reads] = await Promise.all([
      Promise.all(created.flatMap((release) => PHASES.map((phase) => manager.updatePhase(release.id, phase, 'running')))),
      Promise.all(created.map((release) => manager.getRelease(release.id))),
    ])
    for (const [i, release] of running.entries()) expect(release.phases[PHASES[i % PHASES.length] as (typeof PHASES)[number]]).toBe('running')
    for (const [i, release] of reads.entries()) expect(release).toMatchObject({ id: created[i]?.id, version: created[i]?.version })
    await Promise.all(created.flatMap((release) => PHASES.map((phase) => manager.updatePhase(release.id, phase, 'completed'))))

    const releases = await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
    expect(releases).toHaveLength(30)
    for (const release of releases) expect(Object.values(release.phases)).toEqual(PHASES.map(() => 'completed'))
    expect(await manager.listAllReleases()).toEqual(releases)
  })

  it('one manager: concurrent conflicting updates of one phase: exactly one wins, the others are INVALID_TRANSITION', async () => {
    const store = await newStore()
    const manager = createStateManager({ stateFile: store.stateFile })
    const release = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    const outcomes = await Promise.all((['completed', 'failed', 'skipped', 'completed', 'failed'] as const).map((status) => settle(manager.updatePhase(release.id, 'build', status))))
    const winners = outcomes.filter((o) => o.ok)
    const final = (await manager.getRelease(release.id)).phases.build
    // The same status again is an idempotent success: the winners are the first outcome and its repeats.
    expect(winners.length).toBeGreaterThanOrEqual(1)
    for (const winner of winners) if (winner.ok) expect(winner.value.phases.build).toBe(final)
    for (const loser of outcomes) if (!loser.ok) expect(isStateError(loser.error, 'INVALID_TRANSITION'), String(loser.error)).toBe(true)
    const history = await manager.history({ releaseId: release.id })
    expect(history.filter((e) => e.type === 'PhaseUpdated' && e.data.phase === 'build' && e.data.from === 'running')).toHaveLength(1)
    await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
  })

  it('five managers on one file: concurrent creates and updates from all of them; all agree afterwards', async () => {
    const store = await newStore()
    const managers: StateManager[] = Array.from({ length: 5 }, (_, n) => createStateManager({ stateFile: store.stateFile, actor: `m${n}` }))
    const environments = ['prod', 'staging']
    const created = await Promise.all(
      Array.from({ length: 25 }, (_, i) => (managers[i % 5] as StateManager).createRelease(environments[i % 2] as string, `v${i}`)),
    )
    expect(new Set(created.map((r) => r.id)).size).toBe(25)
    // Every manager walks phases of releases another manager created: it must see them first.
    const walked: Release[] = await Promise.all(
      created.map(async (release, i) => {
        const manager = managers[(i + 1) % 5] as StateManager
        let latest = release
        for (const phase of PHASES.slice(0, 3)) {
          latest = await manager.updatePhase(release.id, phase, 'running')
          latest = await manager.updatePhase(release.id, phase, 'completed')
        }
        return latest
      }),
    )
    // Conflicts across managers: everyone tries to settle rollout of the first release differently.
    const target = created[0] as Release
    const statuses = ['completed', 'failed', 'skipped', 'failed', 'completed'] as const
    const outcomes = await Promise.all(managers.map((manager, n) => settle(manager.updatePhase(target.id, 'rollout', statuses[n] as string))))
    const final = (await (managers[0] as StateManager).getRelease(target.id)).phases.rollout
    expect(['completed', 'failed', 'skipped']).toContain(final)
    for (const [n, outcome] of outcomes.entries()) {
      if (outcome.ok) expect(statuses[n]).toBe(final)
      else {
        expect(statuses[n]).not.toBe(final)
        expect(isStateError(outcome.error, 'INVALID_TRANSITION'), String(outcome.error)).toBe(true)
      }
    }

    const releases = await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
    expect(releases).toHaveLength(25)
    for (const release of walked) {
      const stored = releases.find((r) => r.id === release.id)
      for (const phase of PHASES.slice(0, 3)) expect(stored?.phases[phase]).toBe('completed')
    }
    for (const manager of managers) expect(await manager.listAllReleases()).toEqual(releases)
  })
})
