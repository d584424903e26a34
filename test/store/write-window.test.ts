/**
 * A person editing releases.json while a write is under way: whichever step of the write the edit
 * lands at, the edit is never lost. Before the snapshot is checked, the write is refused
 * (STATE_DRIFT, nothing recorded); after, the command has succeeded and the changed file is left
 * as it is, for the next write to report.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createStateManager, fileStoreSpec, isStateError, migrateHistory } from '../../src/index.js'
import type { WriteStep } from '../../src/store/file-store.js'
import { fileStoreWith, type TempStore, tempStore } from './children/harness.js'

const stores: TempStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})

/** Changes v1 to v9 in the file, in place, keeping its size: the subtlest hand edit. */
const editInPlace = (path: string): void => {
  writeFileSync(path, readFileSync(path, 'utf8').replace('"version": "v1"', '"version": "v9"'), { flag: 'r+' })
}

const STEPS: ReadonlyArray<WriteStep> = [
  'snapshot checked',
  'appended',
  'snapshot staged',
  'snapshot written',
  'snapshot recorded',
  'checkpoint written',
]

describe('a hand edit of releases.json made while a write is under way', () => {
  it.each(STEPS)('made at "%s": the write succeeds, the edit is kept, and the next write reports it', async (step) => {
    const store = await tempStore('stagecraft-edit-window-')
    stores.push(store)
    await createStateManager({ stateFile: store.stateFile }).createRelease('prod', 'v1')
    const warnings: string[] = []
    let edited = false
    const onStep = (at: WriteStep): void => {
      if (at !== step || edited) return
      editInPlace(store.stateFile)
      edited = true
    }
    const writer = createStateManager({
      stateFile: store.stateFile,
      store: fileStoreWith(store.stateFile, { checkpointTailBytes: 0, onStep }),
      onWarning: (w) => warnings.push(w),
    })

    const { release } = await writer.createRelease('prod', 'v2')

    expect(edited, `the write passed "${step}"`).toBe(true)
    expect(readFileSync(store.stateFile, 'utf8'), 'the edit').toContain('"version": "v9"')
    const landedBeforeRename = step === 'snapshot checked' || step === 'appended' || step === 'snapshot staged'
    if (landedBeforeRename) {
      expect(warnings.join('\n')).toMatch(
        /was changed by someone else while this write was in progress; the events are recorded, and the changed file is left as it is/,
      )
      expect(
        readFileSync(store.stateFile, 'utf8'),
        'the file as the person left it: without the new release',
      ).not.toContain(release.id)
    }
    const reader = createStateManager({ stateFile: store.stateFile, onWarning: () => undefined })
    expect((await reader.getRelease(release.id)).version, 'the release is recorded in the log').toBe('v2')
    // The next write, of another process or of the same manager (which must not take the edited file for the one it
    // wrote).
    for (const next of [reader, writer]) {
      const refused = await next.createRelease('prod', 'v3').then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(isStateError(refused, 'STATE_DRIFT'), String(refused)).toBe(true)
      expect(readFileSync(store.stateFile, 'utf8'), 'the edit, after the refused write').toContain('"version": "v9"')
    }
  })

  it('a releases.json created by someone while a write regenerates a missing one is left as it is', async () => {
    const store = await tempStore('stagecraft-edit-window-')
    stores.push(store)
    await createStateManager({ stateFile: store.stateFile }).createRelease('prod', 'v1')
    rmSync(store.stateFile)
    const theirs = '{\n  "releases": []\n}\n'
    const onStep = (at: WriteStep): void => {
      if (at === 'snapshot staged') writeFileSync(store.stateFile, theirs)
    }
    const warnings: string[] = []
    const writer = createStateManager({
      stateFile: store.stateFile,
      store: fileStoreWith(store.stateFile, { onStep }),
      onWarning: (w) => warnings.push(w),
    })
    await writer.createRelease('prod', 'v2')
    expect(readFileSync(store.stateFile, 'utf8')).toBe(theirs)
    expect(warnings.join('\n')).toMatch(/was changed by someone else while this write was in progress/)
  })

  it('made while a migration copies into the store: the copy is committed, the edit kept, and the next write reports it', async () => {
    const source = await tempStore('stagecraft-edit-window-')
    const target = await tempStore('stagecraft-edit-window-')
    stores.push(source, target)
    const writer = createStateManager({ stateFile: source.stateFile })
    await writer.createRelease('prod', 'v1')
    await migrateHistory(fileStoreSpec(source.stateFile), fileStoreSpec(target.stateFile), {
      onWarning: () => undefined,
    })
    await writer.createRelease('prod', 'v2')
    const onStep = (at: WriteStep): void => {
      if (at === 'staged log committed') editInPlace(target.stateFile)
    }
    const warnings: string[] = []
    const report = await migrateHistory(fileStoreSpec(source.stateFile), fileStoreWith(target.stateFile, { onStep }), {
      onWarning: (w) => warnings.push(w),
    })
    expect(report.copied).toBe(1)
    expect(readFileSync(target.stateFile, 'utf8'), 'the edit').toContain('"version": "v9"')
    expect(warnings.join('\n')).toMatch(/was changed by someone else while this write was in progress/)
    const next = await createStateManager({ stateFile: target.stateFile, onWarning: () => undefined })
      .createRelease('prod', 'v3')
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(isStateError(next, 'STATE_DRIFT'), String(next)).toBe(true)
  })

  it('made before the snapshot is checked: the write is refused with STATE_DRIFT and records nothing', async () => {
    const store = await tempStore('stagecraft-edit-window-')
    stores.push(store)
    const manager = createStateManager({ stateFile: store.stateFile })
    await manager.createRelease('prod', 'v1')
    const log = readFileSync(store.eventLog)
    editInPlace(store.stateFile)
    const refused = await manager.createRelease('prod', 'v2').then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(isStateError(refused, 'STATE_DRIFT'), String(refused)).toBe(true)
    expect(readFileSync(store.eventLog).equals(log)).toBe(true)
    expect(readFileSync(store.stateFile, 'utf8')).toContain('"version": "v9"')
  })
})
