import {
  appendFileSync,
  existsSync,
  linkSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PHASES, type PhaseStatus } from '../../src/index.js'
import { decodeSnapshot, sameReleases } from '../../src/internals.js'
import { GO_FIXTURES, readGoFixture, readSpecExample } from '../fixtures/index.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import type { StateManager } from '../../src/app/manager.js'
import { tempDir } from '../support/temp.js'

const withSnapshot = (text: string | Buffer) => {
  const cwd = tempDir()
  const stateFile = join(cwd, 'releases.json')
  writeFileSync(stateFile, text)
  return { ...freshManager({ cwd, stateFile }), stateFile }
}

const decoded = (text: string) => {
  const result = decodeSnapshot(text, 'test')
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}

describe('a releases.json without an event log (Go Stagecraft or hand-written)', () => {
  it.each(GO_FIXTURES)('%s is read as it is, and nothing is written by reads', async (name) => {
    const text = readGoFixture(name)
    const { manager, cwd } = withSnapshot(text)
    const all = await manager.listAllReleases()
    expect(all.length).toBe(decoded(text).releases.length)
    expect(readdirSync(cwd)).toEqual(['releases.json'])
  })

  it.each(GO_FIXTURES)(
    '%s is imported on the first write, and every release in it survives that write',
    async (name) => {
      const text = readGoFixture(name)
      const { manager, stateFile, eventLog } = withSnapshot(text)
      const { release } = await manager.createRelease('prod', 'v9.9.9')
      expect(existsSync(eventLog)).toBe(true)
      const after = decoded(readFileSync(stateFile, 'utf8'))
      const original = decoded(text).releases
      const kept = after.releases.filter((r) => r.id !== release.id || r.version !== 'v9.9.9')
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
      expect(sameReleases([...kept].sort(byId), [...original].sort(byId))).toBe(true)
      const [imported] = await manager.history()
      expect(imported).toMatchObject({ type: 'SnapshotImported', position: 1 })
      expect((await manager.verify()).problems.filter((p) => p.severity === 'error')).toEqual([])
    },
  )

  it('the spec example loads exactly, and an explicit import leaves the file byte-identical', async () => {
    const text = readSpecExample()
    const { manager, stateFile } = withSnapshot(text)
    const release = await manager.getRelease('rel-20250101-120000')
    expect(release).toMatchObject({
      environment: 'prod',
      version: 'v1.2.3',
      commitSha: 'abc123def456',
      timestamp: '2025-01-01T12:00:00Z',
      previousId: 'rel-20241231-120000',
    })
    expect(PHASES.every((phase) => release.phases[phase] === 'completed')).toBe(true)
    expect(await manager.importSnapshot()).toEqual({ imported: 1, recorded: true })
    expect(await manager.importSnapshot()).toEqual({ imported: 0, recorded: false })
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
  })

  it('keeps both releases of a duplicated id, refuses to address either by that id, and still deploys', async () => {
    const { manager, clock } = withSnapshot(readGoFixture('same-ms-diff-ns.json'))
    const error = await rejection(manager.updatePhase('rel-20250101-120000123', 'push', 'running'))
    expect(error.message).toMatch(/ambiguous: 2 releases/)
    clock.set(Date.UTC(2025, 0, 1, 12, 0, 0, 100)) // behind the duplicated id's millisecond
    const { release: next } = await manager.createRelease('prod', 'v1.0.2')
    expect(next).toMatchObject({ id: 'rel-20250101-120000124', previousId: 'rel-20250101-120000123' })
    expect((await manager.listReleases('prod')).map((r) => r.version)).toEqual(['v1.0.2', 'v1.0.1', 'v1.0.0'])
  })

  it('an unreadable one is CORRUPT_STATE naming the file and line, and nothing is created', async () => {
    const text =
      '{\n  "releases": [\n    {"id": "rel-1", "environment": "prod", "version": "v1", "timestamp": "yesterday"}\n  ]\n}'
    const { manager, stateFile, cwd } = withSnapshot(text)
    for (const attempt of [() => manager.listAllReleases(), () => manager.createRelease('prod', 'v2')]) {
      const error = await rejection(attempt())
      expect(error.code).toBe('CORRUPT_STATE')
      expect(error.message).toContain(
        `${stateFile}:3: release 1 (id "rel-1"): timestamp: expected an RFC 3339 timestamp, got "yesterday"`,
      )
    }
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
    expect(readdirSync(cwd)).toEqual(['releases.json'])
  })
})

describe('a refused command writes nothing, not even the import it would have needed', () => {
  it.each([
    ['an empty environment', (m: StateManager) => m.createRelease('', 'v1'), 'INVALID_INPUT'],
    [
      'an unknown release',
      (m: StateManager) => m.updatePhase('rel-20000101-000000000', 'build', 'running'),
      'RELEASE_NOT_FOUND',
    ],
    [
      'a transition the rules forbid',
      (m: StateManager) => m.updatePhase('rel-20250101-120000', 'build', 'pending'),
      'INVALID_TRANSITION',
    ],
  ])(
    'given a Go-written releases.json and no log, when %s is refused, then no event log exists and the file is byte-identical',
    async (_, command, code) => {
      const text = readSpecExample()
      const { manager, stateFile, cwd, warnings } = withSnapshot(text)
      expect((await rejection(command(manager))).code).toBe(code)
      expect(readdirSync(cwd)).toEqual(['releases.json'])
      expect(readFileSync(stateFile, 'utf8')).toBe(text)
      expect(warnings).toEqual([])
      expect(await manager.history()).toEqual([])
    },
  )

  it('given a Go-written releases.json, when a command is accepted, then the import and its events are one append, one command', async () => {
    const { manager } = withSnapshot(readSpecExample())
    await manager.createRelease('prod', 'v2')
    const [imported, created] = await manager.history()
    expect([imported?.type, created?.type]).toEqual(['SnapshotImported', 'ReleaseCreated'])
    expect(created?.meta.command).toBe(imported?.meta.command)
    expect([imported?.meta.events, created?.meta.events]).toEqual([2, 2])
  })

  it('given a Go-written releases.json, when an accepted command records nothing (an idempotent retry), then the import alone is recorded and the file left as it is', async () => {
    const text = readSpecExample()
    const { manager, stateFile } = withSnapshot(text)
    expect((await manager.updatePhase('rel-20250101-120000', 'build', 'completed')).release.phases.build).toBe(
      'completed',
    )
    expect((await manager.history()).map((e) => e.type)).toEqual(['SnapshotImported'])
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
  })

  it('given a releases.json left behind by a crash, when a command is refused, then the file stays as it was and no regeneration is announced', async () => {
    const { manager, stateFile, eventLog, warnings } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    rmSync(stateFile)
    const log = readFileSync(eventLog)
    expect((await rejection(manager.updatePhase(release.id, 'build', 'done' as PhaseStatus))).code).toBe(
      'INVALID_INPUT',
    )
    expect(existsSync(stateFile)).toBe(false)
    expect(readFileSync(eventLog)).toEqual(log)
    expect(warnings).toEqual([])
  })
})

describe('a releases.json whose bytes cannot be read without loss', () => {
  // A version written as Latin-1 by some other tool: "v1.2.3-café" with é as the single byte 0xE9.
  const [head, tail] = readSpecExample().split('"v1.2.3"') as [string, string]
  const SPEC_WITH_BAD_BYTE = Buffer.concat([
    Buffer.from(`${head}"v1.2.3-caf`),
    Buffer.from([0xe9]),
    Buffer.from(`"${tail}`),
  ])

  it('given a byte that is not UTF-8 and no event log, when it is read, imported or written to, then CORRUPT_STATE names the file, line and offset, and nothing is written', async () => {
    const { manager, stateFile, cwd } = withSnapshot(SPEC_WITH_BAD_BYTE)
    const before = SPEC_WITH_BAD_BYTE.subarray(0, SPEC_WITH_BAD_BYTE.indexOf(0xe9))
    const line = before.toString().split('\n').length
    for (const attempt of [
      () => manager.listAllReleases(),
      () => manager.importSnapshot(),
      () => manager.createRelease('prod', 'v2'),
      () => manager.reconcile('accept'),
    ]) {
      const error = await rejection(attempt())
      expect(error.code).toBe('CORRUPT_STATE')
      expect(error.message).toContain(
        `${stateFile}:${line}: not valid UTF-8 at byte offset ${before.length} (bytes e9 22 2c 0a)`,
      )
    }
    expect(readFileSync(stateFile)).toEqual(SPEC_WITH_BAD_BYTE)
    expect(readdirSync(cwd)).toEqual(['releases.json'])
  })

  it('given an event log, when releases.json gets such a byte, then writes are CORRUPT_STATE, and restore keeps the very bytes aside', async () => {
    const { manager, stateFile } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    const good = readFileSync(stateFile)
    writeFileSync(stateFile, SPEC_WITH_BAD_BYTE)
    expect((await rejection(manager.updatePhase(release.id, 'build', 'running'))).message).toContain(`${stateFile}:`)
    expect((await manager.verify()).problems).toEqual([
      expect.objectContaining({
        location: expect.stringMatching(new RegExp(`^${stateFile.replaceAll('.', '\\.')}:\\d+$`)) as unknown,
        message: expect.stringMatching(/not valid UTF-8 at byte offset/),
      }),
    ])
    const outcome = await manager.reconcile('restore')
    expect(readFileSync(outcome.keptAside as string)).toEqual(SPEC_WITH_BAD_BYTE)
    expect(readFileSync(stateFile)).toEqual(good)
  })

  it('given a key written twice in one record and no event log, when it is written to, then CORRUPT_STATE names the line and the key, and nothing is written', async () => {
    const text = readSpecExample().replace('"version": "v1.2.3",', '"version": "v1.2.3",\n      "version": "v1.2.4",')
    const { manager, stateFile, cwd } = withSnapshot(Buffer.from(text))
    const error = await rejection(manager.createRelease('prod', 'v2'))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toContain(
      `${stateFile}:${text.split('\n').findIndex((l) => l.includes('v1.2.4')) + 1}: the key "version" appears twice in releases[0]`,
    )
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
    expect(readdirSync(cwd)).toEqual(['releases.json'])
  })
})

describe('what an imported record holds that a Release does not model', () => {
  const text = JSON.stringify(
    {
      releases: [
        {
          id: 'rel-1',
          environment: 'prod',
          version: 'v1',
          timestamp: '2024-01-01T00:00:00Z',
          phases: { build: 'completed', zzz_custom: 'weird' },
          deployed_by: 'ana',
        },
      ],
    },
    null,
    2,
  )

  it('given an imported record with unknown fields and phases left out, when it is read, then the Release has only the public fields', async () => {
    const { manager } = withSnapshot(text)
    for (const release of [
      await manager.getRelease('rel-1'),
      (await manager.listAllReleases())[0],
      await manager.getCurrentRelease('prod'),
    ]) {
      expect(Object.keys(release ?? {})).toEqual(['id', 'environment', 'version', 'commitSha', 'timestamp', 'phases'])
      expect(JSON.stringify(release)).not.toContain('preserved')
      expect({ ...release }).toEqual({
        id: 'rel-1',
        environment: 'prod',
        version: 'v1',
        commitSha: '',
        timestamp: '2024-01-01T00:00:00Z',
        phases: expect.any(Object),
      })
    }
  })

  it('given such a record, when it is updated, edited by hand and accepted, then the file keeps what it held, and the log replays to the same bytes', async () => {
    const { manager, make, stateFile } = withSnapshot(text)
    await manager.updatePhase('rel-1', 'push', 'running')
    const written = readFileSync(stateFile, 'utf8')
    expect(written).toContain('"deployed_by": "ana"')
    expect(written).toContain('"zzz_custom": "weird"')
    writeFileSync(stateFile, written.replace('"v1"', '"v1-fixed"'))
    await manager.reconcile('accept')
    const [change] = (
      (await manager.history()).at(-1) as unknown as { data: { changes: Array<{ before: unknown[] }> } }
    ).data.changes
    expect(change?.before).toEqual([
      expect.objectContaining({
        version: 'v1',
        preserved: {
          absentPhases: ['migrate_pre', 'rollout', 'migrate_post', 'finalize'],
          otherPhases: { zzz_custom: 'weird' },
          otherFields: { deployed_by: 'ana' },
        },
      }),
    ])
    await make().createRelease('prod', 'v2') // a fresh manager: the state replayed from the log
    expect(readFileSync(stateFile, 'utf8')).toContain('"deployed_by": "ana"')
    expect((await make().verify()).sound).toBe(true)
  })
})

describe('an event log that is empty beside a releases.json', () => {
  it('given a 0-byte log beside a releases.json, when a write imports the file, then a warning says the log was empty', async () => {
    const { manager, stateFile, eventLog, warnings } = withSnapshot(readSpecExample())
    writeFileSync(eventLog, '')
    await manager.createRelease('prod', 'v2')
    expect(warnings).toEqual([
      `${eventLog} was empty (0 bytes) beside ${stateFile}: the history starts again from an import of ${stateFile}; if the log was emptied by mistake, restore it from a backup`,
    ])
    expect((await manager.history()).map((e) => e.type)).toEqual(['SnapshotImported', 'ReleaseCreated'])
  })

  it('given no log at all (a Go-written file), when a write imports it, then nothing is said', async () => {
    const { manager, warnings } = withSnapshot(readSpecExample())
    await manager.importSnapshot()
    expect(warnings).toEqual([])
  })

  it('given a 0-byte log, when a command is refused, then nothing is said and nothing is written', async () => {
    const { manager, eventLog, warnings } = withSnapshot(readSpecExample())
    writeFileSync(eventLog, '')
    expect((await rejection(manager.createRelease('', 'v2'))).code).toBe('INVALID_INPUT')
    expect(warnings).toEqual([])
    expect(readFileSync(eventLog, 'utf8')).toBe('')
  })
})

describe('import and reconcile on a store that holds nothing', () => {
  it('import reports nothing imported, and reconcile refuses, without creating the state directory', async () => {
    const { manager, cwd } = freshManager()
    expect(await manager.importSnapshot()).toEqual({ imported: 0, recorded: false })
    const error = await rejection(manager.reconcile('accept'))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/neither a releases.json nor an event log/)
    expect(readdirSync(cwd)).toEqual([])
  })
})

describe('ids an older file holds as they are', () => {
  it("are addressed exactly, blanks and all, while a caller's id is still trimmed", async () => {
    const text = JSON.stringify({
      releases: [
        {
          id: ' rel-1 ',
          environment: 'prod',
          version: 'v1',
          commit_sha: '',
          timestamp: '2024-01-01T00:00:00Z',
          phases: {},
        },
        {
          id: 'rel-2',
          environment: 'prod',
          version: 'v2',
          commit_sha: '',
          timestamp: '2024-01-02T00:00:00Z',
          phases: {},
          previous_id: ' rel-1 ',
        },
      ],
    })
    const { manager } = withSnapshot(text)
    expect((await manager.getRelease(' rel-1 ')).version).toBe('v1')
    expect((await manager.getRelease(' rel-2 ')).version).toBe('v2')
    expect((await manager.updatePhase(' rel-1 ', 'build', 'completed')).release.phases.build).toBe('completed')
    expect((await manager.history({ releaseId: ' rel-1 ' })).map((e) => e.type)).toEqual([
      'SnapshotImported',
      'PhaseUpdated',
    ])
  })
})

/**
 * Runs `write` as if the process had been killed just before each snapshot write: a hard link
 * keeps the releases.json it found, put back afterwards, so the file is byte for byte, inode and
 * modification time, what such a kill leaves.
 */
/**
 * Runs `write` and puts releases.json back as it was before it, with the record of its SHA-256
 * (written after it, so never newer): what a writer killed between its append and its snapshot
 * leaves.
 */
const leftBehindBy = async (stateFile: string, write: () => Promise<unknown>): Promise<void> => {
  const record = `${stateFile}.sha256`
  linkSync(stateFile, `${stateFile}.before`)
  const recorded = existsSync(record) ? readFileSync(record) : undefined
  await write()
  renameSync(`${stateFile}.before`, stateFile)
  if (recorded === undefined) rmSync(record, { force: true })
  else writeFileSync(record, recorded)
}

describe('a releases.json out of step with its event log', () => {
  const story = async () => {
    const context = freshManager()
    const v1 = await deploy(context.manager, 'prod', 'v1', ['build'])
    const { release: v2 } = await context.manager.createRelease('prod', 'v2')
    return { ...context, v1, v2 }
  }

  it('changed by hand: writes fail with STATE_DRIFT naming the releases, and both files stay byte-identical', async () => {
    const { manager, stateFile, eventLog, v2 } = await story()
    const edited = readFileSync(stateFile, 'utf8').replace('"v2"', '"v2-hand-edited"')
    writeFileSync(stateFile, edited)
    const log = readFileSync(eventLog)
    const error = await rejection(manager.updatePhase(v2.id, 'build', 'running'))
    expect(error.code).toBe('STATE_DRIFT')
    expect(error.message).toContain(
      `${stateFile} and ${eventLog} disagree: the snapshot differs from the log's projection at ${v2.id} (different).`,
    )
    expect(error.message).toMatch(/reconcile --accept.*reconcile --restore/)
    expect(readFileSync(stateFile, 'utf8')).toBe(edited)
    expect(readFileSync(eventLog)).toEqual(log)
    expect((await manager.getRelease(v2.id)).version).toBe('v2')
  })

  it('reconcile accept records the file as it is, as an event, after which writes go on', async () => {
    const { manager, stateFile, v1, v2 } = await story()
    const text = readFileSync(stateFile, 'utf8')
    const withoutV1 = JSON.parse(text) as { releases: Array<{ id: string; version: string }> }
    withoutV1.releases = withoutV1.releases.filter((r) => r.id !== v1.id).map((r) => ({ ...r, version: 'v2-fixed' }))
    writeFileSync(stateFile, JSON.stringify(withoutV1, null, 2))
    expect(await manager.reconcile('accept')).toEqual({ changed: [v1.id, v2.id], fields: [] })
    expect((await manager.getRelease(v2.id)).version).toBe('v2-fixed')
    expect((await rejection(manager.getRelease(v1.id))).code).toBe('RELEASE_NOT_FOUND')
    const last = (await manager.history()).at(-1)
    expect(last).toMatchObject({
      type: 'SnapshotReconciled',
      data: { changes: [{ releaseId: v1.id, after: [] }, { releaseId: v2.id }] },
    })
    await manager.updatePhase(v2.id, 'build', 'running')
    expect((await manager.verify()).problems.filter((p) => p.severity === 'error')).toEqual([])
  })

  it('reconcile accept of an edit of the top-level fields alone (one a Go file carried added, one changed, one removed) says which', async () => {
    const { manager, stateFile } = withSnapshot(JSON.stringify({ generator: 'go 1.2', releases: [], region: 'eu' }))
    await manager.createRelease('prod', 'v1')
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>
    delete file['region']
    writeFileSync(stateFile, JSON.stringify({ ...file, generator: 'go 1.3', schema: 2 }, null, 2))
    expect(await manager.reconcile('accept')).toEqual({ changed: [], fields: ['generator', 'schema', 'region'] })
    expect((await manager.history()).at(-1)).toMatchObject({
      type: 'SnapshotReconciled',
      data: { changes: [], otherFields: { generator: 'go 1.3', schema: 2 } },
    })
    expect(await manager.reconcile('accept')).toEqual({ changed: [], fields: [] })
  })

  it('reconcile restore of an edit of the top-level fields says which it put back', async () => {
    const { manager, stateFile } = withSnapshot(JSON.stringify({ releases: [], generator: 'go 1.2' }))
    await manager.createRelease('prod', 'v1')
    const good = readFileSync(stateFile, 'utf8')
    writeFileSync(stateFile, good.replace('go 1.2', 'go 9'))
    expect(await manager.reconcile('restore')).toEqual({
      changed: [],
      fields: ['generator'],
      keptAside: expect.stringContaining('.rejected-'),
    })
    expect(readFileSync(stateFile, 'utf8')).toBe(good)
  })

  it('reconcile restore rewrites the file from the log and keeps the edited file aside, byte for byte', async () => {
    const { manager, stateFile, v2 } = await story()
    const good = readFileSync(stateFile, 'utf8')
    writeFileSync(stateFile, 'this is not JSON')
    expect((await rejection(manager.createRelease('prod', 'v3'))).code).toBe('CORRUPT_STATE')
    const outcome = await manager.reconcile('restore')
    expect(readFileSync(stateFile, 'utf8')).toBe(good)
    expect(outcome.keptAside).toMatch(/releases\.json\.rejected-/)
    expect(readFileSync(outcome.keptAside as string, 'utf8')).toBe('this is not JSON')
    expect((await manager.createRelease('prod', 'v3')).release.previousId).toBe(v2.id)
  })

  it('restored twice under a clock that repeats: the second edited file kept aside does not replace the first', async () => {
    const fixed = () => new Date(Date.UTC(2025, 0, 1, 12))
    const { manager, stateFile } = await story()
    const sameTime = freshManager({ cwd: join(stateFile, '..', '..'), now: fixed }).manager
    writeFileSync(stateFile, 'first hand edit')
    const first = await sameTime.reconcile('restore')
    writeFileSync(stateFile, 'second hand edit')
    const second = await sameTime.reconcile('restore')
    expect(second.keptAside).not.toBe(first.keptAside)
    expect([readFileSync(first.keptAside as string, 'utf8'), readFileSync(second.keptAside as string, 'utf8')]).toEqual(
      ['first hand edit', 'second hand edit'],
    )
    expect((await manager.verify()).sound).toBe(true)
  })

  it('left one command behind by a crash between the append and the snapshot: regenerated, with a warning', async () => {
    const { manager, stateFile, v2, warnings } = await story()
    await leftBehindBy(stateFile, () => manager.updatePhase(v2.id, 'build', 'running'))
    expect((await manager.verify()).problems).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/behind the event log/) }),
    ])
    await manager.updatePhase(v2.id, 'build', 'completed')
    expect(warnings).toEqual([
      expect.stringMatching(/was behind the event log \(it held what an earlier write left, byte for byte/),
    ])
    expect((await manager.verify()).sound).toBe(true)
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).releases[1].phases.build).toBe('completed')
  })

  it('left several commands behind (a machine crash lost the unsynced snapshot writes): regenerated too, nothing being lost', async () => {
    const { manager, stateFile, v2, warnings } = await story()
    await leftBehindBy(stateFile, async () => {
      await manager.updatePhase(v2.id, 'build', 'running')
      await manager.updatePhase(v2.id, 'build', 'completed')
      await manager.createRelease('staging', 'v2')
    })
    await manager.updatePhase(v2.id, 'push', 'running')
    expect(warnings).toEqual([expect.stringMatching(/was behind the event log/)])
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).releases).toHaveLength(3)
    expect((await manager.verify()).sound).toBe(true)
  })

  it('restored from a backup of an earlier write, its time kept (cp -p), is STATE_DRIFT: a person put it there, and file times are not trusted', async () => {
    const { manager, stateFile, v2, warnings } = await story()
    const behind = readFileSync(stateFile)
    const { mtime } = statSync(stateFile)
    await manager.updatePhase(v2.id, 'build', 'running')
    writeFileSync(stateFile, behind)
    utimesSync(stateFile, mtime, mtime)
    expect((await rejection(manager.updatePhase(v2.id, 'build', 'completed'))).code).toBe('STATE_DRIFT')
    expect(readFileSync(stateFile)).toEqual(behind)
    expect(warnings).toEqual([])
  })

  it('the newest release deleted by hand is STATE_DRIFT, though the file is then byte for byte what the write before left', async () => {
    const { manager, stateFile, v2 } = await story()
    const before = readFileSync(stateFile, 'utf8')
    const { release: v3 } = await manager.createRelease('prod', 'v3')
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: Array<{ id: string }> }
    const edited = JSON.stringify({ releases: file.releases.filter((r) => r.id !== v3.id) }, null, 2)
    expect(edited).toBe(before)
    writeFileSync(stateFile, edited)
    const error = await rejection(manager.updatePhase(v2.id, 'build', 'running'))
    expect(error.code).toBe('STATE_DRIFT')
    expect(error.message).toContain(v3.id)
    expect(readFileSync(stateFile, 'utf8')).toBe(edited)
    expect((await manager.verify()).problems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^differs from the projection of the event log/) }),
    ])
  })

  it.each([
    ['as the module writes it', (text: string) => text],
    ['reformatted', (text: string) => JSON.stringify(JSON.parse(text))],
  ])('the last phase reverted by hand (%s) is STATE_DRIFT', async (_, format) => {
    const { manager, stateFile, eventLog, v2 } = await story()
    await manager.updatePhase(v2.id, 'build', 'running')
    const edited = format(readFileSync(stateFile, 'utf8').replace('"build": "running"', '"build": "pending"'))
    writeFileSync(stateFile, edited)
    const log = readFileSync(eventLog)
    expect((await rejection(manager.updatePhase(v2.id, 'push', 'running'))).code).toBe('STATE_DRIFT')
    expect(readFileSync(stateFile, 'utf8')).toBe(edited)
    expect(readFileSync(eventLog)).toEqual(log)
  })

  it('the newest release deleted by hand after a crash tore an append is STATE_DRIFT: setting the torn line aside does not make the edit look older than the log', async () => {
    const { manager, stateFile, eventLog, v2 } = await story()
    const before = readFileSync(stateFile)
    const { release: v3 } = await manager.createRelease('prod', 'v3')
    appendFileSync(eventLog, '{"v":1,"type":"PhaseUpdated","data":{"rele') // a writer killed in its append
    await new Promise((resolve) => setTimeout(resolve, 20))
    writeFileSync(stateFile, before) // then a person deletes v3 by hand: byte for byte the write before
    const error = await rejection(manager.updatePhase(v2.id, 'build', 'running'))
    expect(error.code).toBe('STATE_DRIFT')
    expect(error.message).toContain(v3.id)
    expect(readFileSync(stateFile)).toEqual(before)
  })

  it("a reconciled file (not in the module's layout) left behind by a crashed write: regenerated, as the bytes accepted", async () => {
    const { manager, stateFile, v2, warnings } = await story()
    const edited = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: Array<{ version: string }> }
    ;(edited.releases[1] as { version: string }).version = 'v2-fixed'
    writeFileSync(stateFile, JSON.stringify(edited))
    await manager.reconcile('accept')
    await leftBehindBy(stateFile, () => manager.updatePhase(v2.id, 'build', 'running'))
    await manager.updatePhase(v2.id, 'build', 'completed')
    expect(warnings).toEqual([expect.stringMatching(/was behind the event log/)])
    expect((await manager.verify()).sound).toBe(true)
  })

  it('a Go-written file imported with a command whose snapshot write was interrupted: regenerated, as the bytes imported', async () => {
    const text = readSpecExample()
    const { manager, stateFile, warnings } = withSnapshot(text)
    await leftBehindBy(stateFile, () => manager.createRelease('prod', 'v2'))
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
    await manager.createRelease('staging', 'v1')
    expect(warnings).toEqual([expect.stringMatching(/was behind the event log/)])
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).releases).toHaveLength(3)
  })

  it('left empty by a machine crash: regenerated', async () => {
    const { manager, stateFile, v2, warnings } = await story()
    writeFileSync(stateFile, '')
    await manager.updatePhase(v2.id, 'build', 'running')
    expect(warnings).toEqual([expect.stringMatching(/was empty/)])
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).releases).toHaveLength(2)
  })

  it('showing a state the log never had (an old state edited by hand) is STATE_DRIFT', async () => {
    const { manager, stateFile, v2 } = await story()
    const behind = readFileSync(stateFile, 'utf8')
    await manager.updatePhase(v2.id, 'build', 'running')
    writeFileSync(stateFile, behind.replace('"v2"', '"v2-edited"'))
    expect((await rejection(manager.updatePhase(v2.id, 'push', 'running'))).code).toBe('STATE_DRIFT')
    expect(readFileSync(stateFile, 'utf8')).toBe(behind.replace('"v2"', '"v2-edited"'))
  })

  it('deleted: regenerated from the log on the next write', async () => {
    const { manager, stateFile, v2, warnings } = await story()
    rmSync(stateFile)
    await manager.updatePhase(v2.id, 'build', 'running')
    expect(warnings).toEqual([expect.stringMatching(/was missing/)])
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).releases).toHaveLength(2)
  })
})
