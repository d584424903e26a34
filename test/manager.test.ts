import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import { createFpStateManager, createStateManager } from '../src/index.js'
import { managerContract } from './manager-contract.js'
import { deploy, freshManager, rejection } from './support/manager.js'
import { tempDir } from './support/temp.js'

describe('choosing the state file', () => {
  const saved = process.env['STAGECRAFT_STATE_FILE']
  afterEach(() => {
    if (saved === undefined) delete process.env['STAGECRAFT_STATE_FILE']
    else process.env['STAGECRAFT_STATE_FILE'] = saved
  })

  it('defaults to .stagecraft/releases.json under the working directory', async () => {
    delete process.env['STAGECRAFT_STATE_FILE']
    const cwd = tempDir()
    const manager = createStateManager({ cwd })
    expect(manager.stateFile).toBe(join(cwd, '.stagecraft', 'releases.json'))
    await manager.createRelease('prod', 'v1')
    expect(readdirSync(join(cwd, '.stagecraft')).sort()).toEqual(['.gitignore', 'releases.events.ndjson', 'releases.json'])
  })

  it('takes STAGECRAFT_STATE_FILE, read at each construction, over the default', () => {
    const cwd = tempDir()
    process.env['STAGECRAFT_STATE_FILE'] = 'one/state.json'
    expect(createStateManager({ cwd }).stateFile).toBe(join(cwd, 'one', 'state.json'))
    process.env['STAGECRAFT_STATE_FILE'] = '/abs/two.json'
    expect(createStateManager({ cwd }).stateFile).toBe('/abs/two.json')
  })

  it('takes the stateFile option over both', () => {
    process.env['STAGECRAFT_STATE_FILE'] = '/abs/env.json'
    expect(createStateManager({ cwd: '/work', stateFile: 'mine.json' }).stateFile).toBe('/work/mine.json')
  })

  it.each([
    [{ stateFile: '' }, /state file path is empty/],
    [{ lockTimeoutMs: -1 }, /lockTimeoutMs must be a number of milliseconds/],
    [{ actor: '  ' }, /actor is empty/],
  ])('refuses a bad option %j with INVALID_INPUT', (options, message) => {
    expect(() => createStateManager(options)).toThrow(message)
    expect(E.isLeft(createFpStateManager(options))).toBe(true)
  })
})

managerContract('the file store', (options) => freshManager(options))

describe('the StateManager API on the file store', () => {
  it('reads the clock when an fp-ts task runs, not when it is built', async () => {
    const { manager, clock } = freshManager()
    clock.set(Date.UTC(2025, 0, 1, 12))
    const task = manager.fp.createRelease('prod', 'v1')
    clock.set(Date.UTC(2025, 0, 1, 13))
    const created = await task()
    expect(E.isRight(created) && created.right.id).toBe('rel-20250101-130000000')
  })

  it('appends nothing to the event log for a status set again', async () => {
    const { manager, eventLog } = freshManager()
    const release = await manager.createRelease('prod', 'v1')
    expect((await manager.updatePhase(release.id, 'build', 'running')).phases.build).toBe('running')
    const lines = readFileSync(eventLog, 'utf8')
    expect((await manager.updatePhase(release.id, 'build', 'running')).phases.build).toBe('running')
    expect(readFileSync(eventLog, 'utf8')).toBe(lines)
  })

  it('keeps releases.json current after every write, for any reader of the file', async () => {
    const { manager, stateFile } = freshManager()
    const release = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: Array<{ id: string; phases: Record<string, string> }> }
    expect(file.releases.map((r) => [r.id, r.phases['build']])).toEqual([[release.id, 'running']])
  })

  it('creates nothing when a missing store is read', async () => {
    const { manager, cwd } = freshManager()
    expect(await manager.listAllReleases()).toEqual([])
    expect(await manager.history()).toEqual([])
    expect((await manager.verify()).sound).toBe(true)
    expect((await rejection(manager.getCurrentRelease('prod'))).code).toBe('RELEASE_NOT_FOUND')
    expect(readdirSync(cwd)).toEqual([])
  })

  it('leaves no temporary or lock files behind', async () => {
    const { manager, stateFile } = freshManager()
    for (let i = 0; i < 5; i++) await deploy(manager, 'prod', `v${i}`, ['build', 'push'])
    expect(readdirSync(join(stateFile, '..')).sort()).toEqual(['.gitignore', 'releases.events.ndjson', 'releases.json'])
  })

  it('reports an unwritable state directory as IO_ERROR naming it, and changes nothing', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'blocked'))
    const manager = createStateManager({ cwd, stateFile: 'blocked/file/releases.json' })
    await import('node:fs').then((fs) => fs.writeFileSync(join(cwd, 'blocked', 'file'), 'not a directory'))
    const error = await rejection(manager.createRelease('prod', 'v1'))
    expect(error.code).toBe('IO_ERROR')
    expect(error.message).toContain(join(cwd, 'blocked', 'file'))
    expect(existsSync(join(cwd, 'blocked', 'file', 'releases.json'))).toBe(false)
  })
})
