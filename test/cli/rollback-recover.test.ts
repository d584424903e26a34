/**
 * `rollback-target` (every way of choosing, and the refusals) and `recover`.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PHASES } from '../../src/index.js'
import { cli, cliOvertaken, completePhases, defaultStore, fails, loggedBy, ok, seed, tempDir } from './support.js'

describe('rollback-target', () => {
  let directory = ''
  const ids: Record<string, string> = {}
  // prod: v1 completed, v2 completed, v3 failed (current). staging: one pending release.
  beforeAll(async () => {
    directory = tempDir()
    await seed(join(directory, '.stagecraft', 'releases.json'), async (manager) => {
      const { release: v1 } = await manager.createRelease('prod', 'v1', 'aaaa1111')
      await completePhases(manager, v1)
      const { release: v2 } = await manager.createRelease('prod', 'v2', 'bbbb2222')
      await completePhases(manager, v2)
      const { release: v3 } = await manager.createRelease('prod', 'v3')
      await manager.updatePhase(v3.id, 'rollout', 'failed')
      const { release: s1 } = await manager.createRelease('staging', 'v3')
      Object.assign(ids, { v1: v1.id, v2: v2.id, v3: v3.id, s1: s1.id })
    })
  })

  it('--to-previous: the release and the create that records the rollback', async () => {
    const out = await ok(directory, ['rollback-target', '--env', 'prod', '--to-previous'])
    const [first, second] = out.trimEnd().split('\n')
    expect(first).toMatch(
      new RegExp(
        `^rollback of prod would redeploy ${ids['v2']}: v2 \\(bbbb222\\), created \\S+ \\(\\d+s ago\\), every phase completed$`,
      ),
    )
    expect(second).toBe(
      `record it with: stagecraft-state create --env prod --version v2 --commit bbbb2222 --rollback-of ${ids['v2']}`,
    )
  })

  it('--to-release, --to-version, --to-last-good; --json prints the record', async () => {
    const target = async (...choice: string[]) =>
      (JSON.parse(await ok(directory, ['rollback-target', '--env', 'prod', ...choice, '--json'])) as { id: string }).id
    expect(await target('--to-release', ids['v1'] ?? '')).toBe(ids['v1'])
    expect(await target('--to-version', 'v1')).toBe(ids['v1'])
    expect(await target('--to-last-good')).toBe(ids['v2'])
    expect(await target('--to-previous')).toBe(ids['v2'])
  })

  it('refuses with the reason, exit 1: the current release, an unfinished one, another environment, nothing to roll back', async () => {
    expect(await fails(directory, ['rollback-target', '--env', 'prod', '--to-version', 'v3'], 1)).toMatch(
      `RELEASE_NOT_FOUND: release ${ids['v3']} (v3) is the current release of prod, and no earlier release has that version`,
    )
    expect(await fails(directory, ['rollback-target', '--env', 'prod', '--to-release', ids['s1'] ?? ''], 1)).toMatch(
      `belongs to environment staging, not prod`,
    )
    expect(await fails(directory, ['rollback-target', '--env', 'prod', '--to-version', 'v9'], 1)).toMatch(
      'RELEASE_NOT_FOUND: environment prod has no release of version v9',
    )
    expect(await fails(directory, ['rollback-target', '--env', 'staging', '--to-previous'], 1)).toMatch(
      `current release ${ids['s1']} of staging has no previous release`,
    )
    expect(await fails(directory, ['rollback-target', '--env', 'staging', '--to-last-good'], 1)).toMatch(
      'environment staging has no earlier release that completed every phase',
    )
    expect(await fails(directory, ['rollback-target', '--env', 'qa', '--to-previous'], 1)).toMatch(
      'environment qa has no releases; there is nothing to roll back',
    )
  })

  it('quotes what a shell would split in the suggested command', async () => {
    const other = tempDir()
    await seed(join(other, '.stagecraft', 'releases.json'), async (manager) => {
      await completePhases(manager, (await manager.createRelease('prod', "v1 (Bob's build)")).release)
      await manager.createRelease('prod', 'v2')
    })
    expect(await ok(other, ['rollback-target', '--env', 'prod', '--to-previous'])).toContain(
      `--version 'v1 (Bob'\\''s build)' --rollback-of`,
    )
  })
})

describe('recover', () => {
  it('fails the running phases and skips the pending ones, with the reason in the history', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    await ok(directory, ['phase', id, 'build', 'completed'])
    await ok(directory, ['phase', id, 'push', 'running'])
    const out = await ok(directory, ['recover', id, '--reason', 'CI runner killed'])
    expect(out).toBe(
      `recovered ${id}: push running -> failed, migrate_pre pending -> skipped, rollout pending -> skipped, migrate_post pending -> skipped, finalize pending -> skipped (release recovered)\n`,
    )
    const events = JSON.parse(await ok(directory, ['history', '--release', id, '--json'])) as Array<{
      payload: { reason?: string }
    }>
    expect(events.slice(-5).map((e) => e.payload.reason)).toEqual(Array(5).fill('CI runner killed'))
    const record = JSON.parse(await ok(directory, ['show', id, '--json'])) as { phases: Record<string, string> }
    expect(record.phases).toEqual({
      build: 'completed',
      push: 'failed',
      migrate_pre: 'skipped',
      rollout: 'skipped',
      migrate_post: 'skipped',
      finalize: 'skipped',
    })
  })

  it('prints the transitions it recorded, even when another writer moved a phase after its first read', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    await ok(directory, ['phase', id, 'build', 'running'])
    // The CLI reads push pending, then waits for the lock; the rival completes push first.
    const run = await cliOvertaken(directory, ['recover', id, '--reason', 'runner gone'], (manager) =>
      manager.updatePhase(id, 'push', 'completed'),
    )
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    const recorded = loggedBy(directory, 'tester').flatMap((event) =>
      event.type === 'PhaseUpdated' && event.data['reason'] === 'runner gone'
        ? [`${String(event.data['phase'])} ${String(event.data['from'])} -> ${String(event.data['to'])}`]
        : [],
    )
    expect(recorded).toEqual([
      'build running -> failed',
      'migrate_pre pending -> skipped',
      'rollout pending -> skipped',
      'migrate_post pending -> skipped',
      'finalize pending -> skipped',
    ])
    expect(run.stdout).toBe(`recovered ${id}: ${recorded.join(', ')} (release recovered)\n`)
  })

  it('a finished release is left as it is; --json prints the record', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    for (const phase of PHASES) await ok(directory, ['phase', id, phase, 'completed'])
    const lines = defaultStore(directory).logLines().length
    expect(await ok(directory, ['recover', id, '--reason', 'just in case'])).toBe(
      `${id} has no running or pending phase; nothing recorded (release completed)\n`,
    )
    expect(JSON.parse(await ok(directory, ['recover', id, '--reason', 'again', '--json']))).toMatchObject({ id })
    expect(defaultStore(directory).logLines()).toHaveLength(lines)
  })

  it('an unknown release or an empty reason fails', async () => {
    const directory = tempDir()
    expect(await fails(directory, ['recover', 'rel-20990101-000000000', '--reason', 'x'], 1)).toMatch(
      'RELEASE_NOT_FOUND',
    )
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    expect(await fails(directory, ['recover', id, '--reason', '  '], 1)).toMatch('INVALID_INPUT: reason is empty')
    expect((await cli(directory, ['recover', id])).code).toBe(2)
  })
})
