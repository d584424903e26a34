/**
 * Events of a newer stagecraft-state in the file store: the shared suite, and what only the file
 * store has, a checkpoint a newer version wrote past such an event.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hashLine } from '../../src/store/log-line.js'
import { decodeCheckpoint } from '../../src/store/checkpoint-format.js'
import { type CompatSubject, forwardCompatContract, newerLine } from './forward-compat-contract.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import { appendToLog } from '../support/raw-lines.js'
import { MODULE_VERSION } from '../../src/app/version.js'

const fileSubject = async (): Promise<CompatSubject & { readonly context: ReturnType<typeof freshManager> }> => {
  const context = freshManager()
  const directory = dirname(context.stateFile)
  return {
    context,
    manager: () => {
      const warnings: string[] = []
      return { manager: context.make({ onWarning: (w) => warnings.push(w) }), warnings }
    },
    appendLines: async (lines) => appendToLog(context.eventLog, lines),
    locationOf: (position) => `${context.eventLog}:${position}`,
    contents: async () =>
      readdirSync(directory)
        .sort()
        .map((name) => `${name}\n${readFileSync(join(directory, name), 'utf8')}`)
        .join('\n'),
  }
}

forwardCompatContract('the file store', fileSubject)

describe('a checkpoint a newer stagecraft-state wrote past an event this version cannot interpret', () => {
  it('is not used: the whole log is replayed, the event is found and named, and writes are refused', async () => {
    const subject = await fileSubject()
    const { manager } = subject.manager()
    const release = await deploy(manager, 'prod', 'v1')
    appendToLog(subject.context.eventLog, [newerLine({ writer: '0.6.0', data: { releaseId: release.id } })])
    // The newer version's checkpoint, at the end of the log: this version's own, as the newer one
    // writes it (the same format), but saying it knows the newer type, and anchored after it.
    const checkpoint = subject.context.stateFile.replace(/\.json$/, '.checkpoint')
    const lines = readFileSync(subject.context.eventLog, 'utf8').split('\n').slice(0, -1)
    const decoded = decodeCheckpoint(readFileSync(checkpoint))
    if (decoded._tag === 'Left') throw new Error(decoded.left)
    const { header } = decoded.right
    const newerHeader = {
      ...header,
      position: lines.length,
      offset: readFileSync(subject.context.eventLog).length,
      hash: hashLine(lines.at(-1) as string),
      events: { v: 1, types: [...(header.events?.types ?? []), 'ReleaseSealed'] },
    }
    const text = readFileSync(checkpoint, 'utf8')
    const headerStart = text.lastIndexOf('\n', text.lastIndexOf('\nsha256 ') - 1) + 1
    const body = `${text.slice(0, headerStart)}${JSON.stringify(newerHeader)}\n`
    writeFileSync(checkpoint, `${body}sha256 ${createHash('sha256').update(body).digest('hex')}\n`)

    const reader = subject.manager()
    expect((await reader.manager.getCurrentRelease('prod')).id).toBe(release.id)
    expect(reader.warnings).toEqual([
      expect.stringMatching(
        /checkpoint is not used: it was written by a newer stagecraft-state, which knows event types this one does not \("ReleaseSealed"\); the whole event log is read instead/,
      ),
      expect.stringContaining(
        `${subject.context.eventLog}:2: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0, cannot be interpreted`,
      ),
    ])
    const before = await subject.contents()
    expect((await rejection(reader.manager.updatePhase(release.id, 'build', 'running'))).code).toBe('NEWER_VERSION')
    expect(await subject.contents()).toBe(before)
  })

  it('given a checkpoint this version wrote, it records the envelope version and the event types it can interpret', async () => {
    const subject = await fileSubject()
    await deploy(subject.manager().manager, 'prod', 'v1')
    const decoded = decodeCheckpoint(readFileSync(subject.context.stateFile.replace(/\.json$/, '.checkpoint')))
    if (decoded._tag === 'Left') throw new Error(decoded.left)
    expect(decoded.right.header.events).toEqual({
      v: 1,
      types: ['ReleaseCreated', 'PhaseUpdated', 'SnapshotImported', 'SnapshotReconciled', 'HeadSealed'],
    })
  })
})

describe('what a newer minor release may add to the events this version knows', () => {
  it('given optional fields it does not know (a request id in the payload, a writer in meta), the events are read and folded as any other, without a warning, and writes go on', async () => {
    const subject = await fileSubject()
    const release = await deploy(subject.manager().manager, 'prod', 'v1')
    appendToLog(subject.context.eventLog, [
      (prev) =>
        JSON.stringify({
          v: 1,
          id: '01JGGVSCEGD5YNBRN5P90A226Y',
          type: 'PhaseUpdated',
          recordedAt: '2025-01-01T13:00:00.000Z',
          meta: { actor: 'newer-ci', host: 'runner', pid: 7, command: '01JGGVSCEGD5YNBRN5P90A226X', writer: '0.6.0' },
          data: { releaseId: release.id, phase: 'build', from: 'pending', to: 'running', requestId: 'req-1' },
          prev,
        }),
    ])
    const reader = subject.manager()
    expect((await reader.manager.getRelease(release.id)).phases.build).toBe('running')
    expect((await reader.manager.updatePhase(release.id, 'build', 'completed')).release.phases.build).toBe('completed')
    expect((await reader.manager.verify()).problems).toEqual([])
    // Only that releases.json was behind (the test appended no snapshot, as a newer version would have).
    expect(reader.warnings).toEqual([expect.stringMatching(/releases\.json was behind the event log/)])
  })
})

describe('the version that wrote an event', () => {
  it('is recorded in every event this version writes (meta.writer), single or one of a command of several', async () => {
    const subject = await fileSubject()
    const { manager } = subject.manager()
    const release = await deploy(manager, 'prod', 'v1', ['build'])
    await manager.recoverRelease((await manager.createRelease('prod', 'v2')).release.id, 'killed')
    const lines = readFileSync(subject.context.eventLog, 'utf8').split('\n').slice(0, -1)
    expect(lines.length).toBeGreaterThan(5)
    for (const line of lines)
      expect((JSON.parse(line) as { meta: { writer?: string } }).meta.writer).toBe(MODULE_VERSION)
    expect((await manager.history({ releaseId: release.id }))[0]?.meta.writer).toBe(MODULE_VERSION)
  })
})

describe('the writes only the file store has, on a store a newer stagecraft-state touched', () => {
  it('refuses import, reconcile --accept and reconcile --restore with NEWER_VERSION, and changes no file', async () => {
    const subject = await fileSubject()
    const release = await deploy(subject.manager().manager, 'prod', 'v1')
    appendToLog(subject.context.eventLog, [newerLine({ writer: '0.6.0', data: { releaseId: release.id } })])
    const before = await subject.contents()
    const { manager } = subject.manager()
    for (const write of [
      () => manager.importSnapshot(),
      () => manager.reconcile('accept'),
      () => manager.reconcile('restore'),
    ]) {
      const error = await rejection(write())
      expect(error.code).toBe('NEWER_VERSION')
      expect(error.message).toContain(`${subject.context.eventLog}:2: event type "ReleaseSealed"`)
    }
    expect(await subject.contents()).toBe(before)
  })
})
