/**
 * The event log file: one JSON event per line, append-only, each line chained to the one before
 * by its SHA-256.
 *
 * Reading streams the file in chunks from a byte offset, so a refresh reads only what was
 * appended, and a cold open never holds the whole history in memory. A last line without its
 * newline is incomplete: readers leave it alone (an append may be in progress); a writer, who
 * holds the lock and so knows no append is, sets it aside.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs, statSync } from 'node:fs'
import { dirname } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { ioError, StateError } from '../errors.js'
import { attempt } from './attempt.js'
import type { Cursor, ReadEnd, StoredEvent, Visitor } from './event-store.js'
import { readFastLine } from './fast-lines.js'
import { sideFileStamp } from './paths.js'
import { decodeLineInGeneral, encodeLogLine, GENESIS_HASH, hashLine } from './log-line.js'

/** A position in the log file. */
export interface LogCursor extends Cursor {
  /** The byte offset where the next line starts. */
  readonly offset: number
  /** The inode of the file read so far: a different one means the log was replaced. */
  readonly ino: number | undefined
}

/** The start of an empty log. */
export const LOG_ORIGIN: LogCursor = Object.freeze({ position: 0, hash: GENESIS_HASH, offset: 0, ino: undefined })

/** The end of a read of the log file. */
export interface LogReadEnd extends ReadEnd {
  readonly cursor: LogCursor
  readonly incompleteTail?: { readonly location: string; readonly bytes: number; readonly offset: number }
}

const CHUNK_BYTES = 4 * 1024 * 1024

const corrupt = (message: string): StateError => new StateError('CORRUPT_STATE', message)

const chainProblem = (line: number): string =>
  line === 1
    ? `the hash chain is broken: the first line does not start the chain (lines before it were deleted)`
    : `the hash chain is broken: this line does not follow line ${line - 1} as written (line ${line - 1} was edited, or lines were deleted or reordered)`

// A stored event whose location ("file:line") is only made when asked for: the error path.
class LoggedEvent implements StoredEvent {
  constructor(
    readonly envelope: EventEnvelope,
    readonly position: number,
    private readonly path: string,
  ) {}

  get location(): string {
    return `${this.path}:${this.position}`
  }
}

/** Reads the log after `from`, handing each event to `visitor`. */
const readAfter = async (path: string, from: LogCursor, visitor: Visitor): Promise<E.Either<StateError, LogReadEnd>> => {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat === undefined) {
    return from.position === 0 ? E.right({ cursor: from }) : E.left(corrupt(`${path}: the event log is gone, though ${from.position} events were read from it`))
  }
  if (from.ino !== undefined && stat.ino !== from.ino) return E.left(corrupt(`${path}: the event log was replaced since it was read; open the store again`))
  if (stat.size === from.offset) return E.right({ cursor: from.ino === stat.ino ? from : { ...from, ino: stat.ino } })
  if (stat.size < from.offset) {
    return E.left(corrupt(`${path}: the event log is ${stat.size} bytes long, shorter than the ${from.offset} bytes already read from it; it was truncated or rewritten`))
  }

  const handle = await fs.open(path, 'r')
  try {
    let { position, hash, offset } = from
    let readAt = from.offset
    // The unfinished line at the end of one read stays at the start of the buffer and the next
    // read lands after it, so no chunk is copied; the buffer only grows for a line longer than it.
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES)
    let carried = 0
    // Only up to the size seen at the start: a writer may set an incomplete tail aside and
    // append after it while this read goes on, and bytes past that size could then be joined to
    // a fragment read before.
    while (readAt < stat.size) {
      if (carried === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)])
      const { bytesRead } = await handle.read(buffer, carried, Math.min(buffer.length - carried, stat.size - readAt), readAt)
      if (bytesRead === 0) break
      readAt += bytesRead
      const filled = carried + bytesRead
      let start = 0
      for (let end = buffer.indexOf(10, start); end !== -1 && end < filled; end = buffer.indexOf(10, start)) {
        const bytes = buffer.subarray(start, end)
        const line = position + 1
        const lineHash = hashLine(bytes)
        const text = bytes.toString('utf8')
        // Most lines take the fast reader; only the others need the general path and its Either.
        const fast = readFastLine(text)
        const general = fast === undefined ? decodeLineInGeneral(text) : undefined
        const read = fast ?? (general !== undefined && E.isRight(general) ? general.right : undefined)
        start = end + 1
        position = line
        offset += bytes.length + 1
        const expectedHash = hash
        hash = lineHash
        if (read === undefined || read.prev !== expectedHash) {
          const location = `${path}:${line}`
          const problem = general !== undefined && E.isLeft(general) ? general.left : chainProblem(line)
          if (visitor.problem === undefined) return E.left(corrupt(`${location}: ${problem}`))
          visitor.problem({ location, message: problem })
          continue
        }
        const result = visitor.event(new LoggedEvent(read.envelope, line, path))
        if (result instanceof StateError) return E.left(result)
        if (result === 'stop') return E.right({ cursor: { position, hash, offset, ino: stat.ino } })
      }
      carried = filled - start
      buffer.copy(buffer, 0, start, filled)
    }
    const cursor: LogCursor = { position, hash, offset, ino: stat.ino }
    return E.right(carried === 0 ? { cursor } : { cursor, incompleteTail: { location: `${path}:${position + 1}`, bytes: carried, offset } })
  } finally {
    await handle.close()
  }
}

/** Reads the events of the log after `from`, oldest first. */
export const readLog = (path: string, from: LogCursor, visitor: Visitor): TE.TaskEither<StateError, LogReadEnd> =>
  attempt('read the event log', path, () => readAfter(path, from, visitor))

const writeFully = async (handle: fs.FileHandle, buffer: Buffer, at: number): Promise<void> => {
  for (let written = 0; written < buffer.length; ) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, at + written)
    written += bytesWritten
  }
}

const syncDirectory = async (directory: string): Promise<void> => {
  const handle = await fs.open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const appendAt = async (path: string, at: LogCursor, envelopes: ReadonlyArray<EventEnvelope>): Promise<E.Either<StateError, LogCursor>> => {
  let hash = at.hash
  const lines: string[] = []
  for (const envelope of envelopes) {
    const line = encodeLogLine(envelope, hash)
    hash = hashLine(line)
    lines.push(line)
  }
  const buffer = Buffer.from(`${lines.join('\n')}\n`, 'utf8')
  const handle = await fs.open(path, 'a')
  try {
    const stat = await handle.stat()
    if (stat.size !== at.offset || (at.ino !== undefined && stat.ino !== at.ino)) {
      return E.left(corrupt(`${path}: the event log changed while this process held the write lock (${stat.size} bytes, expected ${at.offset}); nothing was appended`))
    }
    try {
      await writeFully(handle, buffer, at.offset)
      await handle.datasync()
    } catch (error) {
      // Leave no half-written line behind for the next reader.
      await handle.truncate(at.offset).catch(() => undefined)
      throw error
    }
    if (at.offset === 0) await syncDirectory(dirname(path)) // the new file's name must survive a crash too
    return E.right({ position: at.position + envelopes.length, hash, offset: at.offset + buffer.length, ino: stat.ino })
  } finally {
    await handle.close()
  }
}

/** Appends events right after `at` (which must be the end of the log), durably (fdatasync). */
export const appendLog = (path: string, at: LogCursor, envelopes: ReadonlyArray<EventEnvelope>): TE.TaskEither<StateError, LogCursor> =>
  envelopes.length === 0
    ? TE.right(at)
    : attempt('append to the event log', path, () => appendAt(path, at, envelopes))

/**
 * Moves an incomplete last line (an append torn by a crash) into a side file beside the log and
 * cuts the log back to its last complete line. Only under the write lock.
 */
export const setAsideTail = (path: string, tailOffset: number, now: Date): TE.TaskEither<StateError, string> =>
  TE.tryCatch(
    async () => {
      const handle = await fs.open(path, 'r+')
      try {
        const { size } = await handle.stat()
        const tail = Buffer.alloc(size - tailOffset)
        await handle.read(tail, 0, tail.length, tailOffset)
        // The clock may repeat (a fixed test clock): the random part keeps two side files apart.
        const aside = `${path}.torn-${sideFileStamp(now)}-${process.pid}-${randomBytes(3).toString('hex')}`
        await fs.writeFile(aside, tail, { flag: 'wx' })
        const asideHandle = await fs.open(aside, 'r')
        await asideHandle.sync().finally(() => asideHandle.close())
        await handle.truncate(tailOffset)
        await handle.datasync()
        return aside
      } finally {
        await handle.close()
      }
    },
    (error) => ioError('set aside the incomplete last line of the event log', path, error),
  )
