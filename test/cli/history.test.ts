/**
 * `history`: the audit trail as a timeline and as JSON envelopes, and its filters.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { completePhases, fails, manualClock, ok, seed, tableRows, tempDir } from './support.js'

let directory = ''
let stateFile = ''
const ids: Record<string, string> = {}

// Fixed instants in 2025, so the timeline can be compared line for line.
beforeAll(async () => {
  directory = tempDir()
  stateFile = join(directory, 'releases.json')
  const clock = manualClock(new Date('2025-03-01T10:00:00Z'))
  await seed(
    stateFile,
    async (manager) => {
      const { release: a } = await manager.createRelease('prod', 'v1', 'abcdef0123', { note: 'first' })
      clock.set(new Date('2025-03-01T10:05:00Z'))
      await completePhases(manager, a)
      clock.set(new Date('2025-03-02T09:00:00Z'))
      const { release: b } = await manager.createRelease('prod', 'v2', 'fedcba9876')
      clock.set(new Date('2025-03-02T09:01:00Z'))
      await manager.updatePhase(b.id, 'rollout', 'failed', { reason: 'pods crash-looping' })
      clock.set(new Date('2025-03-02T12:00:00Z'))
      const { release: s } = await manager.createRelease('staging', 'v2')
      clock.set(new Date('2025-03-03T08:00:00Z'))
      const { release: c } = await manager.createRelease('prod', 'v1', 'abcdef0123', {
        rollbackOf: a.id,
        note: 'v2 crash-loops',
      })
      Object.assign(ids, { a: a.id, b: b.id, s: s.id, c: c.id })
    },
    clock.now,
    'alice',
  )
})

const run = (...args: string[]) => ok(directory, ['--state-file', stateFile, ...args])

describe('history', () => {
  it('prints a timeline, oldest first: time, type, release, phase, change, actor, reason or note', async () => {
    const rows = tableRows(await run('history'))
    expect(rows[0]).toEqual(['TIME', 'EVENT', 'RELEASE', 'PHASE', 'CHANGE', 'ACTOR', 'NOTE'])
    expect(rows[1]).toEqual(['2025-03-01T10:00:00.000Z', 'created', ids['a'], 'prod v1 (abcdef0)', 'alice', 'first'])
    expect(rows[2]).toEqual(['2025-03-01T10:05:00.000Z', 'phase', ids['a'], 'build', 'pending -> running', 'alice'])
    expect(rows).toHaveLength(1 + 1 + 12 + 2 + 1 + 1)
    expect(rows[15]).toEqual([
      '2025-03-02T09:01:00.000Z',
      'phase',
      ids['b'],
      'rollout',
      'pending -> failed',
      'alice',
      'pods crash-looping',
    ])
    expect(rows[17]).toEqual([
      '2025-03-03T08:00:00.000Z',
      'created',
      ids['c'],
      'prod v1 (abcdef0)',
      'alice',
      `rollback to ${ids['a']}; v2 crash-loops`,
    ])
  })

  it('columns line up under their headers', async () => {
    const lines = (await run('history')).trimEnd().split('\n')
    const column = (lines[0] ?? '').indexOf('ACTOR')
    for (const line of lines.slice(1)) expect(line.slice(column, column + 5)).toBe('alice')
  })

  it('filters by environment, release and time range; all given filters hold', async () => {
    const releasesOf = async (...args: string[]) =>
      tableRows(await run('history', ...args))
        .slice(1)
        .map((row) => row[2])
    expect(new Set(await releasesOf('--env', 'staging'))).toEqual(new Set([ids['s']]))
    expect(await releasesOf('--release', ids['b'] ?? '')).toEqual([ids['b'], ids['b']])
    expect(await releasesOf('--since', '2025-03-02T09:00:00Z', '--until', '2025-03-02T12:00:00Z')).toEqual([
      ids['b'],
      ids['b'],
      ids['s'],
    ])
    expect(await releasesOf('--since', '2025-03-03')).toEqual([ids['c']])
    expect(
      await releasesOf('--env', 'prod', '--since', '2025-03-02T10:00:00+02:00', '--until', '2025-03-02T23:59:59Z'),
    ).toEqual([ids['b'], ids['b']])
    expect(await run('history', '--env', 'qa')).toMatch(/^no events match \(file store /)
    expect(await run('history', '--since', '1h')).toMatch(/^no events match/)
    expect(await releasesOf('--since', '2025-03-03t00:00:00z')).toEqual([ids['c']]) // RFC 3339 allows lowercase t and z
  })

  it('--release of a release that does not exist is RELEASE_NOT_FOUND, not an empty trail', async () => {
    for (const id of ['nope', 'rel-19990101-000000000']) {
      expect(await fails(directory, ['--state-file', stateFile, 'history', '--release', id], 1)).toBe(
        `stagecraft-state: RELEASE_NOT_FOUND: release ${id} not found (file store ${stateFile})`,
      )
    }
    expect(
      await fails(
        directory,
        ['--state-file', stateFile, 'history', '--release', 'nope', '--since', '2025-03-02', '--json'],
        1,
      ),
    ).toMatch(/RELEASE_NOT_FOUND/)
    // A release that exists, but whose events the other filters leave out, is an empty trail.
    expect(await run('history', '--release', ids['a'] ?? '', '--since', '2025-03-03')).toMatch(/^no events match/)
    expect(JSON.parse(await run('history', '--release', ids['a'] ?? '', '--env', 'staging', '--json'))).toEqual([])
  })

  it('--json: an array of events with their envelope and payload', async () => {
    const events = JSON.parse(await run('history', '--json')) as Array<Record<string, unknown>>
    expect(events).toHaveLength(17)
    expect(events[0]).toEqual({
      position: 1,
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      time: '2025-03-01T10:00:00.000Z',
      type: 'ReleaseCreated',
      release: ids['a'],
      releases: [ids['a']],
      actor: 'alice',
      host: expect.any(String),
      pid: expect.any(Number),
      command: expect.stringMatching(/^[0-9A-Z]{26}$/),
      v: 1,
      payload: {
        release: expect.objectContaining({ id: ids['a'], environment: 'prod', version: 'v1' }),
        note: 'first',
      },
    })
    expect(events[14]).toMatchObject({
      type: 'PhaseUpdated',
      release: ids['b'],
      payload: { releaseId: ids['b'], phase: 'rollout', from: 'pending', to: 'failed', reason: 'pods crash-looping' },
    })
    expect(events.map((e) => e['position'])).toEqual(events.map((_, i) => i + 1))
    expect(JSON.parse(await run('history', '--json', '--env', 'qa'))).toEqual([])
  })

  it('refuses a malformed filter', async () => {
    expect(await fails(directory, ['--state-file', stateFile, 'history', '--until', 'tomorrow'], 2)).toMatch(
      /--until "tomorrow" is not a time/,
    )
    expect(await fails(directory, ['--state-file', stateFile, 'history', '--env', ' '], 1)).toMatch(
      /INVALID_INPUT: environment is empty/,
    )
  })
})
