/**
 * Living beside the Go Stagecraft: it rewrites releases.json without the lock. What it makes (releases appended,
 * phases moved on) is shown by the next reader and recorded by the next writer in its name; nothing else is adopted.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createStateManager, isStateError } from '../../src/index.js'
import type { WriteStep } from '../../src/store/file-store.js'
import { fileStoreWith, type TempStore, tempStore } from '../store/children/harness.js'
import { goCreateRelease, goUpdatePhase, readAsGo, writeAsGo } from '../support/go-writer.js'
import { rejection } from '../support/manager.js'

const OUTSIDE = 'releases.json, written by another tool'
const stores: TempStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})

const setUp = async (options: { refuseOutsideWrites?: boolean } = {}) => {
  const store = await tempStore('stagecraft-outside-')
  stores.push(store)
  const warnings: string[] = []
  const open = (more: Parameters<typeof createStateManager>[0] = {}) =>
    createStateManager({
      stateFile: store.stateFile,
      actor: 'deployer',
      onWarning: (w) => warnings.push(w),
      ...options,
      ...more,
    })
  return { stateFile: store.stateFile, open, warnings }
}

const goCreate = (stateFile: string, environment: string, version: string) =>
  goCreateRelease(stateFile, { environment, version, commitSha: 'commit1', epochMs: Date.now() })

describe('releases.json changed by the Go Stagecraft', () => {
  it('a release it appended is shown by the next reader, then recorded in its name by the next writer', async () => {
    const { stateFile, open, warnings } = await setUp()
    const first = (await open().createRelease('prod', 'v1', 'abc1234')).release
    const go = goCreate(stateFile, 'prod', 'v2-go')

    const reader = open()
    expect((await reader.listReleases('prod')).map((r) => r.id)).toEqual([go.id, first.id])
    expect((await reader.getCurrentRelease('prod')).commitSha).toBe('commit1')
    expect(await reader.history(), 'a read records nothing').toHaveLength(1)

    const { release } = await open().createRelease('prod', 'v3')
    expect(release.previousId).toBe(go.id)
    const history = await open().history()
    expect(history.map((event) => [event.type, event.meta.actor])).toEqual([
      ['ReleaseCreated', 'deployer'],
      ['SnapshotReconciled', OUTSIDE],
      ['ReleaseCreated', 'deployer'],
    ])
    expect(history[1]?.data).toMatchObject({ adopted: true, source: { file: stateFile } })
    expect(warnings.join('\n')).toContain(`was changed by another tool (release ${go.id} added (prod v2-go))`)
    expect(readAsGo(stateFile).map((r) => r.id)).toEqual([first.id, go.id, release.id])
    expect((await open().verify()).sound).toBe(true)
  })

  it('a phase it moved on is adopted, and the phases this module moved meanwhile are kept', async () => {
    const { stateFile, open } = await setUp()
    const manager = open()
    const { release } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    goUpdatePhase(stateFile, release.id, 'build', 'completed')

    expect((await open().getRelease(release.id)).phases.build).toBe('completed')
    await manager.updatePhase(release.id, 'push', 'running')
    const after = await open().getRelease(release.id)
    expect([after.phases.build, after.phases.push]).toEqual(['completed', 'running'])
  })

  it("a Go write between this module's append and its rename: the rename is skipped, nothing is lost", async () => {
    const { stateFile, open, warnings } = await setUp()
    await open().createRelease('prod', 'v1')
    let go: ReturnType<typeof goCreate> | undefined
    const onStep = (step: WriteStep): void => {
      if (step === 'appended' && go === undefined) go = goCreate(stateFile, 'staging', 'v1-go')
    }
    const writer = open({ store: fileStoreWith(stateFile, { onStep }) })
    const ours = (await writer.createRelease('prod', 'v2')).release
    expect(warnings.join('\n')).toContain('was changed by someone else while this write was in progress')
    expect(readAsGo(stateFile).map((r) => r.id)).not.toContain(ours.id)

    const next = (await open().createRelease('prod', 'v3')).release
    const ids = (await open().listAllReleases()).map((r) => r.id)
    expect(ids).toEqual(expect.arrayContaining([ours.id, next.id, (go as { id: string }).id]))
    expect(next.previousId, 'our release was not taken for removed').toBe(ours.id)
    expect((await open().verify()).sound).toBe(true)
  })

  it('a Go write that read the file before this module wrote and renamed its own after: both are kept', async () => {
    const { stateFile, open } = await setUp()
    await open().createRelease('prod', 'v1')
    const stale = readAsGo(stateFile)
    const ours = (await open().createRelease('prod', 'v2')).release
    const goRelease = {
      ...stale[0]!,
      id: 'rel-20300101-000000000',
      environment: 'staging',
      version: 'v1-go',
      timestamp: '2030-01-01T00:00:00Z',
    }
    delete goRelease.previous_id
    writeAsGo(stateFile, [...stale, goRelease])

    await open().createRelease('prod', 'v3')
    const ids = (await open().listAllReleases()).map((r) => r.id)
    expect(ids).toEqual(expect.arrayContaining([ours.id, goRelease.id]))
    expect((await open().verify()).sound).toBe(true)
  })

  it("a stale Go write of a file Go itself wrote on top of this module's: what it added is adopted, nothing lost", async () => {
    const { stateFile, open } = await setUp()
    await open().createRelease('prod', 'v1')
    const first = goCreate(stateFile, 'staging', 'v1-go')
    const stale = readAsGo(stateFile) // Go reads its own file, then is held up
    const ours = (await open().createRelease('prod', 'v2')).release // adopts the first Go release, rewrites the file
    writeAsGo(stateFile, [
      ...stale,
      {
        ...stale[1]!,
        id: 'rel-20300101-000000000',
        version: 'v2-go',
        previous_id: first.id,
        timestamp: '2030-01-01T00:00:00Z',
      },
    ])

    await open().createRelease('prod', 'v3')
    const all = await open().listAllReleases()
    expect(all.map((r) => r.version).sort()).toEqual(['v1', 'v1-go', 'v2', 'v2-go', 'v3'])
    expect(all.find((r) => r.version === 'v3')?.previousId).toBe(ours.id)
    expect((await open().verify()).sound).toBe(true)
  })

  it('anything else it could not have made (a release removed) stays STATE_DRIFT, saying why', async () => {
    const { stateFile, open } = await setUp()
    const manager = open()
    await manager.createRelease('prod', 'v1')
    const { release } = await manager.createRelease('prod', 'v2')
    writeAsGo(
      stateFile,
      readAsGo(stateFile).filter((r) => r.id !== release.id),
    )
    const error = await rejection(open().createRelease('prod', 'v3'))
    expect(isStateError(error, 'STATE_DRIFT')).toBe(true)
    expect((error as Error).message).toContain(`not what the Go Stagecraft writes (release ${release.id} was removed)`)
  })

  it('with refuseOutsideWrites, even a release it appended is STATE_DRIFT, and readers keep to the log', async () => {
    const { stateFile, open } = await setUp({ refuseOutsideWrites: true })
    const { release } = await open().createRelease('prod', 'v1')
    goCreate(stateFile, 'prod', 'v2-go')
    expect((await open().listReleases('prod')).map((r) => r.id)).toEqual([release.id])
    expect(isStateError(await rejection(open().createRelease('prod', 'v3')), 'STATE_DRIFT')).toBe(true)
    expect((await open().verify()).sound).toBe(false)
  })

  it('verify reports what it wrote as a warning the next write repairs, not an error', async () => {
    const { stateFile, open } = await setUp()
    await open().createRelease('prod', 'v1')
    const go = goCreate(stateFile, 'prod', 'v2-go')
    const report = await open().verify()
    expect(report.sound).toBe(true)
    expect(report.problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining(`release ${go.id} added`) }),
    ])
    expect(readFileSync(stateFile, 'utf8')).toContain(go.id)
  })
})
