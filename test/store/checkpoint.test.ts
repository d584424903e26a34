/**
 * The checkpoint: a cache of the folded state beside the log. Opening reads it and folds only the
 * lines after it; whatever happens to it (deleted, torn, edited, copied from another store, from a
 * newer format, left behind a log that lost its end), no release is lost, changed or invented.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PHASES, type Release, type StateManager } from '../../src/index.js'
import * as E from 'fp-ts/lib/Either.js'
import { checkLogEnd, openCheckpoint } from '../../src/store/checkpoint-file.js'
import { decodeCheckpoint } from '../../src/store/checkpoint-format.js'
import { storePaths } from '../../src/store/paths.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import { fileStoreWith } from './children/harness.js'

const checkpointOf = (stateFile: string): string => stateFile.replace(/\.json$/, '.checkpoint')

/** A store with a few deploys, a rollback with a note, and a release left running; and how a full replay answers. */
const storeWithHistory = async () => {
  const context = freshManager()
  const { manager } = context
  const v1 = await deploy(manager, 'prod', 'v1', PHASES)
  await deploy(manager, 'staging', 'v1', ['build'])
  await deploy(manager, 'prod', 'v2', PHASES)
  await manager.createRelease('prod', 'v1', undefined, { rollbackOf: v1.id, note: 'v2 broke checkout' })
  const running = await deploy(manager, 'prod', 'v3', ['build'])
  await manager.updatePhase(running.id, 'push', 'running')
  return { ...context, checkpoint: checkpointOf(context.stateFile) }
}

/** Everything a manager answers, facts included: what two managers must agree on. */
const answers = async (manager: StateManager) => {
  const all = await manager.listAllReleases()
  const facts = (release: Release) => ({ ...release, facts: (release as { facts?: unknown }).facts })
  const environments = [...new Set(all.map((release) => release.environment))].sort()
  return {
    releases: all.map(facts),
    current: await Promise.all(
      environments.map(async (environment) => facts(await manager.getCurrentRelease(environment))),
    ),
    abandoned: (await manager.abandonedReleases()).map((release) => release.id),
  }
}

/**
 * The checkpoint changed by `change` (which must change it), its SHA-256 recomputed: as another version would write it.
 */
const rewritten = (checkpoint: string, change: (text: string) => string): void => {
  const text = readFileSync(checkpoint, 'utf8')
  const changed = change(text)
  if (changed === text) throw new Error('the change changed nothing')
  const body = changed.slice(0, changed.lastIndexOf('sha256 '))
  writeFileSync(checkpoint, `${body}sha256 ${createHash('sha256').update(body).digest('hex')}\n`)
}

/** How a manager that cannot use any checkpoint answers: the whole log replayed. */
const replayed = async (context: ReturnType<typeof freshManager>, checkpoint: string) => {
  const kept = readFileSync(checkpoint)
  rmSync(checkpoint)
  const reference = await answers(context.make({ onWarning: () => undefined }))
  writeFileSync(checkpoint, kept)
  return reference
}

describe('opening a store from its checkpoint', () => {
  it('given a store written by the module, a new manager answers from the checkpoint and the lines after it, exactly as a full replay, and says nothing', async () => {
    const context = await storeWithHistory()
    const reference = await replayed(context, context.checkpoint)
    context.warnings.length = 0
    expect(await answers(context.make())).toEqual(reference)
    expect(context.warnings).toEqual([])
    expect(reference.releases.some((release) => JSON.stringify(release.facts).includes('v2 broke checkout'))).toBe(true)
  })

  it('given an imported file with nested top-level fields, the state a new manager opens from the checkpoint cannot be changed, as a replayed one cannot', async () => {
    const context = freshManager()
    mkdirSync(dirname(context.stateFile), { recursive: true })
    writeFileSync(
      context.stateFile,
      `${JSON.stringify({ releases: [], owner: { team: 'payments', oncall: ['ana'] } }, null, 2)}\n`,
    )
    await context.manager.createRelease('prod', 'v1')
    expect(existsSync(checkpointOf(context.stateFile))).toBe(true)
    const opened = await context.make().fp.state()()
    if (E.isLeft(opened)) throw opened.left
    const owner = opened.right.otherFields['owner'] as { team: string; oncall: string[] }
    expect(owner).toEqual({ team: 'payments', oncall: ['ana'] })
    expect(Object.isFrozen(owner) && Object.isFrozen(owner.oncall)).toBe(true)
  })

  it('is written by the first write, folds what later writes appended, and is never written by a read', async () => {
    const { manager, make, stateFile } = freshManager()
    const checkpoint = checkpointOf(stateFile)
    expect(existsSync(checkpoint)).toBe(false)
    const { release } = await manager.createRelease('prod', 'v1')
    const first = readFileSync(checkpoint)
    await manager.updatePhase(release.id, 'build', 'running')
    // A small tail is folded on open rather than written again at every write.
    expect(readFileSync(checkpoint)).toEqual(first)
    rmSync(checkpoint)
    await make().listAllReleases()
    expect(existsSync(checkpoint)).toBe(false)
    await manager.updatePhase(release.id, 'build', 'completed')
    expect(existsSync(checkpoint)).toBe(true)
  })

  it('is written again once the log has grown past it, and what it holds is then what a replay holds at its position (verify)', async () => {
    const context = freshManager()
    const spec = fileStoreWith(context.stateFile, { checkpointTailBytes: 0 })
    const manager = context.make({ store: spec })
    const positions: number[] = []
    for (let i = 0; i < 4; i++) {
      await deploy(manager, i % 2 === 0 ? 'prod' : 'staging', `v${i}`, PHASES.slice(0, 2))
      const decoded = decodeCheckpoint(readFileSync(checkpointOf(context.stateFile)))
      if (decoded._tag === 'Left') throw new Error(decoded.left)
      positions.push(decoded.right.header.position)
    }
    expect(positions).toEqual([5, 10, 15, 20])
    expect((await manager.verify()).problems).toEqual([])
    expect(await answers(context.make())).toEqual(await replayed(context, checkpointOf(context.stateFile)))
  })
})

describe('a checkpoint that cannot be trusted is replayed over, with one warning saying why', () => {
  const cases: ReadonlyArray<readonly [string, (checkpoint: string) => void, RegExp]> = [
    ['deleted', (checkpoint) => rmSync(checkpoint), /does not exist/],
    [
      'truncated (a torn write)',
      (checkpoint) => truncateSync(checkpoint, Math.floor(statSync(checkpoint).size / 2)),
      /incomplete|does not match its SHA-256/,
    ],
    ['emptied by a machine crash', (checkpoint) => truncateSync(checkpoint, 0), /not a checkpoint/],
    [
      'edited by hand (a version changed, its SHA-256 not)',
      (checkpoint) =>
        writeFileSync(checkpoint, readFileSync(checkpoint, 'utf8').replace('"version":"v1"', '"version":"v9"')),
      /does not match its SHA-256/,
    ],
    [
      'of a newer format',
      (checkpoint) =>
        writeFileSync(
          checkpoint,
          readFileSync(checkpoint, 'utf8').replace('stagecraft-state checkpoint 3', 'stagecraft-state checkpoint 4'),
        ),
      /of format 4/,
    ],
    // What a newer version writes: it may fold events this version would skip (and refuse to write over).
    [
      'written by a version that knows an event type this one does not',
      (checkpoint) => rewritten(checkpoint, (text) => text.replace('"types":[', '"types":["ReleaseSealed",')),
      /written by a newer stagecraft-state, which knows event types this one does not \("ReleaseSealed"\)/,
    ],
    [
      'written by a version of a newer envelope',
      (checkpoint) => rewritten(checkpoint, (text) => text.replace('"events":{"v":1,', '"events":{"v":2,')),
      /written by a newer stagecraft-state, which reads envelope version 2/,
    ],
  ]
  for (const [what, damage, why] of cases) {
    it(`given a checkpoint ${what}: the answers are a full replay's, the warning names it, and the next write writes a good one`, async () => {
      const context = await storeWithHistory()
      const reference = await replayed(context, context.checkpoint)
      damage(context.checkpoint)
      context.warnings.length = 0
      const reader = context.make()
      expect(await answers(reader)).toEqual(reference)
      expect(context.warnings).toEqual([expect.stringMatching(why)])
      expect(context.warnings[0]).toContain(context.checkpoint)
      await reader.createRelease('dev', 'v1')
      context.warnings.length = 0
      await context.make().listAllReleases()
      expect(context.warnings).toEqual([])
      expect((await reader.verify()).sound).toBe(true)
    })
  }

  it('given a checkpoint copied from another store (with a log of the same length), it is not used', async () => {
    const ours = await storeWithHistory()
    const other = await storeWithHistory()
    const reference = await replayed(ours, ours.checkpoint)
    writeFileSync(ours.checkpoint, readFileSync(other.checkpoint))
    ours.warnings.length = 0
    expect(await answers(ours.make())).toEqual(reference)
    expect(ours.warnings).toEqual([expect.stringMatching(/taken from another log/)])
  })

  it('given a checkpoint rewritten with its SHA-256 recomputed (not by this module), verify names it as an error', async () => {
    const context = await storeWithHistory()
    const text = readFileSync(context.checkpoint, 'utf8').replace('"version":"v1"', '"version":"v1-forged"')
    const body = text.slice(0, text.lastIndexOf('sha256 '))
    writeFileSync(context.checkpoint, `${body}sha256 ${createHash('sha256').update(body).digest('hex')}\n`)
    const report = await context.make().verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        location: context.checkpoint,
        message: expect.stringMatching(
          /differs from a replay of the log up to event \d+ at release rel-\S+: .*delete it/,
        ),
      }),
    ])
  })
})

describe('a log that lost its end is never read as a shorter history', () => {
  it('given a log cut back by whole lines (an older copy restored), reads and writes are CORRUPT_STATE naming both files, and say how to proceed', async () => {
    const { make, eventLog, stateFile, checkpoint } = await storeWithHistory()
    const lines = readFileSync(eventLog, 'utf8').split('\n').slice(0, -1)
    const decoded = decodeCheckpoint(readFileSync(checkpoint))
    if (decoded._tag === 'Left') throw new Error(decoded.left)
    writeFileSync(eventLog, `${lines.slice(0, decoded.right.header.position - 2).join('\n')}\n`)
    const log = readFileSync(eventLog)
    const manager = make()
    for (const attempt of [() => manager.listAllReleases(), () => manager.createRelease('prod', 'v9')]) {
      const error = await rejection(attempt())
      expect(error.code).toBe('CORRUPT_STATE')
      expect(error.message).toContain(eventLog)
      expect(error.message).toContain(checkpoint)
      expect(error.message).toMatch(/lost its end.*delete .*checkpoint/)
    }
    // verify says what readers and writers say, at the file that shows it (the record of the last snapshot), and does
    // not judge releases.json against a log that lost its end.
    const report = await manager.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        location: `${stateFile}.sha256`,
        message: expect.stringMatching(/lost its end.*delete .*checkpoint/),
      }),
    ])
    expect(readFileSync(eventLog)).toEqual(log)
    // A restore made on purpose: once the cache is deleted (and the record of the last snapshot), the store opens as
    // the log is.
    rmSync(checkpoint)
    rmSync(`${stateFile}.sha256`)
    expect((await make({ onWarning: () => undefined }).listAllReleases()).length).toBeGreaterThan(0)
  })

  it('given a log measured before a writer appended and wrote its checkpoint and record (a reader takes no lock), it is not judged cut back', async () => {
    const { manager, stateFile, eventLog } = await storeWithHistory()
    const paths = storePaths(stateFile)
    const measured = statSync(eventLog)
    await manager.createRelease('staging', 'v2')
    // Over the release left running on purpose: this writer supersedes it.
    await manager.createRelease('prod', 'v4', undefined, { supersede: true })
    expect(statSync(eventLog).size).toBeGreaterThan(measured.size)
    expect(await checkLogEnd(paths, measured.size)()).toEqual(E.right(undefined))
    expect(await checkLogEnd(paths, 0)()).toEqual(E.right(undefined))
    const opened = await openCheckpoint(paths, measured.size, measured.ino)()
    expect(E.isRight(opened) && opened.right.kind).toBe('usable')
    // Measured again, a log still shorter than they say is what it was: cut back.
    truncateSync(eventLog, measured.size)
    expect(await checkLogEnd(paths, measured.size)()).toMatchObject(
      E.left({ code: 'CORRUPT_STATE', message: expect.stringContaining(`is ${measured.size} bytes long`) }),
    )
  })

  it('given the log deleted and releases.json kept, no write starts a new history from it: CORRUPT_STATE', async () => {
    const { make, eventLog, stateFile, checkpoint } = await storeWithHistory()
    const snapshot = readFileSync(stateFile)
    rmSync(eventLog)
    const manager = make()
    const error = await rejection(manager.createRelease('prod', 'v9'))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toContain(eventLog)
    expect(error.message).toContain(checkpoint)
    expect(existsSync(eventLog)).toBe(false)
    expect(readFileSync(stateFile)).toEqual(snapshot)
  })
})
