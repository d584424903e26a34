import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createFpStateManager,
  createStateManager,
  type Release,
  type ReleasePhase,
  type StateManager,
  StateError,
  type StateManagerOptions,
} from '../../src/index.js'
import { managerContract } from './manager-contract.js'
import { deploy, freshManager, memoryManager, rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'

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
    expect(readdirSync(join(cwd, '.stagecraft')).sort()).toEqual([
      '.gitignore',
      'releases.checkpoint',
      'releases.events.ndjson',
      'releases.events.ndjson.lock',
      'releases.json',
      'releases.json.sha256',
    ])
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
    expect(E.isRight(created) && created.right.release.id).toBe('rel-20250101-130000000')
  })

  it('appends nothing to the event log for a status set again', async () => {
    const { manager, eventLog } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    expect((await manager.updatePhase(release.id, 'build', 'running')).release.phases.build).toBe('running')
    const lines = readFileSync(eventLog, 'utf8')
    expect((await manager.updatePhase(release.id, 'build', 'running')).release.phases.build).toBe('running')
    expect(readFileSync(eventLog, 'utf8')).toBe(lines)
  })

  it('keeps releases.json current after every write, for any reader of the file', async () => {
    const { manager, stateFile } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running')
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      releases: Array<{ id: string; phases: Record<string, string> }>
    }
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

  it('given no store yet, when a write is refused for its input, then nothing is created: the input is parsed before the store is opened', async () => {
    const { manager, cwd } = freshManager()
    expect((await rejection(manager.createRelease('a\tb', 'v1'))).code).toBe('INVALID_INPUT')
    expect((await rejection(manager.updatePhase('rel-1', 'bild' as ReleasePhase, 'running'))).code).toBe(
      'INVALID_INPUT',
    )
    expect((await rejection(manager.recoverRelease('rel-1', ' '))).code).toBe('INVALID_INPUT')
    expect(readdirSync(cwd)).toEqual([])
  })

  it('leaves no temporary files behind, and a lock file that names no holder', async () => {
    const { manager, stateFile } = freshManager()
    for (let i = 0; i < 5; i++) await deploy(manager, 'prod', `v${i}`, ['build', 'push'])
    expect(readdirSync(join(stateFile, '..')).sort()).toEqual([
      '.gitignore',
      'releases.checkpoint',
      'releases.events.ndjson',
      'releases.events.ndjson.lock',
      'releases.json',
      'releases.json.sha256',
    ])
    expect(readFileSync(join(stateFile, '..', 'releases.events.ndjson.lock'), 'utf8')).toBe('')
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

describe('arguments of the wrong kind, as a JavaScript caller may pass them', () => {
  // Every rejection is a StateError with a code, never a TypeError from deep inside.
  const invalid = async (attempt: () => Promise<unknown>, message: string | RegExp) => {
    const error = await rejection(attempt())
    expect(error).toBeInstanceOf(StateError)
    expect(error.code).toBe('INVALID_INPUT')
    if (typeof message === 'string') expect(error.message).toContain(message)
    else expect(error.message).toMatch(message)
  }
  const loose = (manager: StateManager): Record<string, (...args: unknown[]) => Promise<unknown>> =>
    manager as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>

  it('given a release, when an operation gets a number, null, undefined or an object where a value belongs, then INVALID_INPUT naming it', async () => {
    const { manager } = memoryManager()
    const { release } = await manager.createRelease('prod', 'v1')
    const m = loose(manager)
    await invalid(() => m['createRelease']!(5, 'v2'), 'environment must be a string, got number')
    await invalid(() => m['createRelease']!('prod', null), 'version must be a string, got null')
    await invalid(() => m['createRelease']!('prod', 'v2', 1234), 'commit SHA must be a string, got number')
    await invalid(
      () => m['createRelease']!('prod', 'v2', undefined, null),
      'the options of createRelease must be an object, got null',
    )
    await invalid(
      () => m['createRelease']!('prod', 'v2', undefined, 'hotfix'),
      'the options of createRelease must be an object, got string',
    )
    await invalid(
      () => m['createRelease']!('prod', 'v2', undefined, { rollbackOf: 7 }),
      'release id must be a string, got number',
    )
    await invalid(() => m['updatePhase']!(release.id, 5, 'running'), 'phase must be a string, got number')
    await invalid(
      () => m['updatePhase']!(release.id, 'build', { status: 'running' }),
      'phase status must be a string, got object',
    )
    await invalid(
      () => m['updatePhase']!(release.id, 'build', 'running', null),
      'the options of updatePhase must be an object, got null',
    )
    await invalid(() => m['recoverRelease']!(release.id, 5), 'reason must be a string, got number')
    await invalid(() => m['getRelease']!(undefined), 'release id must be a string, got nothing')
    await invalid(() => m['getRelease']!({ id: release.id }), 'release id must be a string, got object')
    await invalid(() => m['getCurrentRelease']!(null), 'environment must be a string, got null')
    await invalid(() => m['listReleases']!(['prod']), 'environment must be a string, got an array')
    await invalid(() => m['abandonedReleases']!(5), 'environment must be a string, got number')
    await invalid(() => m['history']!(null), 'the filter of history must be an object, got null')
    await invalid(() => m['history']!('prod'), 'the filter of history must be an object, got string')
    await invalid(() => m['history']!({ since: 10n }), 'since must be a Date or an RFC 3339 string')
    await invalid(() => m['history']!({ environment: 5 }), 'environment must be a string, got number')
    await invalid(() => m['stateAt']!(undefined), 'time must be a Date or an RFC 3339 string')
    await invalid(
      () => m['stateAt']!(1735732800000),
      'time must be a Date or an RFC 3339 string (for example 2025-01-01T14:02:00Z), got number',
    )
    await invalid(
      () => m['rollbackTarget']!('prod', { to: 'sideways' }),
      `a rollback target is { to: 'previous' }, { to: 'last-good' }, { to: 'release', releaseId } or { to: 'version', version }; got to "sideways"`,
    )
    await invalid(() => m['rollbackTarget']!('prod', null), 'a rollback target is')
    await invalid(
      () => m['reconcile']!('merge'),
      `reconcile takes 'accept' (record the file's changes in the history) or 'restore' (rewrite the file from the history); got "merge"`,
    )
    await invalid(() => m['reconcile']!(undefined), 'got nothing')
  })

  it('given a clock that throws, or returns something that is not a Date, when a release is created, then INVALID_INPUT and nothing is written', async () => {
    for (const [now, message] of [
      [
        () => {
          throw new Error('no time')
        },
        'the clock (the now option) failed: no time',
      ],
      [() => Date.UTC(2025, 0, 1), 'the clock (the now option) returned 1735689600000, not a Date'],
      [() => '2025-01-01T00:00:00Z', 'the clock (the now option) returned "2025-01-01T00:00:00Z", not a Date'],
      [() => undefined, 'returned nothing, not a Date'],
      [() => new Date(Number.NaN), 'the clock returned Invalid Date'],
    ] as const) {
      const { make, cwd } = freshManager()
      const manager = make({ now: now as unknown as () => Date })
      await invalid(() => manager.createRelease('prod', 'v1'), message)
      await invalid(() => manager.abandonedReleases(), message)
      expect(readdirSync(cwd)).toEqual([])
    }
  })

  it('given options of the wrong kind, when a manager is made, then INVALID_INPUT naming the option', () => {
    const refused = (options: unknown, message: string) => {
      const made = createFpStateManager(options as StateManagerOptions)
      expect(E.isLeft(made) && made.left.code).toBe('INVALID_INPUT')
      expect(E.isLeft(made) && made.left.message).toContain(message)
      expect(() => createStateManager(options as StateManagerOptions)).toThrow(StateError)
    }
    refused(null, 'the options must be an object, got null')
    refused('releases.json', 'the options must be an object, got string')
    refused({ now: new Date() }, 'the now option must be a function, got object')
    refused({ onWarning: 'console' }, 'the onWarning option must be a function, got string')
    refused({ stateFile: 5 }, 'the stateFile option must be a string, got number')
    refused({ cwd: 5 }, 'the cwd option must be a string, got number')
    refused({ store: {} }, 'the store option must be a store')
    refused({ lockTimeoutMs: '5000' }, 'lockTimeoutMs must be a number of milliseconds, 0 or more; got string "5000"')
    refused({ abandonedAfterMs: null }, 'abandonedAfterMs must be a number of milliseconds, 0 or more; got null')
    refused({ actor: 42 }, 'actor must be a string, got number')
    refused(
      {
        store: {
          open: () => {
            throw new Error('no such database')
          },
        },
      },
      'the store could not be opened: no such database',
    )
  })

  it('given an onWarning that throws, when a write recovers a deleted releases.json, then the write completes and the warning is still told', async () => {
    const { make, stateFile } = freshManager()
    const manager = make({
      onWarning: () => {
        throw new Error('handler broke')
      },
    })
    const { release } = await manager.createRelease('prod', 'v1')
    rmSync(stateFile)
    const emitted: string[] = []
    const listener = (warning: Error) => emitted.push(warning.message)
    process.on('warning', listener)
    try {
      expect((await manager.updatePhase(release.id, 'build', 'running')).release.phases.build).toBe('running')
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', listener)
    }
    expect(existsSync(stateFile)).toBe(true)
    expect(emitted).toEqual([
      expect.stringMatching(/was missing; it is regenerated .*\(the onWarning option threw: handler broke\)/),
    ])
  })
})

describe('the state a manager hands out', () => {
  it('given fp.state(), when the caller tries to change its maps, lists or releases, then it cannot, and the manager decides as before', async () => {
    const { manager } = memoryManager()
    const { release: first } = await manager.createRelease('prod', 'v1')
    const got = await manager.fp.state()()
    if (E.isLeft(got)) throw got.left
    const state = got.right
    const asMap = (map: unknown) => map as Map<string, unknown>
    expect(() => asMap(state.releases).clear()).toThrow(TypeError)
    expect(() => Map.prototype.clear.call(state.releases)).toThrow(TypeError)
    expect(() => Map.prototype.set.call(state.current, 'prod', undefined)).toThrow(TypeError)
    expect(() => (state.releases.get(first.id) as Release[]).pop()).toThrow(TypeError)
    expect(() => Object.assign(state, { releases: new Map() })).toThrow(TypeError)
    expect(state.releases.size).toBe(1)
    expect((await manager.getRelease(first.id)).version).toBe('v1')
    expect((await manager.createRelease('prod', 'v2')).release.previousId).toBe(first.id)
    expect((await manager.verify()).sound).toBe(true)
  })

  it('given stateAt(), when the caller tries to clear it, then it cannot', async () => {
    const { manager } = memoryManager()
    await manager.createRelease('prod', 'v1')
    const then = await manager.stateAt(new Date())
    expect(() => (then.releases as unknown as Map<string, unknown>).clear()).toThrow(TypeError)
    expect([...then.releases.keys()]).toHaveLength(1)
  })
})
