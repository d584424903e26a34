/**
 * The event log deleted (or emptied) with releases.json kept (issue 10, point 7). Whenever a file
 * beside it says the log held events (the checkpoint, the record of the last snapshot, even one
 * that does not read whole), the log was lost, not never written: writes and reads are
 * CORRUPT_STATE naming the log and that file, nothing is written, and verify reports it at each
 * such file. With no such file, releases.json is what the Go Stagecraft leaves, and the first
 * write imports it, as documented.
 */
import { existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStateManager } from '../../src/index.js'
import { storePaths } from '../../src/internals.js'
import { rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'

const quiet = { onWarning: () => undefined }

/**
 * A store of two releases (with its checkpoint and record), its log then deleted or emptied, and the files named kept
 * or deleted.
 */
const lostLog = async (log: 'deleted' | 'emptied', keep: { checkpoint: boolean; record: boolean }) => {
  const paths = storePaths(join(tempDir(), '.stagecraft', 'releases.json'))
  const manager = createStateManager({ stateFile: paths.stateFile, ...quiet })
  await manager.createRelease('prod', 'v1')
  await manager.createRelease('prod', 'v2')
  await manager.close()
  expect([existsSync(paths.checkpoint), existsSync(paths.snapshotRecord)]).toEqual([true, true])
  if (!keep.checkpoint) rmSync(paths.checkpoint)
  if (!keep.record) rmSync(paths.snapshotRecord)
  if (log === 'deleted') rmSync(paths.eventLog)
  else writeFileSync(paths.eventLog, '')
  return { paths, snapshot: readFileSync(paths.stateFile, 'utf8') }
}

const fresh = (stateFile: string) => createStateManager({ stateFile, ...quiet })

describe('an event log deleted or emptied, releases.json kept', () => {
  for (const log of ['deleted', 'emptied'] as const) {
    for (const keep of [
      { checkpoint: true, record: true },
      { checkpoint: true, record: false },
      { checkpoint: false, record: true },
    ]) {
      const kept = [keep.checkpoint ? 'the checkpoint' : '', keep.record ? 'the record of the snapshot' : '']
        .filter((word) => word !== '')
        .join(' and ')
      it(`log ${log}, ${kept} kept: a write and a read are CORRUPT_STATE naming the log and the evidence; nothing is written; verify reports it at ${kept}`, async () => {
        const { paths, snapshot } = await lostLog(log, keep)
        const witnesses = [
          ...(keep.record ? [paths.snapshotRecord] : []),
          ...(keep.checkpoint ? [paths.checkpoint] : []),
        ]

        const refused = await rejection(fresh(paths.stateFile).createRelease('prod', 'v3'))
        expect(refused.code).toBe('CORRUPT_STATE')
        expect(refused.message).toContain(
          `${paths.eventLog} is missing or empty, but ${witnesses[0]} was written after its event`,
        )
        expect(refused.message).toContain('nothing starts a new history over it')
        expect(log === 'deleted' ? existsSync(paths.eventLog) : readFileSync(paths.eventLog, 'utf8')).toBe(
          log === 'deleted' ? false : '',
        )
        expect(readFileSync(paths.stateFile, 'utf8')).toBe(snapshot)
        expect((await rejection(fresh(paths.stateFile).listAllReleases())).code).toBe('CORRUPT_STATE')

        const report = await fresh(paths.stateFile).verify()
        expect(report.sound).toBe(false)
        expect(
          report.problems
            .filter((problem) => problem.severity === 'error')
            .map((problem) => problem.location)
            .sort(),
        ).toEqual([...witnesses].sort())
        for (const problem of report.problems)
          expect(problem.message).toContain(`${paths.eventLog} is missing or empty`)
      })
    }

    it(`log ${log}, neither the checkpoint nor the record kept (as the Go Stagecraft leaves a releases.json): the first write imports it`, async () => {
      const { paths } = await lostLog(log, { checkpoint: false, record: false })
      const report = await fresh(paths.stateFile).verify()
      expect(report).toMatchObject({
        sound: true,
        problems: [
          { severity: 'warning', location: paths.stateFile, message: expect.stringContaining('has no event log yet') },
        ],
      })
      const manager = fresh(paths.stateFile)
      await manager.createRelease('prod', 'v3')
      expect((await manager.history()).map((event) => event.type)).toEqual(['SnapshotImported', 'ReleaseCreated'])
      expect((await manager.listAllReleases()).map((release) => release.version)).toEqual(['v3', 'v2', 'v1'])
    })
  }

  for (const torn of ['checkpoint', 'record'] as const) {
    it(`log deleted, only the ${torn} kept, torn (it does not read whole): still evidence that the log held events`, async () => {
      const { paths, snapshot } = await lostLog('deleted', {
        checkpoint: torn === 'checkpoint',
        record: torn === 'record',
      })
      const witness = torn === 'checkpoint' ? paths.checkpoint : paths.snapshotRecord
      truncateSync(witness, 10) // no line of it whole

      const refused = await rejection(fresh(paths.stateFile).createRelease('prod', 'v3'))
      expect(refused).toMatchObject({
        code: 'CORRUPT_STATE',
        message: expect.stringContaining(
          `${paths.eventLog} is missing or empty, but ${witness} exists, and it is written only after events were appended to the log`,
        ),
      })
      expect(existsSync(paths.eventLog)).toBe(false)
      expect(readFileSync(paths.stateFile, 'utf8')).toBe(snapshot)
      const report = await fresh(paths.stateFile).verify()
      expect(report.sound).toBe(false)
      expect(
        report.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.location),
      ).toEqual([witness])
    })
  }

  it('once the person deletes the checkpoint and the record too (starting again on purpose), the next write imports releases.json', async () => {
    const { paths } = await lostLog('deleted', { checkpoint: true, record: true })
    expect((await rejection(fresh(paths.stateFile).createRelease('prod', 'v3'))).code).toBe('CORRUPT_STATE')
    rmSync(paths.checkpoint)
    rmSync(paths.snapshotRecord)
    const manager = fresh(paths.stateFile)
    await manager.createRelease('prod', 'v3')
    expect((await manager.history()).map((event) => event.type)).toEqual(['SnapshotImported', 'ReleaseCreated'])
  })
})
