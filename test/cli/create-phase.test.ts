/**
 * `create` and `phase`: recording releases and phase transitions, what they print, and how they
 * fail.
 */
import { describe, expect, it } from 'vitest'
import { PHASES } from '../../src/index.js'
import { cli, cliOvertaken, defaultStore, fails, loggedBy, ok, tableRows, tempDir } from './support.js'

const RECORD_KEYS = ['id', 'environment', 'version', 'commit_sha', 'timestamp', 'phases']

describe('create', () => {
  it('records a release and prints it in one line', async () => {
    const directory = tempDir()
    const out = await ok(directory, ['create', '--env', 'prod', '--version', 'v1.2.3', '--commit', 'abc123def456'])
    expect(out).toMatch(
      /^created (rel-\d{8}-\d{9}): prod v1\.2\.3 \(abc123d\), the first release of the environment\n$/,
    )
    const id = /rel-\d{8}-\d{9}/.exec(out)?.[0] ?? ''
    const second = await ok(directory, ['create', '--env', 'prod', '--version', 'v1.2.4'])
    expect(second).toMatch(new RegExp(`: prod v1\\.2\\.4 \\(-\\), previous ${id}\\n$`))
  })

  it('--json prints the releases.json record, exactly as the file holds it', async () => {
    const directory = tempDir()
    const record = JSON.parse(
      await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', 'ABCDEF12', '--json']),
    ) as Record<string, unknown>
    expect(Object.keys(record)).toEqual(RECORD_KEYS)
    expect(record).toMatchObject({
      environment: 'prod',
      version: 'v1',
      commit_sha: 'ABCDEF12',
      phases: Object.fromEntries(PHASES.map((p) => [p, 'pending'])),
    })
    const file = JSON.parse(defaultStore(directory).snapshot()) as { releases: unknown[] }
    expect(file.releases).toEqual([record])
    const next = JSON.parse(await ok(directory, ['--json', 'create', '--env', 'prod', '--version', 'v2'])) as Record<
      string,
      unknown
    >
    expect(next['previous_id']).toBe(record['id'])
  })

  it('--quiet prints only the id, for scripts', async () => {
    const directory = tempDir()
    const out = await ok(directory, ['create', '--env', 'staging', '--version', 'v1', '-q'])
    expect(out).toMatch(/^rel-\d{8}-\d{9}\n$/)
  })

  it('--rollback-of and --note are recorded in the event, not in releases.json', async () => {
    const directory = tempDir()
    const first = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    for (const phase of PHASES) await ok(directory, ['phase', first, phase, 'completed'])
    await ok(directory, ['create', '--env', 'prod', '--version', 'v2', '-q'])
    const out = await ok(directory, [
      'create',
      '--env',
      'prod',
      '--version',
      'v1',
      '--rollback-of',
      first,
      '--note',
      'v2 broke checkout',
    ])
    expect(out).toContain(`rollback to ${first}`)
    expect(defaultStore(directory).snapshot()).not.toMatch(/rollback|checkout/)
    const created = JSON.parse(defaultStore(directory).logLines().at(-1) ?? '{}') as { data: Record<string, unknown> }
    expect(created.data).toMatchObject({ rollbackOf: first, note: 'v2 broke checkout' })
    expect(await ok(directory, ['show', (created.data['release'] as { id: string }).id])).toContain(
      `  rollback of  ${first}\n`,
    )
  })

  it('--rollback-of names a release a rollback may go to, of the same build: else exit 1 with the reason, and nothing recorded', async () => {
    const directory = tempDir()
    const first = (
      await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', 'aaaa1111', '-q'])
    ).trim()
    for (const phase of PHASES) await ok(directory, ['phase', first, phase, 'completed'])
    const failed = (await ok(directory, ['create', '--env', 'prod', '--version', 'v2', '-q'])).trim()
    await ok(directory, ['phase', failed, 'rollout', 'failed'])
    const before = defaultStore(directory).logLines()
    expect(await fails(directory, ['create', '--env', 'prod', '--version', 'v3', '--rollback-of', first], 1)).toMatch(
      `INVALID_INPUT: release ${first} is version "v1", not "v3": a rollback redeploys the release it names`,
    )
    expect(
      await fails(
        directory,
        ['create', '--env', 'prod', '--version', 'v1', '--commit', 'bbbb2222', '--rollback-of', first],
        1,
      ),
    ).toMatch(`release ${first} is commit aaaa1111, not bbbb2222`)
    expect(await fails(directory, ['create', '--env', 'prod', '--version', 'v2', '--rollback-of', failed], 1)).toMatch(
      /RELEASE_NOT_FOUND: .* is already the current release of prod/,
    )
    expect(defaultStore(directory).logLines()).toEqual(before)
    expect(await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--rollback-of', first, '-q'])).toMatch(
      /^rel-/,
    )
  })

  it('--actor names who recorded the event, in the history; it wins over STAGECRAFT_ACTOR', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q', '--actor', 'alice'])).trim()
    await ok(directory, ['--actor', 'ci:pipeline 42', 'phase', id, 'build', 'running'])
    await ok(directory, ['phase', id, 'build', 'completed']) // STAGECRAFT_ACTOR=tester, from the test's environment
    const events = JSON.parse(await ok(directory, ['history', '--json'])) as Array<{ actor: string }>
    expect(events.map((event) => event.actor)).toEqual(['alice', 'ci:pipeline 42', 'tester'])
    expect(
      tableRows(await ok(directory, ['history']))
        .slice(1)
        .map((row) => row.at(-1)),
    ).toEqual(['alice', 'ci:pipeline 42', 'tester'])
  })

  it("records a commit that is no commit SHA (a tag, the Go tests' commit1) as given, with a warning on stderr", async () => {
    const directory = tempDir()
    for (const commit of ['commit1', 'abc123', 'v1.2.3']) {
      const run = await cli(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', commit, '-q'])
      expect(run.code).toBe(0)
      expect(run.stderr).toBe(
        `stagecraft-state: warning: commit "${commit}" does not look like a git commit SHA (7 to 40 hexadecimal ` +
          `characters, or 64); recorded as given in ${run.stdout.trim()}\n`,
      )
    }
    await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', ' abc1234 '])
    await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', 'F'.repeat(64)])
    expect(
      (JSON.parse(await ok(directory, ['list', '--env', 'prod', '--json'])) as Array<{ commit_sha: string }>).map(
        (r) => r.commit_sha,
      ),
    ).toEqual(['F'.repeat(64), 'abc1234', 'v1.2.3', 'abc123', 'commit1'])
  })

  it('refuses what the domain refuses, exit 1 with the reason and the store', async () => {
    const directory = tempDir()
    const line = await fails(directory, ['create', '--env', 'prod', '--version', 'v1', '--commit', 'c'.repeat(257)], 1)
    expect(line).toMatch(
      /^stagecraft-state: INVALID_INPUT: commit SHA "c+"\.\.\. is 257 characters long; the limit is 256 \(file store .*\.stagecraft\/releases\.json\)$/,
    )
    expect(
      await fails(directory, ['create', '--env', 'prod', '--version', 'v1', '--rollback-of', 'rel-nope'], 1),
    ).toMatch(/rel-nope/)
    expect(await fails(directory, ['create', '--env', '  ', '--version', 'v1'], 1)).toMatch(
      /INVALID_INPUT: environment is empty/,
    )
    expect(defaultStore(directory).exists()).toBe(false)
  })
})

describe('phase', () => {
  it('records a transition and says what changed', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    expect(await ok(directory, ['phase', id, 'build', 'running'])).toBe(
      `${id}: build pending -> running (release in progress)\n`,
    )
    expect(await ok(directory, ['phase', id, 'build', 'completed', '--reason', 'image pushed'])).toBe(
      `${id}: build running -> completed (release in progress)\n`,
    )
    const line = JSON.parse(defaultStore(directory).logLines().at(-1) ?? '{}') as {
      data: Record<string, unknown>
      meta: { actor: string }
    }
    expect(line.data).toEqual({
      releaseId: id,
      phase: 'build',
      from: 'running',
      to: 'completed',
      reason: 'image pushed',
    })
    expect(line.meta.actor).toBe('tester')
  })

  it('prints the transition it recorded, even when another writer moved the phase after its first read', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    // The CLI reads build pending, then waits for the lock; the rival moves build to running first.
    const run = await cliOvertaken(directory, ['phase', id, 'build', 'completed'], (manager) =>
      manager.updatePhase(id, 'build', 'running'),
    )
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    const recorded = loggedBy(directory, 'tester').flatMap((event) =>
      event.type === 'PhaseUpdated' ? [event.data] : [],
    )
    expect(recorded).toEqual([{ releaseId: id, phase: 'build', from: 'running', to: 'completed' }])
    expect(run.stdout).toBe(`${id}: build running -> completed (release in progress)\n`)
  })

  it('the same status again records nothing (a safe retry)', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    await ok(directory, ['phase', id, 'rollout', 'running'])
    const lines = defaultStore(directory).logLines().length
    expect(await ok(directory, ['phase', id, 'rollout', 'running'])).toBe(
      `${id}: rollout is already running; nothing recorded\n`,
    )
    expect(defaultStore(directory).logLines()).toHaveLength(lines)
  })

  it('--json prints the updated record', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    const record = JSON.parse(await ok(directory, ['phase', id, 'push', 'skipped', '--json'])) as {
      phases: Record<string, string>
    }
    expect(record.phases['push']).toBe('skipped')
  })

  it('an invalid transition or an unknown release: exit 1; a bad phase or status: exit 2; nothing recorded', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    await ok(directory, ['phase', id, 'build', 'completed'])
    const before = defaultStore(directory).logLines().length
    expect(await fails(directory, ['phase', id, 'build', 'running'], 1)).toMatch(
      `INVALID_TRANSITION: phase build of release ${id} cannot go from completed to running: completed is final`,
    )
    // Found on the command line, before the store is read: a usage error (test/cli/typing.test.ts has the rest).
    expect(await fails(directory, ['phase', id, 'bild', 'running'], 2)).toMatch(
      /unknown phase "bild" \(one of build, push, .*\); did you mean build\?/,
    )
    expect(await fails(directory, ['phase', id, 'push', 'done'], 2)).toMatch(/unknown phase status "done"/)
    expect(await fails(directory, ['phase', 'rel-20990101-000000000', 'push', 'running'], 1)).toMatch(
      /RELEASE_NOT_FOUND: release rel-20990101-000000000 not found \(file store /,
    )
    expect(defaultStore(directory).logLines()).toHaveLength(before)
    expect((await cli(directory, ['phase', id, 'bild', 'running'])).stdout).toBe('')
  })
})
