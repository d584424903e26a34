/**
 * A full disk while the snapshot is written (issue 10, point 5). Once the events are durable the
 * command has succeeded: the write resolves with what it recorded, a warning says releases.json
 * could not be written, and the next write regenerates it. A retry would record the release
 * twice; the caller has no reason to retry.
 *
 * The disk is full for releases.json only, in a real process running the built package: writes to
 * its temporary file fail with ENOSPC (test/support/full-disk.mjs); the log, its lock, the record
 * and the checkpoint write as usual.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager } from '../../src/index.js'
import { projectSnapshot } from '../../src/internals.js'
import { Child, expectNoLeftovers, expectSoundStore, type TempStore, tempStore } from './children/harness.js'

const stores: TempStore[] = []
const children: Child[] = []
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()))
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})
beforeAll(() => {
  expect(readdirSync(new URL('../../dist/', import.meta.url)), 'dist/ is missing: run npm run build').toContain(
    'index.js',
  )
})

const quiet = { onWarning: () => undefined }

/** One write in a child process whose disk is full for releases.json: what it said. */
const writeOnFullDisk = async (store: TempStore, write: Record<string, unknown>) => {
  const child = new Child('full-disk-write.mjs', { stateFile: store.stateFile, ...write })
  children.push(child)
  expect(await child.exited, child.errors).toEqual({ code: 0, signal: null })
  const ack = child.lines.find((line) => line.t === 'ack') as
    { release: { id: string; version: string; phases: Record<string, string> }; events: number } | undefined
  return {
    ack,
    warnings: child.lines
      .filter((line) => line.t === 'warning')
      .map((line) => String((line as { message?: unknown }).message)),
  }
}

const expectSnapshotWarning = (store: TempStore, warnings: ReadonlyArray<string>): void => {
  expect(warnings).toEqual([
    `${store.stateFile}: could not write the snapshot: no space left on the device; the events are recorded, and the next write brings ${store.stateFile} up to date`,
  ])
}

describe('a full disk while releases.json is written, after the events were appended', () => {
  it('createRelease resolves with the release, warns, records it once; the next write regenerates releases.json', async () => {
    const store = await tempStore('stagecraft-full-disk-')
    stores.push(store)
    const { release: first } = await createStateManager({ stateFile: store.stateFile, ...quiet }).createRelease(
      'prod',
      'v1',
    )
    const before = readFileSync(store.stateFile, 'utf8')

    const { ack, warnings } = await writeOnFullDisk(store, { op: 'create', environment: 'prod', version: 'v2' })
    expect(ack).toMatchObject({ release: { version: 'v2', previousId: first.id }, events: 1 })
    expectSnapshotWarning(store, warnings)
    expect(readFileSync(store.stateFile, 'utf8')).toBe(before)
    expectNoLeftovers(store)
    const fresh = createStateManager({ stateFile: store.stateFile, ...quiet })
    expect((await fresh.listAllReleases()).map((release) => release.version)).toEqual(['v2', 'v1'])
    expect((await fresh.history()).filter((event) => event.type === 'ReleaseCreated')).toHaveLength(2)

    const regenerated: string[] = []
    const next = createStateManager({ stateFile: store.stateFile, onWarning: (message) => regenerated.push(message) })
    await next.updatePhase(ack?.release.id ?? '', 'build', 'running')
    expect(regenerated).toEqual([expect.stringContaining(`${store.stateFile} was behind the event log`)])
    expect(readFileSync(store.stateFile, 'utf8')).toBe(projectSnapshot(await next.state()))
    await expectSoundStore(createStateManager({ stateFile: store.stateFile, ...quiet }), store)
  })

  it('updatePhase resolves with the updated release, warns; the next write, even one that records nothing, regenerates releases.json', async () => {
    const store = await tempStore('stagecraft-full-disk-')
    stores.push(store)
    const { release } = await createStateManager({ stateFile: store.stateFile, ...quiet }).createRelease('prod', 'v1')

    const { ack, warnings } = await writeOnFullDisk(store, {
      op: 'update',
      id: release.id,
      phase: 'build',
      status: 'running',
    })
    expect(ack).toMatchObject({ release: { id: release.id, phases: { build: 'running' } }, events: 1 })
    expectSnapshotWarning(store, warnings)
    expect(JSON.parse(readFileSync(store.stateFile, 'utf8')).releases[0].phases.build).toBe('pending')

    // The same status again records nothing, and still brings releases.json up to date.
    const next = createStateManager({ stateFile: store.stateFile, ...quiet })
    expect((await next.updatePhase(release.id, 'build', 'running')).events).toEqual([])
    expect(JSON.parse(readFileSync(store.stateFile, 'utf8')).releases[0].phases.build).toBe('running')
    await expectSoundStore(createStateManager({ stateFile: store.stateFile, ...quiet }), store)
  })
})
