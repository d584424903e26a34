/**
 * Appending lines to a store's history as another version of this module would: raw, each made
 * from the hash of the line before it so that the chain holds, past everything this one checks.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { GENESIS_HASH, hashLine } from '../../src/store/log-line.js'

/** A line made from the `prev` it must name. */
export type RawLine = (prev: string) => string

/** Appends `lines` to the event log at `eventLog`, chained. */
export const appendToLog = (eventLog: string, lines: ReadonlyArray<RawLine>): void => {
  const existing = existsSync(eventLog) ? readFileSync(eventLog, 'utf8').split('\n').slice(0, -1) : []
  let prev = existing.length === 0 ? GENESIS_HASH : hashLine(existing.at(-1) as string)
  for (const make of lines) {
    const line = make(prev)
    appendFileSync(eventLog, `${line}\n`)
    prev = hashLine(line)
  }
}
