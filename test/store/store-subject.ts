/**
 * A store under test, whatever keeps it: the suites of behaviour every store shares (concurrent
 * calls, interleaved commands) run on each store through this, and what only one store has to
 * show afterwards (a file store's releases.json and lock files) is checked by its `expectSound`.
 */
import type { Release, StateManager, StateManagerOptions } from '../../src/index.js'

/** One fresh, empty store. */
export interface StoreSubject {
  /** A manager on the store, as another process would open it (closed by `remove`). */
  readonly manager: (options?: StateManagerOptions) => StateManager
  /** Expects the invariants of the store once nothing writes to it, read by a new manager; returns its releases. */
  readonly expectSound: () => Promise<ReadonlyArray<Release>>
  /** Closes every manager made on it, and removes the store. */
  readonly remove: () => Promise<void>
}

/** Makes a fresh, empty store. */
export type StoreFactory = () => Promise<StoreSubject>

/** A subject whose managers are made by `make`, tracked so that `remove` closes them first. */
export const subjectOf = (
  make: (options: StateManagerOptions) => StateManager,
  expectSound: (fresh: StateManager) => Promise<ReadonlyArray<Release>>,
  removeStore: () => Promise<void>,
): StoreSubject => {
  const made: StateManager[] = []
  const manager = (options: StateManagerOptions = {}): StateManager => {
    const opened = make(options)
    made.push(opened)
    return opened
  }
  return {
    manager,
    expectSound: () => expectSound(manager()),
    remove: async () => {
      await Promise.all(made.splice(0).map((opened) => opened.close()))
      await removeStore()
    },
  }
}
