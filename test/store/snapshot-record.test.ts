/**
 * releases.json judged by its SHA-256 against the record of the last write (releases.json.sha256),
 * never by file times: what this module left (in step, or behind after an interrupted write or a
 * power loss) is told from what someone else wrote, whatever the files' times say.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { StateManager } from '../../src/index.js'
import { projectSnapshot } from '../../src/internals.js'
import { readSpecExample } from '../fixtures/index.js'
import { deploy, freshManager, rejection } from '../support/manager.js'

const recordOf = (stateFile: string): string => `${stateFile}.sha256`

/** A store with two deploys, and the files as they were after each of its last three writes. */
const storyWithPoints = async () => {
  const context = freshManager()
  const { manager, stateFile } = context
  const v1 = await deploy(manager, 'prod', 'v1', ['build'])
  const points: Array<{ snapshot: Buffer; record: Buffer }> = []
  const keep = () => points.push({ snapshot: readFileSync(stateFile), record: readFileSync(recordOf(stateFile)) })
  keep()
  const { release: v2 } = await manager.createRelease('prod', 'v2')
  keep()
  await manager.updatePhase(v2.id, 'build', 'running')
  keep()
  return { ...context, v1, v2, points }
}

const expectInStepAfterAWrite = async (manager: StateManager, stateFile: string) => {
  const state = await manager.fp.state()()
  if (state._tag === 'Left') throw state.left
  expect(readFileSync(stateFile, 'utf8')).toBe(projectSnapshot(state.right))
  expect((await manager.verify()).sound).toBe(true)
}

describe('a releases.json left behind, told by its SHA-256', () => {
  it('given the snapshot and its record of two writes ago (a machine crash lost both), the next write regenerates it', async () => {
    const { make, stateFile, v2, points, warnings } = await storyWithPoints()
    writeFileSync(stateFile, points[0]?.snapshot as Buffer)
    writeFileSync(recordOf(stateFile), points[0]?.record as Buffer)
    const manager = make()
    await manager.updatePhase(v2.id, 'build', 'completed')
    expect(warnings).toEqual([expect.stringMatching(/was behind the event log/)])
    await expectInStepAfterAWrite(manager, stateFile)
  })

  it('given a snapshot newer than its record (a power loss kept the snapshot rename, not the record), the next write regenerates it', async () => {
    const { make, stateFile, v2, points, warnings } = await storyWithPoints()
    writeFileSync(stateFile, points[1]?.snapshot as Buffer)
    writeFileSync(recordOf(stateFile), points[0]?.record as Buffer)
    const manager = make()
    await manager.updatePhase(v2.id, 'build', 'completed')
    expect(warnings).toEqual([expect.stringMatching(/was behind the event log/)])
    await expectInStepAfterAWrite(manager, stateFile)
  })

  it('given a snapshot renamed into place whose record was never written (killed in between), the next write finds it in step', async () => {
    const { make, stateFile, v2, points, warnings } = await storyWithPoints()
    writeFileSync(recordOf(stateFile), points[1]?.record as Buffer)
    const manager = make()
    await manager.updatePhase(v2.id, 'build', 'completed')
    expect(warnings).toEqual([])
    await expectInStepAfterAWrite(manager, stateFile)
  })

  it.each([
    ['missing (a store written before records)', (record: string) => rmSync(record)],
    ['torn', (record: string) => writeFileSync(record, readFileSync(record).subarray(0, 40))],
    [
      'cut to its first lines',
      (record: string) => writeFileSync(record, readFileSync(record, 'utf8').split('\n').slice(0, 1).join('\n')),
    ],
    ['from another store', (record: string, other: string) => writeFileSync(record, readFileSync(other))],
  ])(
    'given its record %s, a snapshot an earlier write left is still regenerated, and a hand edit still refused',
    async (_, damage) => {
      const { make, stateFile, v2, points, warnings } = await storyWithPoints()
      damage(recordOf(stateFile), recordOf((await storyWithPoints()).stateFile))
      const edited = readFileSync(stateFile, 'utf8').replace('"v2"', '"v2-by-hand"')
      writeFileSync(stateFile, edited)
      const manager = make()
      expect((await rejection(manager.updatePhase(v2.id, 'build', 'completed'))).code).toBe('STATE_DRIFT')
      expect(readFileSync(stateFile, 'utf8')).toBe(edited)
      writeFileSync(stateFile, points[1]?.snapshot as Buffer)
      await manager.updatePhase(v2.id, 'build', 'completed')
      expect(warnings).toEqual([expect.stringMatching(/was behind the event log/)])
      await expectInStepAfterAWrite(manager, stateFile)
    },
  )

  it('whatever its file time says: a leftover dated in the future is regenerated, a hand edit dated in the past refused', async () => {
    const { make, stateFile, v2, points } = await storyWithPoints()
    writeFileSync(stateFile, points[1]?.snapshot as Buffer)
    writeFileSync(recordOf(stateFile), points[1]?.record as Buffer)
    const future = new Date(Date.now() + 86_400_000)
    utimesSync(stateFile, future, future)
    const manager = make()
    await manager.updatePhase(v2.id, 'build', 'completed')
    const edited = readFileSync(stateFile, 'utf8').replace('"v1"', '"v1-by-hand"')
    writeFileSync(stateFile, edited)
    const past = new Date(Date.UTC(2000, 0, 1))
    utimesSync(stateFile, past, past)
    expect((await rejection(manager.updatePhase(v2.id, 'push', 'running'))).code).toBe('STATE_DRIFT')
  })

  it('given a record ahead of the log (the log lost its end), reads and writes are CORRUPT_STATE naming the log and the record', async () => {
    const { make, stateFile, eventLog, points } = await storyWithPoints()
    const lines = readFileSync(eventLog, 'utf8').split('\n')
    writeFileSync(eventLog, `${lines.slice(0, -2).join('\n')}\n`) // the last event cut off
    writeFileSync(stateFile, points[1]?.snapshot as Buffer)
    const manager = make()
    for (const attempt of [() => manager.listAllReleases(), () => manager.createRelease('staging', 'v1')]) {
      const error = await rejection(attempt())
      expect(error.code).toBe('CORRUPT_STATE')
      expect(error.message).toContain(eventLog)
      expect(error.message).toContain(recordOf(stateFile))
    }
  })
})

describe('a snapshot kept as it was is never spliced', () => {
  it('given a Go-written file imported alone, the next write makes releases.json exactly the projection', async () => {
    const { manager, stateFile } = freshManager()
    const text = readSpecExample()
    mkdirSync(dirname(stateFile), { recursive: true })
    writeFileSync(stateFile, text)
    await manager.importSnapshot()
    expect(readFileSync(stateFile, 'utf8')).toBe(text)
    const lastRecord = readFileSync(recordOf(stateFile), 'utf8').trimEnd().split('\n').at(-1) as string
    expect(JSON.parse(lastRecord.slice(0, lastRecord.lastIndexOf(' ')))).toMatchObject({ projection: false })
    await manager.createRelease('prod', 'v2')
    await expectInStepAfterAWrite(manager, stateFile)
  })

  it('given a reformatted file accepted by reconcile, the next write makes releases.json exactly the projection', async () => {
    const { manager, stateFile } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    writeFileSync(stateFile, JSON.stringify(JSON.parse(readFileSync(stateFile, 'utf8'))))
    await manager.reconcile('accept')
    await manager.updatePhase(release.id, 'build', 'running')
    await expectInStepAfterAWrite(manager, stateFile)
    expect(existsSync(recordOf(stateFile))).toBe(true)
  })
})
