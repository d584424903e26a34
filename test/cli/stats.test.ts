/**
 * `stats` over stores prepared through the API at fixed times: the table a team lead reads, the DeployStats JSON,
 * an empty store, releases imported from a Go releases.json (no timing), and windows it cannot read.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DeployStats } from '../../src/index.js'
import { cli, completePhases, fails, ok, seed, steppingClock, tempDir } from './support.js'

const WINDOW = ['--since', '2025-03-01', '--until', '2025-04-01']
let directory = ''
let failedId = ''

// prod: a deploy that completed (each phase 30 s), then one that failed at rollout, then one that completed and
// restored it; staging: one that failed at build and nothing since.
beforeAll(async () => {
  directory = tempDir()
  await seed(
    join(directory, '.stagecraft', 'releases.json'),
    async (manager) => {
      const { release: p1 } = await manager.createRelease('prod', 'v1', 'aaaaaaa')
      await completePhases(manager, p1)
      const { release: p2 } = await manager.createRelease('prod', 'v2', 'bbbbbbb')
      await completePhases(manager, p2, ['build', 'push', 'migrate_pre'])
      await manager.updatePhase(p2.id, 'rollout', 'running')
      await manager.updatePhase(p2.id, 'rollout', 'failed', { reason: 'health checks' })
      const { release: p3 } = await manager.createRelease('prod', 'v1', 'aaaaaaa', { rollbackOf: p1.id })
      await completePhases(manager, p3)
      const { release: s1 } = await manager.createRelease('staging', 'v2', 'bbbbbbb')
      await manager.updatePhase(s1.id, 'build', 'running')
      await manager.updatePhase(s1.id, 'build', 'failed')
      failedId = s1.id
    },
    steppingClock(new Date('2025-03-10T09:00:00Z'), 30_000),
  )
})

describe('stats', () => {
  it('prints the figures overall and per environment, the phase durations and what was not restored', async () => {
    const out = await ok(directory, ['stats', ...WINDOW])
    expect(out).toMatch(/^Deploy stats from 2025-03-01T00:00:00Z to 2025-04-01T00:00:00Z \(31 days\), every env/)
    expect(out).toMatch(/^releases created +4 +3 +1$/m)
    expect(out).toMatch(/^change failure rate +50\.0% \(2\/4\) +33\.3% \(1\/3\) +100\.0% \(1\/1\)$/m)
    expect(out).toMatch(/^rolled back +25\.0% \(1\/4\) +33\.3% \(1\/3\) +0\.0% \(0\/1\)$/m)
    // A write every 30 s: p3 was created 30 s after p2 failed, and completed its 12 phase events 6 minutes later.
    expect(out).toMatch(/^time to restore \(median \/ p90 \/ max\) +6m 30s \/ 6m 30s \/ 6m 30s +6m 30s .+ +-$/m)
    expect(out).toMatch(/^build +4 +30s +30s +30s$/m)
    expect(out).toMatch(/^finalize +2 +30s +30s +30s$/m)
    expect(out).toContain(
      `Not restored: 1 failed release, with no later release of its environment completed since:\n  ${failedId}`,
    )
  })

  it('prints the DeployStats value with -o json and with --json', async () => {
    for (const format of [['-o', 'json'], ['--json']]) {
      const stats = JSON.parse(await ok(directory, ['stats', ...WINDOW, '--env', 'prod', ...format])) as DeployStats
      expect(stats).toMatchObject({ environment: 'prod', days: 31, since: '2025-03-01T00:00:00Z' })
      expect(stats.overall.timeToRestore).toMatchObject({ failures: 1, count: 1, medianMs: 390_000, unrestored: 0 })
      expect(stats.environments.map((e) => e.environment)).toEqual(['prod'])
    }
  })

  it('says so for a window with no release, and exits 0; in JSON, zeros and nulls', async () => {
    const args = ['stats', '--since', '2024-01-01', '--until', '2024-02-01']
    expect(await ok(directory, args)).toContain('no releases in the window: nothing to measure')
    const stats = JSON.parse(await ok(directory, [...args, '-o', 'json'])) as DeployStats
    expect(stats.overall.frequency.created).toBe(0)
    expect(stats.overall.changeFailure.changeFailureRate).toBeNull()
    expect(await ok(tempDir(), ['stats'])).toContain('no releases in the window')
    expect(await ok(directory, ['stats', '--env', 'prdo'])).toContain('no releases of prdo in the window')
  })

  it('counts releases imported from a Go releases.json, with no timing for their phases', async () => {
    const goDirectory = tempDir()
    const phases = { build: 'completed', push: 'completed', migrate_pre: 'completed', rollout: 'completed' }
    mkdirSync(join(goDirectory, '.stagecraft'))
    writeFileSync(
      join(goDirectory, '.stagecraft', 'releases.json'),
      JSON.stringify({
        releases: [
          {
            id: 'rel-20250305-100000',
            environment: 'prod',
            version: 'v1',
            commit_sha: 'abc1234',
            timestamp: '2025-03-05T10:00:00-07:00',
            phases: { ...phases, migrate_post: 'completed', finalize: 'completed' },
          },
        ],
      }),
    )
    const out = await ok(goDirectory, ['stats', ...WINDOW])
    expect(out).toMatch(/^build +0 +- +- +- +1 no timing$/m)
    expect(out).toMatch(/^releases created +1 +1$/m)
  })

  it('refuses a window it cannot read, or one that ends before it starts, naming the option', async () => {
    expect(await fails(directory, ['stats', '--since', 'last tuesday'], 2)).toMatch(
      /--since "last tuesday" is not a time; give an RFC 3339 timestamp/,
    )
    expect(await fails(directory, ['stats', '--since', '2025-04-01', '--until', '2025-03-01'], 2)).toMatch(
      /--since 2025-04-01T00:00:00Z is later than --until 2025-03-01T00:00:00Z/,
    )
    expect(await fails(directory, ['stats', '--abandoned-after', 'soon'], 2)).toMatch(/not a duration/)
  })

  it('takes a window relative to now: releases of 2025 are not in the last 2 hours', async () => {
    const run = await cli(directory, ['stats', '--since', '2h', '-o', 'json'])
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as DeployStats).overall.frequency.created).toBe(0)
  })
})
