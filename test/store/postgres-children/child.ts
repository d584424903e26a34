/**
 * Child processes for the PostgreSQL process-level tests: real Node processes running the built
 * package (`dist/`), talking in JSON lines.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeAll, expect } from 'vitest'
import type { StateManager } from '../../../src/index.js'
import { JsonLinesChild } from '../../support/json-lines-child.js'
import { adminQuery } from './database.js'

/** A line a child wrote. */
export type { JsonLine as ChildLine } from '../../support/json-lines-child.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))

/** A child process running one of the scripts beside this file. */
export class Child extends JsonLinesChild {
  constructor(script: string, config: unknown) {
    super(`${HERE}${script}`, config)
  }
}

/**
 * For a test file whose tests run children: before its tests, checks that the built package and
 * the server are there; after each test, kills the children it started and closes the managers
 * it opened. `spawn` starts a child (by default one of the scripts beside this file).
 */
export const childrenOfEachTest = <C extends { kill(): Promise<unknown> } = Child>(
  spawn: (script: string, config: Record<string, unknown>) => C = (script, config) =>
    new Child(script, config) as unknown as C,
) => {
  const children: C[] = []
  const managers: StateManager[] = []
  beforeAll(async () => {
    expect(readdirSync(new URL('../../../dist/', import.meta.url)), 'dist/ is missing: run npm run build').toContain(
      'index.js',
    )
    await adminQuery('SELECT 1')
  })
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill()))
    await Promise.all(managers.splice(0).map((manager) => manager.close()))
  })
  return {
    /** Starts a child running `script` with `config`, killed after the test. */
    child: (script: string, config: Record<string, unknown>): C => {
      const started = spawn(script, config)
      children.push(started)
      return started
    },
    /** Closes `manager` after the test. */
    track: (manager: StateManager): StateManager => (managers.push(manager), manager),
  }
}
