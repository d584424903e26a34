/**
 * `list`, `current` and `show` over a store prepared with releases hours and days old (through
 * the API's clock): tables, ages, statuses, limits, possibly abandoned releases, JSON records.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PHASES } from '../../src/index.js'
import {
  ago,
  cli,
  completePhases,
  DAY,
  fails,
  HOUR,
  manualClock,
  MINUTE,
  ok,
  seed,
  storeFiles,
  tableRows,
  tempDir,
} from './support.js'

const ids: Record<string, string> = {}
const created: Record<string, string> = {}
let directory = ''
let stateFile = ''

// prod:    p1 v1.0.0 3 days ago, completed; p2 v1.1.0 5 hours ago, rollout running since then;
// staging: s1 v1.1.0 2 days ago, failed; s2 v1.2.0 10 minutes ago, build running; s3 20 seconds ago, pending,
//          created with supersede over s2 (still running, so a plain create would be RELEASE_IN_PROGRESS).
beforeAll(async () => {
  directory = tempDir()
  stateFile = join(directory, 'releases.json')
  const clock = manualClock(ago(3 * DAY))
  await seed(
    stateFile,
    async (manager) => {
      const { release: p1 } = await manager.createRelease('prod', 'v1.0.0', 'aaaaaaa111111', {
        note: 'first prod deploy',
      })
      await completePhases(manager, p1)
      clock.set(ago(2 * DAY))
      const { release: s1 } = await manager.createRelease('staging', 'v1.1.0', 'bbbbbbb222222')
      await manager.updatePhase(s1.id, 'build', 'failed', { reason: 'compile error' })
      clock.set(ago(5 * HOUR))
      const { release: p2 } = await manager.createRelease('prod', 'v1.1.0', 'bbbbbbb222222')
      await completePhases(manager, p2, ['build', 'push', 'migrate_pre'])
      await manager.updatePhase(p2.id, 'rollout', 'running')
      clock.set(ago(10 * MINUTE))
      const { release: s2 } = await manager.createRelease('staging', 'v1.2.0')
      await manager.updatePhase(s2.id, 'build', 'running')
      clock.set(ago(20_000))
      const { release: s3 } = await manager.createRelease('staging', 'v1.3.0', 'ccccccc333333', { supersede: true })
      Object.assign(ids, { p1: p1.id, p2: p2.id, s1: s1.id, s2: s2.id, s3: s3.id })
      for (const [name, release] of Object.entries({ p1, p2, s1, s2, s3 })) created[name] = release.timestamp
    },
    clock.now,
  )
})

const run = (...args: string[]) => ok(directory, ['--state-file', stateFile, ...args])

describe('list', () => {
  it('shows every environment (by name), newest first, in aligned columns', async () => {
    const out = await run('list')
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID {2,}ENVIRONMENT {2,}VERSION {2,}COMMIT {2,}CREATED {2,}STATUS$/)
    const statusColumn = lines[0]?.indexOf('STATUS')
    expect(
      lines.slice(1, 6).every(
        (line) =>
          line.indexOf(
            line
              .trimEnd()
              .split(/\s{2,}/)
              .at(-1) ?? '',
          ) === statusColumn,
      ),
    ).toBe(true)
    expect(tableRows(out).slice(1, 6)).toEqual([
      // Not a terminal: the exact time as stored (test/cli/fit.test.ts shows "5h ago" on one).
      [ids['p2'], 'prod', 'v1.1.0', 'bbbbbbb', created['p2'], 'in progress, possibly abandoned'],
      [ids['p1'], 'prod', 'v1.0.0', 'aaaaaaa', created['p1'], 'completed'],
      [ids['s3'], 'staging', 'v1.3.0', 'ccccccc', created['s3'], 'pending'],
      [ids['s2'], 'staging', 'v1.2.0', '-', created['s2'], 'in progress'],
      [ids['s1'], 'staging', 'v1.1.0', 'bbbbbbb', created['s1'], 'failed'],
    ])
    expect(lines.at(-1)).toBe(
      `${ids['p2']} is possibly abandoned: not finished (pending or in progress) with no event for over 1h. If its orchestrator is gone, close it out: stagecraft-state recover ${ids['p2']} --reason 'orchestrator gone'`,
    )
  })

  it('--env and --limit (per environment)', async () => {
    expect(tableRows(await run('list', '--env', 'staging')).map((row) => row[0])).toEqual([
      'ID',
      ids['s3'],
      ids['s2'],
      ids['s1'],
    ])
    expect(tableRows(await run('list', '--limit', '1')).map((row) => row[0])).toEqual([
      'ID',
      ids['p2'],
      ids['s3'],
      expect.stringMatching(/possibly abandoned/),
    ])
    expect(tableRows(await run('list', '--env', 'staging', '--limit', '2')).map((row) => row[0])).toEqual([
      'ID',
      ids['s3'],
      ids['s2'],
    ])
  })

  it('--abandoned-after moves the threshold; --abandoned lists only those', async () => {
    const out = await run('list', '--abandoned-after', '5m')
    const marked = tableRows(out).filter((row) => row[5]?.includes('possibly abandoned'))
    expect(marked.map((row) => row[0])).toEqual([ids['p2'], ids['s2']])
    // Two marked: the hint names both, in the plural.
    expect(out.trimEnd().split('\n').slice(-3)).toEqual([
      '2 releases are possibly abandoned: not finished (pending or in progress) with no event for over 5m. If their orchestrators are gone, close them out:',
      `  stagecraft-state recover ${ids['p2']} --reason 'orchestrator gone'`,
      `  stagecraft-state recover ${ids['s2']} --reason 'orchestrator gone'`,
    ])
    expect(
      tableRows(await run('list', '--abandoned-after', '6h')).filter((row) => row[5]?.includes('possibly abandoned')),
    ).toEqual([])
    expect(
      tableRows(await run('list', '--abandoned', '--abandoned-after', '5m'))
        .slice(1, 3)
        .map((row) => row[0]),
    ).toEqual([ids['p2'], ids['s2']])
    expect(await run('list', '--abandoned', '--abandoned-after', '1d')).toMatch(
      /^no release possibly abandoned \(file store .*releases\.json\)\n$/,
    )
  })

  it('a hint under a table that does not show every possibly abandoned release says how to list them all', async () => {
    const limited = (await run('list', '--limit', '1', '--abandoned-after', '5m')).trimEnd().split('\n')
    expect(limited.slice(-2)).toEqual([
      `${ids['p2']} is possibly abandoned: not finished (pending or in progress) with no event for over 5m. If its orchestrator is gone, close it out: stagecraft-state recover ${ids['p2']} --reason 'orchestrator gone'`,
      '1 more release is possibly abandoned; list them all with: stagecraft-state list --abandoned --abandoned-after 5m',
    ])
    const staging = (await run('list', '--env', 'staging', '--limit', '1', '--abandoned-after', '5m'))
      .trimEnd()
      .split('\n')
    expect(staging.at(-1)).toBe(
      '1 release is possibly abandoned; list them all with: stagecraft-state list --abandoned --env staging --abandoned-after 5m',
    )
  })

  it('--json: an array of releases.json records, the same as the file holds', async () => {
    const records = JSON.parse(await run('list', '--json')) as Array<{ id: string }>
    const file = JSON.parse(storeFiles(stateFile).snapshot()) as { releases: Array<{ id: string }> }
    expect(records.map((r) => r.id)).toEqual([ids['p2'], ids['p1'], ids['s3'], ids['s2'], ids['s1']])
    expect([...records].sort((a, b) => a.id.localeCompare(b.id))).toEqual(file.releases)
    expect(JSON.parse(await run('list', '--json', '--abandoned'))).toEqual([
      file.releases.find((r) => r.id === ids['p2']),
    ])
    expect(await run('list', '--json', '--env', 'qa')).toBe('[]\n')
  })

  it('an environment without releases is an empty list, not an error', async () => {
    expect(await run('list', '--env', 'qa')).toMatch(/^no releases of qa recorded \(file store /)
  })
})

describe('current', () => {
  it('--env shows the current release in detail, marked when possibly abandoned', async () => {
    const out = await run('current', '--env', 'prod')
    expect(out.split('\n').slice(0, 9)).toEqual([
      ids['p2'],
      '  environment  prod',
      '  version      v1.1.0',
      '  commit       bbbbbbb222222',
      expect.stringMatching(/^ {2}created {6}\S+ \(5h ago\)$/),
      `  previous     ${ids['p1']}`,
      expect.stringMatching(/^ {2}last event {3}\S+ \(5h ago\)$/),
      '  status       in progress, possibly abandoned',
      '  phases',
    ])
    expect(out).toMatch(/^ {4}rollout {7}running$/m)
    expect(out).toContain(`stagecraft-state recover ${ids['p2']} --reason`)
  })

  it("without --env, a table of every environment's current release", async () => {
    expect(tableRows(await run('current')).map((row) => row[0])).toEqual([
      'ID',
      ids['p2'],
      ids['s3'],
      expect.stringMatching(/possibly abandoned/),
    ])
    const records = JSON.parse(await run('current', '--json')) as Array<{ id: string }>
    expect(records.map((r) => r.id)).toEqual([ids['p2'], ids['s3']])
  })

  it('--abandoned-after moves the threshold of the detail view and of the table', async () => {
    expect(await run('current', '--env', 'prod', '--abandoned-after', '6h')).toMatch(/^ {2}status {7}in progress$/m)
    // s3 was created 20 seconds ago and left pending: abandoned after 1s, not after 1m.
    expect(await run('current', '--env', 'staging', '--abandoned-after', '1s')).toMatch(
      /^ {2}status {7}pending, possibly abandoned$/m,
    )
    expect(await run('current', '--env', 'staging', '--abandoned-after', '1m')).not.toContain('possibly abandoned')
    const table = (await run('current', '--abandoned-after', '5m')).trimEnd().split('\n')
    expect(table.at(-1)).toBe(
      '1 more release is possibly abandoned; list them all with: stagecraft-state list --abandoned --abandoned-after 5m',
    ) // s2: not current
    expect(await fails(directory, ['--state-file', stateFile, 'current', '--abandoned-after', '5'], 2)).toMatch(
      /--abandoned-after "5" is not a duration/,
    )
  })

  it('--json prints the record; an environment without releases fails', async () => {
    expect(JSON.parse(await run('current', '--env', 'staging', '--json'))).toMatchObject({
      id: ids['s3'],
      environment: 'staging',
      previous_id: ids['s2'],
    })
    expect(await fails(directory, ['--state-file', stateFile, 'current', '--env', 'qa'], 1)).toMatch(
      /^stagecraft-state: RELEASE_NOT_FOUND: environment qa has no releases \(file store .*releases\.json\)$/,
    )
  })
})

describe('show', () => {
  it('shows a release with its note and every phase', async () => {
    const out = await run('show', ids['p1'] ?? '')
    expect(out).toContain('  note         first prod deploy\n')
    expect(out).toContain('  previous     none (first release of the environment)\n')
    expect(out).toContain('  status       completed\n')
    for (const phase of PHASES) expect(out).toMatch(new RegExp(`^ {4}${phase} +completed$`, 'm'))
    expect(out).not.toContain('possibly abandoned')
  })

  it('--abandoned-after: a release running longer than the threshold is marked, with its recover command', async () => {
    const marked = await run('show', ids['s2'] ?? '', '--abandoned-after', '5m')
    expect(marked).toMatch(/^ {2}status {7}in progress, possibly abandoned$/m)
    expect(marked.trimEnd().split('\n').at(-1)).toBe(
      `${ids['s2']} is possibly abandoned: not finished (pending or in progress) with no event for over 5m. If its orchestrator is gone, close it out: stagecraft-state recover ${ids['s2']} --reason 'orchestrator gone'`,
    )
    expect(await run('show', ids['s2'] ?? '')).not.toContain('possibly abandoned') // 10 minutes: under the default 1h
    expect(await run('show', ids['p2'] ?? '', '--abandoned-after', '1d')).not.toContain('possibly abandoned')
  })

  it('--json prints the record with its keys in the file order', async () => {
    const record = JSON.parse(await run('show', ids['s1'] ?? '', '--json')) as Record<string, unknown>
    expect(Object.keys(record)).toEqual(['id', 'environment', 'version', 'commit_sha', 'timestamp', 'phases']) // the first of staging: no previous_id
    expect(record['phases']).toMatchObject({ build: 'failed' })
  })

  it('an unknown release fails with exit 1 naming it and the store', async () => {
    const run1 = await cli(directory, ['--state-file', stateFile, 'show', 'rel-19990101-000000000'])
    expect(run1.code).toBe(1)
    expect(run1.stderr).toBe(
      `stagecraft-state: RELEASE_NOT_FOUND: release rel-19990101-000000000 not found (file store ${stateFile})\n`,
    )
  })
})
