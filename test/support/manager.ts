/**
 * Managers on temporary stores, with a controllable clock and captured warnings.
 */
import { join } from 'node:path'
import { createStateManager, type StateManager } from '../../src/app/manager.js'
import type { StateManagerOptions } from '../../src/app/options.js'
import { memoryStore } from '../../src/store/memory-store.js'
import type { ReleasePhase } from '../../src/domain/phase.js'
import { tempDir } from './temp.js'

/** A clock that advances by `stepMs` on every reading, from `start`. */
export const steppingClock = (start = Date.UTC(2025, 0, 1, 12), stepMs = 1000) => {
  let now = start - stepMs
  const clock = () => new Date((now += stepMs))
  return Object.assign(clock, { set: (ms: number) => void (now = ms - stepMs) })
}

/** A manager on a fresh store in a temporary directory. */
export const freshManager = (options: StateManagerOptions = {}) => {
  const cwd = options.cwd ?? tempDir()
  const warnings: string[] = []
  const clock = steppingClock()
  const make = (more: StateManagerOptions = {}): StateManager =>
    createStateManager({
      cwd,
      now: clock,
      actor: 'tester',
      onWarning: (w) => warnings.push(w),
      lockTimeoutMs: 5_000,
      ...options,
      ...more,
    })
  const manager = make()
  const stateFile = manager.stateFile ?? join(cwd, '.stagecraft', 'releases.json')
  const eventLog = stateFile.replace(/\.json$/, '.events.ndjson')
  return { manager, make, cwd, stateFile, eventLog, warnings, clock }
}

/** A manager on a fresh in-memory store (`make` opens more on it): nothing is read from or written to disk. */
export const memoryManager = (options: StateManagerOptions = {}) =>
  freshManager({ cwd: '/nonexistent', store: memoryStore(), ...options })

/** Creates a release and walks the given phases to `completed`. */
export const deploy = async (
  manager: StateManager,
  environment: string,
  version: string,
  phases: ReadonlyArray<ReleasePhase> = [],
) => {
  const { release } = await manager.createRelease(environment, version, 'abc123')
  for (const phase of phases) {
    await manager.updatePhase(release.id, phase, 'running')
    await manager.updatePhase(release.id, phase, 'completed')
  }
  return manager.getRelease(release.id)
}

/** The error a promise rejects with. */
export const rejection = async (
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; name: string }> => {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string; name: string }
  }
  throw new Error('expected a rejection')
}
