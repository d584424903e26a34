/**
 * Request ids survive a checkpoint: a new process finds every id the history holds from the
 * checkpoint's request lines (sorted, binary-searched), and a checkpoint written before them (format
 * 1) is replayed over, so that no id is forgotten.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../src/store/checkpoint-format.js'
import { freshManager } from '../support/manager.js'
import { fileStoreWith } from './children/harness.js'

const checkpointOf = (stateFile: string): string => stateFile.replace(/\.json$/, '.checkpoint')

const decoded = (path: string) => {
  const checkpoint = decodeCheckpoint(readFileSync(path))
  if (checkpoint._tag === 'Left') throw new Error(checkpoint.left)
  return checkpoint.right
}

/** The request lines of a checkpoint, as text. */
const requestLinesOf = (path: string): string[] => {
  const { bytes, keys } = decoded(path)
  return bytes.toString('utf8', keys.start, keys.end).split('\n').slice(0, -1)
}

const lineCount = (path: string): number => readFileSync(path, 'utf8').split('\n').length - 1

describe('request ids in the checkpoint', () => {
  it('given a release created under a request id and a checkpoint taken after it, a new process retrying the create records nothing and answers the same release', async () => {
    const context = freshManager()
    const { release } = await context.manager.createRelease('prod', 'v1', 'abc123', { requestId: 'deploy-42' })
    const checkpoint = decoded(checkpointOf(context.stateFile))
    expect(checkpoint.header.requests).toBe(1)
    expect(requestLinesOf(checkpointOf(context.stateFile)).map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        key: 'deploy-42',
        command: 'CreateRelease',
        args: ['prod', 'v1', 'abc123', null, null],
        releaseId: release.id,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ])
    const events = lineCount(context.eventLog)
    const retry = await context.make().createRelease('prod', 'v1', 'abc123', { requestId: 'deploy-42' })
    expect(retry.release.id).toBe(release.id)
    expect(retry.events).toEqual([])
    expect(lineCount(context.eventLog)).toBe(events)
  })

  it('given ids used in no order across many checkpoints, each checkpoint holds them in id order, spliced as a replay holds them (verify), and a new process knows every one', async () => {
    const context = freshManager()
    const manager = context.make({ store: fileStoreWith(context.stateFile, { checkpointTailBytes: 0 }) })
    const keys = ['m', 'b', 'z', 'a', 'q"quoted"', 'k\\slash', 'é', 'c', '中', 'y']
    const ids: Record<string, string> = {}
    for (const key of keys)
      ids[key] = (await manager.createRelease('prod', `v-${key}`, undefined, { requestId: key })).release.id
    const path = checkpointOf(context.stateFile)
    const lines = requestLinesOf(path)
    const order = lines.map((line) => (JSON.parse(line) as { key: string }).key)
    expect(order).toEqual([...keys].sort())
    expect(decoded(path).header.requests).toBe(keys.length)
    expect((await manager.verify()).problems).toEqual([])
    const cold = context.make()
    for (const key of keys) {
      const retry = await cold.createRelease('prod', `v-${key}`, undefined, { requestId: key })
      expect([retry.release.id, retry.events.length]).toEqual([ids[key], 0])
    }
  })

  it('given a checkpoint of format 1 (written before request ids), it is replayed over with a warning, the ids are known from the log, and the next write writes format 3', async () => {
    const context = freshManager()
    const { release } = await context.manager.createRelease('prod', 'v1', undefined, { requestId: 'deploy-42' })
    const path = checkpointOf(context.stateFile)
    const text = readFileSync(path, 'utf8').replace('stagecraft-state checkpoint 3', 'stagecraft-state checkpoint 1')
    const body = text.slice(0, text.lastIndexOf('sha256 '))
    writeFileSync(path, `${body}sha256 ${createHash('sha256').update(body).digest('hex')}\n`)
    context.warnings.length = 0
    const cold = context.make()
    const retry = await cold.createRelease('prod', 'v1', undefined, { requestId: 'deploy-42' })
    expect([retry.release.id, retry.events]).toEqual([release.id, []])
    expect(context.warnings).toEqual([
      expect.stringMatching(/of format 1, and this version of stagecraft-state reads format 3/),
    ])
    await cold.updatePhase(release.id, 'build', 'running')
    expect(readFileSync(path, 'utf8')).toMatch(/^stagecraft-state checkpoint 3\n/)
  })
})
