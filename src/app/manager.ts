/**
 * The Promise API that deploy orchestrators embed: the fp-ts API ({@link FpStateManager}) with each
 * `TaskEither` run to a Promise that rejects with a {@link StateError} (a stable `code`).
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../domain/state-error.js'
import { type Promised, run } from './promised.js'
import type { FpStateManager } from './api.js'
import { createFpStateManager } from './fp-manager.js'
import type { StateManagerOptions } from './options.js'

/** Release history of every environment, kept in an event log with `releases.json` as its projection. */
export interface StateManager extends Promised<FpStateManager> {
  /** The same operations as fp-ts `TaskEither`s. */
  readonly fp: FpStateManager
}

/** Wraps a `TaskEither` manager as a Promise manager. */
export const promiseStateManager = (fp: FpStateManager): StateManager => {
  const promised: Record<string, unknown> = { fp }
  for (const [key, value] of Object.entries(fp)) {
    // `close` is a Promise already; the rest return tasks.
    promised[key] =
      typeof value === 'function' && key !== 'close'
        ? (...args: unknown[]) => run((value as (...a: unknown[]) => TE.TaskEither<StateError, unknown>)(...args))
        : value
  }
  return promised as unknown as StateManager
}

/**
 * A state manager. Throws a `StateError` (`INVALID_INPUT`) for a bad option; touches no file
 * until the first operation, and reads never create files.
 *
 * @example
 * ```ts
 * const state = createStateManager({ stateFile: '.stagecraft/releases.json' })
 * const { release } = await state.createRelease('prod', 'v1.2.3', 'abc123def456')
 * await state.updatePhase(release.id, 'build', 'running')
 * await state.updatePhase(release.id, 'build', 'completed')
 * await state.close()
 * ```
 */
export const createStateManager = (options: StateManagerOptions = {}): StateManager => {
  const fp = createFpStateManager(options)
  if (E.isLeft(fp)) throw fp.left
  return promiseStateManager(fp.right)
}
