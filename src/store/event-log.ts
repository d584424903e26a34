/**
 * The event log file, read: one JSON event per line, each chained to the one before by its SHA-256. Read in chunks from
 * a byte offset, so a refresh reads only what was appended. A last line without its newline, or a command missing its
 * last event, is incomplete: readers leave it alone (an append may be in progress); a writer holding the lock sets it
 * aside.
 */
import { closeSync, openSync, read, readSync, statSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../domain/state-error.js'
import type { EventEnvelope } from '../domain/events.js'
import { attempt } from './attempt.js'
import type { Cursor, IncompleteTail, ReadEnd, StoredEvent, Visitor } from './event-store.js'
import { readFastLine, readMatchedPhaseUpdated } from './fast-lines.js'
import { type ChunkHashes, hashHere, sharedBuffer, startLineHasher } from './line-hasher.js'
import { chainProblem, decodeLineInGeneral, GENESIS_HASH, hashLine, isForeignLine } from './log-line.js'
import { commandGate, type Mark, type Stop, type WithinCommand } from './whole-commands.js'

/** A position in the log file. */
export interface LogCursor extends Cursor {
  /** The byte offset where the next line starts. */
  readonly offset: number
  /** The inode of the file read so far: a different one means the log was replaced. */
  readonly ino: number | undefined
  /** Set when a read stopped inside a command of several events: the next read takes the rest of it. */
  readonly within?: WithinCommand
}

/** The start of an empty log. */
export const LOG_ORIGIN: LogCursor = Object.freeze({ position: 0, hash: GENESIS_HASH, offset: 0, ino: undefined })

/** The end of a read of the log file. */
export interface LogReadEnd extends ReadEnd {
  readonly cursor: LogCursor
  /** `offset`: where the log would be cut back to its last whole command. */
  readonly incompleteTail?: IncompleteTail & { readonly offset: number }
}

/** A refusal to read on: the log is not what this module writes. */
export const corrupt = (message: string): StateError => new StateError('CORRUPT_STATE', message)

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

/** How a read goes about it (tests change these to reach every path with small logs). */
export interface LogReadOptions {
  /** How long a read must be to hash its lines on a worker thread (line-hasher.ts): a cold open, not a refresh. */
  readonly parallelHashingMinBytes: number
  readonly chunkBytes: number
  /** How long a read must be to use fast-lines.ts's templates, whose compile time only a long read repays. */
  readonly templatesMinBytes: number
}

const DEFAULT_READ_OPTIONS: LogReadOptions = {
  parallelHashingMinBytes: 16 * 1024 * 1024,
  chunkBytes: 4 * 1024 * 1024,
  templatesMinBytes: 256 * 1024,
}

interface Chunk {
  readonly buffer: Buffer
  readonly filled: number
  /** Whether the file ended before the chunk did (cut back by a writer meanwhile): the read ends there. */
  readonly short: boolean
  /** Where its first newline is (-1: none): what comes before ends a line begun earlier (or right here). */
  readonly firstNewline: number
  /** Its lines after that first newline (all of them, in the first chunk), hashed. */
  readonly hashes: Promise<ChunkHashes>
}

const readAsync = (fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) =>
    read(fd, buffer, offset, length, position, (error, bytesRead) =>
      error === null ? resolve(bytesRead) : reject(error),
    ),
  )

const readAfter = async (
  path: string,
  from: LogCursor,
  visitor: Visitor,
  options: LogReadOptions,
): Promise<E.Either<StateError, LogReadEnd>> => {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat === undefined) {
    return from.position === 0
      ? E.right({ cursor: from })
      : E.left(corrupt(`${path}: the event log is gone, though ${from.position} events were read from it`))
  }
  if (from.ino !== undefined && stat.ino !== from.ino)
    return E.left(corrupt(`${path}: the event log was replaced since it was read; open the store again`))
  if (stat.size === from.offset) return E.right({ cursor: from.ino === stat.ino ? from : { ...from, ino: stat.ino } })
  if (stat.size < from.offset) {
    return E.left(
      corrupt(
        `${path}: the event log is ${stat.size} bytes long, shorter than the ${from.offset} bytes already ` +
          'read from it; it was truncated or rewritten',
      ),
    )
  }

  const fd = openSync(path, 'r')
  const { chunkBytes } = options
  const parallel = stat.size - from.offset >= options.parallelHashingMinBytes
  const templates = stat.size - from.offset >= options.templatesMinBytes
  const hasher = parallel ? startLineHasher() : hashHere()
  const allocate = parallel ? sharedBuffer : (bytes: number): Buffer => Buffer.allocUnsafe(bytes)

  // Chunks are read ahead of the one being decoded. Only up to the size seen at the start: a writer may set a tail
  // aside and append after it meanwhile, and bytes past that size could be joined to a fragment read before.
  const chunkCount = Math.ceil((stat.size - from.offset) / chunkBytes)
  const free: Buffer[] = []
  const reads: Array<Promise<Chunk>> = []
  const readChunk = async (index: number): Promise<Chunk> => {
    const at = from.offset + index * chunkBytes
    const length = Math.min(chunkBytes, stat.size - at)
    const spare = free.pop()
    const buffer = spare !== undefined && spare.length >= length ? spare : allocate(length)
    let filled = 0
    while (filled < length) {
      // A short read is read here at once (pool round trips cost more); a long one reads ahead on the pool.
      const bytesRead = parallel
        ? await readAsync(fd, buffer, filled, length - filled, at + filled)
        : readSync(fd, buffer, filled, length - filled, at + filled)
      if (bytesRead === 0) break // cut back meanwhile: see `short`
      filled += bytesRead
    }
    // The first chunk starts with a line; any other may start inside one, which ends at its first newline.
    const firstNewline = buffer.indexOf(10)
    const linesStart = index === 0 ? 0 : firstNewline === -1 || firstNewline >= filled ? filled : firstNewline + 1
    return {
      buffer,
      filled,
      short: filled < length,
      firstNewline: firstNewline >= filled ? -1 : firstNewline,
      hashes: hasher.hash(buffer, linesStart, filled),
    }
  }
  const READ_AHEAD = 2
  const readUpTo = (index: number): void => {
    for (let i = reads.length; i <= Math.min(index, chunkCount - 1); i++) reads.push(readChunk(i))
  }

  let position = from.position
  let offset = from.offset
  // The hash of the last line read: as a string, or where the hasher keeps it (taken when needed).
  let lastHash = from.hash
  let lastIn: ChunkHashes | undefined
  let lastIndex = 0
  const hashSoFar = (): string => {
    if (lastIn !== undefined) {
      lastHash = lastIn.hashOf(lastIndex)
      lastIn = undefined
    }
    return lastHash
  }
  // The events of a command that recorded several are handed on only once it is whole.
  const gate = commandGate(visitor, (line) => `${path}:${line}`, from.within)
  const end = (tail: number, stop?: Stop): E.Either<StateError, LogReadEnd> => {
    if (stop?.at !== undefined)
      return E.right({
        cursor:
          stop.within === undefined
            ? { ...stop.at, ino: stat.ino }
            : { ...stop.at, ino: stat.ino, within: stop.within },
      })
    const open = gate.open()
    if (open !== undefined && stop === undefined) {
      // The log ends inside a command: for everyone, it ends before that command (or where a read inside it began).
      const { before, held, taken, of } = open
      const incompleteTail = {
        location: `${path}:${before.position + 1}`,
        bytes: offset - before.offset + tail,
        offset: before.offset,
        events: { complete: taken + held.length, of },
      }
      return E.right({
        cursor: taken === 0 ? { ...before, ino: stat.ino } : { ...from, ino: stat.ino },
        incompleteTail,
      })
    }
    const cursor: LogCursor = { position, hash: hashSoFar(), offset, ino: stat.ino }
    return E.right(
      tail === 0
        ? { cursor }
        : { cursor, incompleteTail: { location: `${path}:${position + 1}`, bytes: tail, offset } },
    )
  }
  // Made into a Mark only for the first event of a command of several, so that other lines allocate nothing.
  const previous: { position: number; offset: number; hash: string; in: ChunkHashes | undefined; index: number } = {
    position,
    offset,
    hash: lastHash,
    in: undefined,
    index: 0,
  }
  const before = (): Mark => ({
    position: previous.position,
    offset: previous.offset,
    hash: previous.in === undefined ? previous.hash : previous.in.hashOf(previous.index),
  })
  const after = (): Mark => ({ position, offset, hash: hashSoFar() })

  /**
   * Takes one line: `chainedAhead` and `matched` are what the hasher saw (it ends with the hash of the line before, it
   * matches the PhaseUpdated template). Ends the read, or goes on (undefined).
   */
  const takeLine = (
    text: string,
    bytes: number,
    chainedAhead: boolean,
    matched: boolean,
    ownHash: string | ChunkHashes,
    index: number,
  ): E.Either<StateError, LogReadEnd> | undefined => {
    // Most lines take a fast reader; only the others need the general path and its Either.
    const fast = matched ? readMatchedPhaseUpdated(text) : templates ? readFastLine(text) : undefined
    const general = fast === undefined ? decodeLineInGeneral(text) : undefined
    const read = fast ?? (general !== undefined && E.isRight(general) ? general.right : undefined)
    // A fast line's `prev` is its last field, so a line ending with the right hash names it.
    const chained = read !== undefined && ((fast !== undefined && chainedAhead) || read.prev === hashSoFar())
    previous.position = position
    previous.offset = offset
    previous.hash = lastHash
    previous.in = lastIn
    previous.index = lastIndex
    position += 1
    offset += bytes + 1
    if (typeof ownHash === 'string') {
      lastHash = ownHash
      lastIn = undefined
    } else {
      lastIn = ownHash
      lastIndex = index
    }
    if (visitor.lineHash !== undefined) visitor.lineHash(position, hashSoFar())
    if (read === undefined || !chained) {
      const location = `${path}:${position}`
      const problem = general !== undefined && E.isLeft(general) ? general.left : chainProblem(position, 'line')
      if (visitor.problem === undefined) return E.left(corrupt(`${location}: ${problem}`))
      visitor.problem({ location, message: problem })
      return undefined
    }
    // An event of a newer version is rare: its place is made at once.
    const event = isForeignLine(read)
      ? { foreign: read.foreign, position, location: `${path}:${position}` }
      : new LoggedEvent(read.envelope, position, path)
    const step = gate.take(event, before, after)
    return step === undefined ? undefined : E.isLeft(step) ? step : end(0, step.right)
  }

  try {
    // The start of a line that goes on into the next chunk (copied: buffers are reused).
    let unfinished: Buffer[] = []
    for (let index = 0; index < chunkCount; index++) {
      readUpTo(index + READ_AHEAD)
      // Lets reads that ended meanwhile hand their chunks to the worker, to be hashed while this one is decoded.
      if (parallel) await new Promise(setImmediate)
      const { buffer, filled, short, firstNewline, hashes: hashing } = await (reads[index] as Promise<Chunk>)
      if (firstNewline === -1) {
        unfinished.push(Buffer.from(buffer.subarray(0, filled)))
        free.push(buffer)
        if (short) break
        continue
      }
      if (index > 0) {
        const bytes =
          unfinished.length === 0
            ? buffer.subarray(0, firstNewline)
            : Buffer.concat([...unfinished, buffer.subarray(0, firstNewline)])
        unfinished = []
        const ended = takeLine(decodeUtf8(bytes, 0, bytes.length), bytes.length, false, false, hashLine(bytes), 0)
        if (ended !== undefined) return ended
      }
      const hashes = await hashing
      let start = index === 0 ? 0 : firstNewline + 1
      for (let i = 0; i < hashes.count; i++) {
        const newline = buffer.indexOf(10, start)
        const ended = takeLine(
          decodeUtf8(buffer, start, newline),
          newline - start,
          hashes.endsChained(i),
          hashes.matchesPhaseUpdated(i),
          hashes,
          i,
        )
        if (ended !== undefined) return ended
        start = newline + 1
      }
      if (start < filled) unfinished.push(Buffer.from(buffer.subarray(start, filled)))
      free.push(buffer)
      if (short) break
    }
    return end(unfinished.reduce((bytes, part) => bytes + part.length, 0))
  } finally {
    await Promise.allSettled(reads)
    await hasher.close()
    closeSync(fd)
  }
}

// Buffer's own UTF-8 decoder (invalid bytes become U+FFFD), without toString's argument handling and a subarray's view.
type WithUtf8Slice = Buffer & { readonly utf8Slice?: (start: number, end: number) => string }
const decodeUtf8: (buffer: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as WithUtf8Slice).utf8Slice === 'function'
    ? (buffer, start, end) => (buffer as Required<WithUtf8Slice>).utf8Slice(start, end)
    : (buffer, start, end) => buffer.toString('utf8', start, end)

/** Reads the events of the log after `from`, oldest first. */
export const readLog = (
  path: string,
  from: LogCursor,
  visitor: Visitor,
  options: LogReadOptions = DEFAULT_READ_OPTIONS,
): TE.TaskEither<StateError, LogReadEnd> =>
  attempt('read the event log', path, () => readAfter(path, from, visitor, options))

/** The SHA-256 of the log's line that ends, with its newline, at `offset`, or `undefined` when none ends there. */
export const lineHashBefore = async (path: string, offset: number): Promise<string | undefined> => {
  if (offset <= 0) return undefined
  const fd = openSync(path, 'r')
  try {
    for (let span = 4 * 1024; ; span *= 4) {
      const from = Math.max(0, offset - span)
      const bytes = Buffer.allocUnsafe(offset - from)
      if (readSync(fd, bytes, 0, bytes.length, from) < bytes.length || bytes[bytes.length - 1] !== 10) return undefined
      const start = bytes.lastIndexOf(10, bytes.length - 2) + 1
      if (start > 0 || from === 0) return hashLine(bytes.subarray(start, bytes.length - 1))
    }
  } finally {
    closeSync(fd)
  }
}
