/**
 * Child processes for the PostgreSQL process-level tests: real Node processes running the built
 * package (`dist/`), talking in JSON lines.
 */
import { fileURLToPath } from 'node:url'
import { JsonLinesChild } from '../../support/json-lines-child.js'

/** A line a child wrote. */
export type { JsonLine as ChildLine } from '../../support/json-lines-child.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))

/** A child process running one of the scripts beside this file. */
export class Child extends JsonLinesChild {
  constructor(script: string, config: unknown) {
    super(`${HERE}${script}`, config)
  }
}
