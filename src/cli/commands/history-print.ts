/**
 * Printing the audit trail as it is read: a pipe gets the first lines before the rest is read, and `history | head`
 * stops the read when the pipe closes (./main.ts exits on EPIPE). Only the newest N events (`--max`, or the newest 50
 * on a terminal) need the whole trail read first, and hold no more than N events.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { HistoryEvent, HistoryFilter, StateManager } from '../../index.js'
import { streamHistory } from '../../internals.js'
import { eventValue } from '../format/json.js'
import { plural } from '../format/plural.js'
import type { CellInput } from '../format/table.js'
import { timelinePart, timelineRows } from '../format/timeline.js'
import type { Output } from '../output.js'

/** How many events `history` shows on a terminal when neither `--max` nor `--since` says. */
export const TERMINAL_DEFAULT_MAX = 50

/** Reads the history through `visit`; a failure (a corrupt record met after some events) is thrown after them. */
const read = async (
  manager: StateManager,
  filter: HistoryFilter,
  visit: (event: HistoryEvent) => void,
): Promise<void> => {
  const done = await streamHistory(manager.fp, filter, (event) => {
    visit(event)
    return undefined
  })()
  if (E.isLeft(done)) throw done.left
}

/** The timeline printed in parts: the rows one read of the store hands on, once it yields, or at the end. */
const timelinePrinter = (out: Output, now: Date) => {
  const view = { relative: out.interactive, maxWidth: out.width }
  let rows: CellInput[][] = []
  let widths: number[] | undefined
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (rows.length === 0) return
    const part = timelinePart(rows, out.style, view, widths)
    rows = []
    widths = part.widths
    out.lines(part.lines)
  }
  return {
    add: (events: ReadonlyArray<HistoryEvent>): void => {
      rows.push(...timelineRows(events, out.style, now, view.relative))
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    end: flush,
  }
}

/** Streams every event that matches `filter`; how many there were. */
export const streamEvents = async (manager: StateManager, filter: HistoryFilter, out: Output, now: Date) => {
  let count = 0
  if (out.json) {
    const list = out.stream()
    await read(manager, filter, (event) => {
      count++
      list.item(eventValue(out, event))
    })
    // An empty trail for a release that does not exist is an error, not `[]`: the caller checks before it ends.
    return { count, end: list.end }
  }
  const printer = timelinePrinter(out, now)
  try {
    await read(manager, filter, (event) => {
      count++
      printer.add([event])
    })
  } finally {
    printer.end()
  }
  return { count, end: () => undefined }
}

/** The newest `max` events that match `filter`, oldest first, and how many earlier ones matched. */
const newest = async (manager: StateManager, filter: HistoryFilter, max: number) => {
  const ring: HistoryEvent[] = []
  let seen = 0
  await read(manager, filter, (event) => {
    ring[seen % max] = event
    seen++
  })
  const kept = seen <= max ? ring : [...ring.slice(seen % max), ...ring.slice(0, seen % max)]
  return { events: kept, earlier: Math.max(0, seen - max) }
}

/** Prints the newest `max` events; how many there were in all, and the end of the output (JSON's, held back). */
export const printNewest = async (
  manager: StateManager,
  filter: HistoryFilter,
  max: number,
  out: Output,
  now: Date,
): Promise<{ count: number; end: () => void }> => {
  const { events, earlier } = await newest(manager, filter, max)
  const count = events.length + earlier
  // Like a stream's end, JSON waits for the caller's check that an empty trail's release exists.
  if (out.json) return { count, end: () => out.value(events.map((event) => eventValue(out, event))) }
  if (events.length > 0) {
    const view = { relative: out.interactive, maxWidth: out.width }
    out.lines([
      ...(earlier === 0
        ? []
        : [out.style.dim(`${plural(earlier, 'earlier event')} not shown (--max N or --since T shows more)`)]),
      ...timelinePart(timelineRows(events, out.style, now, view.relative), out.style, view).lines,
    ])
  }
  return { count, end: () => undefined }
}
