/**
 * What someone with write access to the log can do that the hash chain alone does not show: edit a line and recompute
 * every `prev` after it (deleting the checkpoint, which remembers a hash), so that the chain is whole again.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { GENESIS_HASH, hashLine } from '../../src/store/log-line.js'

/** The lines of a log file, without the last newline. */
export const logLines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1)

/** Rewrites the log at `eventLog` with `edit` applied to each line (1-based), every `prev` recomputed after. */
export const rewriteLog = (
  eventLog: string,
  edit: (line: Record<string, unknown>, number: number) => Record<string, unknown> | undefined,
): void => {
  let prev = GENESIS_HASH
  const out: string[] = []
  logLines(eventLog).forEach((text, i) => {
    const parsed = JSON.parse(text) as Record<string, unknown>
    const edited = edit(parsed, i + 1)
    if (edited === undefined) return
    const line = JSON.stringify({ ...edited, prev })
    prev = hashLine(line)
    out.push(line)
  })
  writeFileSync(eventLog, `${out.join('\n')}\n`)
  rmSync(eventLog.replace(/\.events\.ndjson$/, '.checkpoint'), { force: true })
}
