/**
 * Release references through the real CLI (docs/cli.md, "Release references"): a unique id prefix, ENV@current,
 * ENV@~N and ENV@last-good, wherever an id is taken; ambiguity and unknown positions refused by name.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { completePhases, defaultStore, fails, ok, seed, steppingClock, tempDir } from './support.js'

const DAY = 86_400_000

describe('release references', () => {
  let directory = ''
  const ids: Record<string, string> = {}
  // prod: v1 completed, v2 completed, v3 failed (current), one day apart; staging: s1 pending, in another month.
  beforeAll(async () => {
    directory = tempDir()
    await seed(
      join(directory, '.stagecraft', 'releases.json'),
      async (manager) => {
        const { release: v1 } = await manager.createRelease('prod', 'v1', 'aaaa1111')
        await completePhases(manager, v1)
        const { release: v2 } = await manager.createRelease('prod', 'v2', 'bbbb2222')
        await completePhases(manager, v2)
        const { release: v3 } = await manager.createRelease('prod', 'v3')
        await manager.updatePhase(v3.id, 'rollout', 'failed')
        Object.assign(ids, { v1: v1.id, v2: v2.id, v3: v3.id })
      },
      steppingClock(new Date('2025-01-01T00:00:00Z'), DAY),
    )
    await seed(
      join(directory, '.stagecraft', 'releases.json'),
      async (manager) => Object.assign(ids, { s1: (await manager.createRelease('staging', 'v9')).release.id }),
      steppingClock(new Date('2025-03-01T00:00:00Z'), DAY),
    )
  })

  const shownId = async (args: ReadonlyArray<string>): Promise<string> =>
    (JSON.parse(await ok(directory, [...args, '--json'])) as { id: string }).id

  it('show takes an exact id, a unique prefix, ENV@current, ENV@~N and ENV@last-good', async () => {
    expect(await shownId(['show', ids['v2'] as string])).toBe(ids['v2'])
    expect(await shownId(['show', 'rel-202503'])).toBe(ids['s1'])
    expect(await shownId(['show', (ids['v1'] as string).slice(0, 12)])).toBe(ids['v1'])
    expect(await shownId(['show', 'prod@current'])).toBe(ids['v3'])
    expect(await shownId(['show', 'prod@~1'])).toBe(ids['v2'])
    expect(await shownId(['show', 'prod@~2'])).toBe(ids['v1'])
    expect(await shownId(['show', 'prod@last-good'])).toBe(ids['v2'])
    expect(await shownId(['show', 'staging@current'])).toBe(ids['s1'])
  })

  it('an ambiguous prefix is refused, naming the candidates; exit 1', async () => {
    expect(await fails(directory, ['show', 'rel-202501'], 1)).toBe(
      `stagecraft-state: INVALID_INPUT: release reference "rel-202501" is ambiguous: 3 release ids start with it ` +
        `(${ids['v1']}, ${ids['v2']}, ${ids['v3']}); type more of the id (file store ` +
        `${join(directory, '.stagecraft', 'releases.json')})`,
    )
  })

  it('an unknown position names the accepted forms; a position past the oldest says how many there are', async () => {
    expect(await fails(directory, ['show', 'prod@previous'], 1)).toMatch(
      /INVALID_INPUT: unknown release position "previous" in "prod@previous"; after ENV@ give current, ~N .* or last-good/,
    )
    expect(await fails(directory, ['show', 'prod@~3'], 1)).toMatch(
      /RELEASE_NOT_FOUND: environment prod has 3 releases; prod@~2 is its oldest/,
    )
    expect(await fails(directory, ['show', 'staging@last-good'], 1)).toMatch(
      /RELEASE_NOT_FOUND: environment staging has no release whose status is completed/,
    )
    expect(await fails(directory, ['show', 'dev@current'], 1)).toMatch(
      /RELEASE_NOT_FOUND: environment dev has no releases/,
    )
  })

  it('an unknown id is refused as before: RELEASE_NOT_FOUND naming it', async () => {
    expect(await fails(directory, ['show', 'rel-2099'], 1)).toMatch(/RELEASE_NOT_FOUND: release rel-2099 not found/)
  })

  it('history --release and rollback-target --to-release take references', async () => {
    const events = JSON.parse(await ok(directory, ['history', '--release', 'prod@~1', '--json'])) as Array<{
      release: string
    }>
    expect(events.length).toBeGreaterThan(0)
    expect(new Set(events.map((event) => event.release))).toEqual(new Set([ids['v2']]))
    expect(await shownId(['rollback-target', '--env', 'prod', '--to-release', 'prod@~2'])).toBe(ids['v1'])
    expect(await shownId(['rollback-target', '-e', 'prod', '--to-release', 'prod@last-good'])).toBe(ids['v2'])
  })

  it('phase, recover and create --rollback-of write about the release a reference names', async () => {
    const own = tempDir()
    const file = join(own, '.stagecraft', 'releases.json')
    const good = await seed(
      file,
      async (manager) => {
        const { release } = await manager.createRelease('prod', 'v1')
        await completePhases(manager, release)
        const { release: failed } = await manager.createRelease('prod', 'v2')
        await manager.updatePhase(failed.id, 'rollout', 'failed')
        return release.id
      },
      steppingClock(new Date('2025-01-01T00:00:00Z'), DAY),
    )
    const rollback = (
      await ok(own, ['create', '-e', 'prod', '--version', 'v1', '--rollback-of', 'prod@last-good', '-q'])
    ).trim()
    expect(await ok(own, ['show', rollback])).toContain(`rollback of  ${good}`)
    expect(await ok(own, ['phase', 'prod@current', 'build', 'running'])).toMatch(
      new RegExp(`^${rollback}: build pending -> running`),
    )
    expect(await ok(own, ['recover', rollback.slice(0, -3), '--reason', 'runner killed'])).toMatch(
      new RegExp(`^recovered ${rollback}: `),
    )
    const before = defaultStore(own).logLines().length
    expect(await fails(own, ['phase', 'prod@~5', 'build', 'running'], 1)).toMatch(/RELEASE_NOT_FOUND/)
    expect(defaultStore(own).logLines()).toHaveLength(before)
  })
})
