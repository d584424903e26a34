/**
 * A progress line on stderr for long work (verify, migrate, import): the count and the rate, redrawn in place at most
 * ten times a second, and erased before anything else is written. Only on a terminal, and not with --quiet.
 */
import type { Progress } from '../internals.js'
import type { Sink } from './output.js'

const ERASE = '\r\u001b[K'
const REDRAW_MS = 100
// Work done within this long shows no line at all: a flash of text is noise. A cold open's replay is longer, usually.
const QUIET_MS: Readonly<Record<Progress['task'], number>> = { replay: 1000, verify: 200, migrate: 200, import: 200 }
// What each task counts.
const UNIT: Readonly<Record<Progress['task'], string>> = {
  replay: 'events',
  verify: 'events',
  migrate: 'events',
  import: 'releases read',
}

/** The line, and what the CLI's own writes go through so that they never land after it on the same row. */
export interface ProgressLine {
  readonly report: (progress: Progress) => void
  /** Erases the line, if drawn. */
  readonly clear: () => void
}

const NONE: ProgressLine = { report: () => undefined, clear: () => undefined }

const count = (n: number): string => Math.round(n).toLocaleString('en-US')

/** A progress line on `sink`; nothing when `enabled` is false; `quietMs` replaces each task's delay before it shows. */
export const progressLine = (
  sink: Sink,
  enabled: boolean,
  clock: () => number = Date.now,
  quietMs?: number,
): ProgressLine => {
  if (!enabled) return NONE
  let started: { readonly task: Progress['task']; readonly at: number } | undefined
  let drawnAt = -Infinity
  let drawn = false
  return {
    report: ({ task, done }) => {
      const now = clock()
      if (started?.task !== task) started = { task, at: now }
      if (now - started.at < (quietMs ?? QUIET_MS[task]) || now - drawnAt < REDRAW_MS) return
      drawnAt = now
      const seconds = (now - started.at) / 1000
      const rate = seconds >= 0.2 ? `, ${count(done / seconds)}/s` : ''
      sink.write(`${ERASE}${task}: ${count(done)} ${UNIT[task]}${rate}`)
      drawn = true
    },
    clear: () => {
      if (drawn) sink.write(ERASE)
      drawn = false
    },
  }
}
