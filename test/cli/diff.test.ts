/**
 * `stagecraft-state diff A B`: what changed between two releases, as text and JSON, through the real CLI; and the pure
 * comparison (`diffReleases`) it prints.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diffReleases, PHASES, type Release } from '../../src/internals.js'
import { completePhases, fails, manualClock, ok, seed, tempDir } from './support.js'

/** A store in `directory`: prod v1 (every phase completed, by alice), then v2 2h 5m later (build failed, by bob). */
const story = async (directory: string): Promise<{ first: Release; second: Release }> => {
  const stateFile = join(directory, '.stagecraft', 'releases.json')
  const clock = manualClock(new Date('2025-03-14T09:00:00Z'))
  const first = await seed(
    stateFile,
    async (manager) => {
      const { release } = await manager.createRelease('prod', 'v1.2.2', 'abc1234def')
      await completePhases(manager, release)
      return manager.getRelease(release.id)
    },
    clock.now,
    'alice',
  )
  clock.set(new Date('2025-03-14T11:05:00Z'))
  const second = await seed(
    stateFile,
    async (manager) => {
      const { release } = await manager.createRelease('prod', 'v1.2.3', '1234567abc')
      await manager.updatePhase(release.id, 'build', 'running')
      return (await manager.updatePhase(release.id, 'build', 'failed', { reason: 'tests' })).release
    },
    clock.now,
    'bob',
  )
  return { first, second }
}

describe('stagecraft-state diff', () => {
  it('prints each field, from -> to where it changed, each phase, who recorded each and the time between', async () => {
    const directory = tempDir()
    const { first, second } = await story(directory)
    expect((await ok(directory, ['diff', first.id, second.id])).split('\n')).toEqual([
      `${first.id} -> ${second.id} (created 2h 5m later)`,
      'environment     prod',
      'version         v1.2.2 -> v1.2.3',
      'commit          abc1234def -> 1234567abc',
      'status          completed -> failed',
      '  build         completed -> failed',
      '  push          completed -> pending',
      '  migrate_pre   completed -> pending',
      '  rollout       completed -> pending',
      '  migrate_post  completed -> pending',
      '  finalize      completed -> pending',
      'recorded by     alice -> bob',
      '',
    ])
    expect(await ok(directory, ['diff', second.id, first.id])).toMatch(/\(created 2h 5m earlier\)\n/)
  })

  it('--json gives the comparison: every field as {from, to, changed}, phases in order, elapsedMs', async () => {
    const directory = tempDir()
    const { first, second } = await story(directory)
    const diff = JSON.parse(await ok(directory, ['diff', first.id, second.id, '--json'])) as Record<string, unknown>
    expect(diff).toMatchObject({
      from: first.id,
      to: second.id,
      environment: { from: 'prod', to: 'prod', changed: false },
      version: { from: 'v1.2.2', to: 'v1.2.3', changed: true },
      commitSha: { from: 'abc1234def', to: '1234567abc', changed: true },
      status: { from: 'completed', to: 'failed', changed: true },
      actors: { from: ['alice'], to: ['bob'], changed: true },
      elapsedMs: (2 * 60 + 5) * 60_000,
    })
    expect(diff['phases']).toHaveLength(PHASES.length)
    expect((diff['phases'] as unknown[])[0]).toEqual({ phase: 'build', from: 'completed', to: 'failed', changed: true })
  })

  it('takes release references: ENV@~1 and ENV@current, a unique id prefix', async () => {
    const directory = tempDir()
    const { first, second } = await story(directory)
    const byIds = await ok(directory, ['diff', first.id, second.id])
    expect(await ok(directory, ['diff', 'prod@~1', 'prod@current'])).toBe(byIds)
    expect(await ok(directory, ['diff', first.id.slice(0, -2), 'prod@current'])).toBe(byIds)
  })

  it('a release compared with itself changes nothing', async () => {
    const directory = tempDir()
    const { first } = await story(directory)
    const text = await ok(directory, ['diff', first.id, first.id])
    expect(text).toMatch(/within a second of each other/)
    expect(text.split('\n').slice(1).join('\n')).not.toContain(' -> ')
  })

  it('a release that does not exist is RELEASE_NOT_FOUND naming it; one id alone is a usage error', async () => {
    const directory = tempDir()
    const { first } = await story(directory)
    expect(await fails(directory, ['diff', first.id, 'rel-20250101-000000000'], 1)).toMatch(
      /^stagecraft-state: RELEASE_NOT_FOUND: .*rel-20250101-000000000/,
    )
    expect(await fails(directory, ['diff', first.id], 2)).toMatch(/missing RELEASE_B/)
  })
})

describe('diffReleases', () => {
  it('marks what differs, and only that', () => {
    const a = {
      id: 'rel-20250101-120000000',
      environment: 'prod',
      version: 'v1',
      commitSha: '',
      timestamp: '2025-01-01T12:00:00Z',
      phases: Object.fromEntries(PHASES.map((phase) => [phase, 'pending'])),
    } as unknown as Release
    const b = { ...a, id: 'rel-20250101-120001000', timestamp: '2025-01-01T12:00:01Z' } as Release
    const diff = diffReleases(a, b, { from: ['x'], to: ['x'] })
    expect([diff.version.changed, diff.commitSha.changed, diff.actors.changed, diff.elapsedMs]).toEqual([
      false,
      false,
      false,
      1000,
    ])
    expect(diff.phases.some((phase) => phase.changed)).toBe(false)
  })
})
