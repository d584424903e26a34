/**
 * Statuses an operator can trust, through the real CLI: a recovered release is never a green
 * `completed`, a release left pending is flagged as abandoned, and a create over a release still
 * running is refused (RELEASE_IN_PROGRESS, exit 1) unless it supersedes it.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ago, cli, fails, HOUR, manualClock, ok, seed, storeFiles, tableRows, tempDir } from './support.js'

const store = () => {
  const directory = tempDir()
  const stateFile = join(directory, 'releases.json')
  const run = (...args: string[]) => ok(directory, ['--state-file', stateFile, ...args])
  const refused = (...args: string[]) => fails(directory, ['--state-file', stateFile, ...args], 1)
  const raw = (...args: string[]) => cli(directory, ['--state-file', stateFile, ...args])
  return { directory, stateFile, run, refused, raw }
}

const statusOf = (out: string, id: string): string | undefined =>
  tableRows(out)
    .find((row) => row[0] === id)
    ?.at(-1)

describe('a release closed out by recover', () => {
  it('is recovered in list, show and current; a run that skipped phases on purpose is completed', async () => {
    const { run } = store()
    const killed = (await run('create', '--env', 'prod', '--version', 'v1', '-q')).trim()
    expect(await run('recover', killed, '--reason', 'orchestrator killed')).toMatch(/\(release recovered\)\n$/)
    const skipped = (await run('create', '--env', 'staging', '--version', 'v1', '-q')).trim()
    await run('phase', skipped, 'build', 'completed')
    await run('phase', skipped, 'push', 'completed')
    for (const phase of ['migrate_pre', 'rollout', 'migrate_post', 'finalize'])
      await run('phase', skipped, phase, 'skipped', '--reason', 'config-only change')

    const list = await run('list')
    expect(statusOf(list, killed)).toBe('recovered')
    expect(statusOf(list, skipped)).toBe('completed')
    expect(await run('show', killed)).toMatch(/^ {2}status {7}recovered$/m)
    expect(await run('current', '--env', 'prod')).toMatch(/^ {2}status {7}recovered$/m)
    expect(statusOf(await run('current'), killed)).toBe('recovered')
    expect(statusOf(await run('current'), skipped)).toBe('completed')
  })

  it('that failed a running phase is recovered too; one that failed before the recovery stays failed', async () => {
    const { run } = store()
    const killed = (await run('create', '--env', 'prod', '--version', 'v1', '-q')).trim()
    await run('phase', killed, 'build', 'running')
    await run('recover', killed, '--reason', 'runner gone')
    const broken = (await run('create', '--env', 'staging', '--version', 'v1', '-q')).trim()
    await run('phase', broken, 'build', 'failed')
    await run('recover', broken, '--reason', 'clean up')
    const list = await run('list')
    expect([statusOf(list, killed), statusOf(list, broken)]).toEqual(['recovered', 'failed'])
  })
})

describe('abandoned releases', () => {
  it('a release left pending past the threshold is possibly abandoned, as a running one is', async () => {
    const { stateFile, run } = store()
    const clock = manualClock(ago(2 * HOUR))
    const { left, stuck } = await seed(
      stateFile,
      async (manager) => {
        const { release: left } = await manager.createRelease('prod', 'v1')
        const { release: stuck } = await manager.createRelease('staging', 'v1')
        await manager.updatePhase(stuck.id, 'build', 'running')
        return { left: left.id, stuck: stuck.id }
      },
      clock.now,
    )
    const list = await run('list', '--abandoned-after', '1h')
    expect(statusOf(list, left)).toBe('pending, possibly abandoned')
    expect(statusOf(list, stuck)).toBe('in progress, possibly abandoned')
    expect(await run('list', '--abandoned', '--abandoned-after', '3h')).toMatch(/^no release possibly abandoned/)
    expect(await run('show', left, '--abandoned-after', '1h')).toMatch(/status {7}pending, possibly abandoned/)
  })
})

describe('create over a release still running', () => {
  it('is RELEASE_IN_PROGRESS, exit 1, naming the release and what to do; nothing is recorded', async () => {
    const { run, refused, stateFile } = store()
    const first = (await run('create', '--env', 'prod', '--version', 'v1', '-q')).trim()
    await run('phase', first, 'rollout', 'running')
    const lines = storeFiles(stateFile).logLines().length
    const message = await refused('create', '--env', 'prod', '--version', 'v2')
    expect(message).toMatch(
      new RegExp(
        `^stagecraft-state: RELEASE_IN_PROGRESS: release ${first} \\(v1\\) of prod is still in progress: rollout ` +
          'running, last changed \\S+Z\\. .*recover ' +
          `\\(stagecraft-state recover ${first} --reason TEXT\\).*\\(--supersede\\)`,
      ),
    )
    expect(storeFiles(stateFile).logLines()).toHaveLength(lines)
    // Another environment is not held up.
    expect(await run('create', '--env', 'staging', '--version', 'v2', '-q')).toMatch(/^rel-/)
  })

  it('--supersede creates it and records what it superseded: create, show and history say so', async () => {
    const { run } = store()
    const first = (await run('create', '--env', 'prod', '--version', 'v1', '-q')).trim()
    await run('phase', first, 'build', 'running')
    const out = await run('create', '--env', 'prod', '--version', 'v2', '--supersede')
    expect(out).toMatch(new RegExp(`, previous ${first}, supersedes ${first}\\n$`))
    const second = (/created (\S+):/.exec(out) ?? [])[1] ?? ''
    expect(await run('show', second)).toMatch(new RegExp(`^ {2}supersedes {2,}${first}$`, 'm'))
    expect(await run('history', '--release', second)).toContain(`supersedes ${first}`)
    const [created] = JSON.parse(await run('history', '--release', second, '--json')) as Array<{
      payload: { supersedes?: string }
    }>
    expect(created?.payload.supersedes).toBe(first)
  })

  it('a pending current release does not block; one that looks abandoned is named in a warning', async () => {
    const { stateFile, run, raw } = store()
    const clock = manualClock(ago(2 * HOUR))
    const stuck = await seed(
      stateFile,
      async (manager) => {
        const { release } = await manager.createRelease('qa', 'v1')
        await manager.updatePhase(release.id, 'build', 'running')
        return release.id
      },
      clock.now,
    )
    expect(await run('create', '--env', 'prod', '--version', 'v1', '-q')).toMatch(/^rel-/)
    expect(await run('create', '--env', 'prod', '--version', 'v2', '-q')).toMatch(/^rel-/)
    const created = await raw('create', '--env', 'qa', '--version', 'v2', '-q')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^rel-/)
    expect(created.stderr).toMatch(
      new RegExp(`^stagecraft-state: warning: release ${stuck} of qa still has a phase running but no event since`),
    )
    expect(created.stderr).toContain(`recover ${stuck} --reason TEXT`)
  })
})
