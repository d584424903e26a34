/**
 * Hashing the lines of a long log on a second thread, while this one decodes them.
 *
 * Checking the hash chain costs a SHA-256 of every line: about a fifth of a cold open. Hashing a line needs nothing
 * from its decoding, so a worker thread hashes the lines of each chunk read (held in shared memory: nothing is copied)
 * while the reader decodes the chunk before. For each line the worker gives its hash and whether the line ends naming
 * the hash of the line before it in the form this module writes (`,"prev":"<64 hex digits>"}`); the reader still
 * decides, line by line and in order, exactly as it would alone (see event-log.ts).
 *
 * Only worth its start-up (some tens of milliseconds) for long reads: a cold open, never the refresh after a write. If
 * the worker cannot start or fails, chunks are hashed here instead.
 */
import { createRequire } from 'node:module'
import type { Worker } from 'node:worker_threads'
import { PHASE_UPDATED_SOURCE } from './fast-lines.js'
import { hashLine } from './log-line.js'

/** The hashes of the lines of one chunk, in order. */
export interface ChunkHashes {
  /** How many lines were hashed. */
  readonly count: number
  /** The hex SHA-256 of the `i`-th line. */
  readonly hashOf: (i: number) => string
  /**
   * Whether the `i`-th line ends with `,"prev":"<hash of the line before it>"}`. Never for the first line: the line
   * before it is not in the chunk.
   */
  readonly endsChained: (i: number) => boolean
  /**
   * Whether the `i`-th line matches the `PhaseUpdated` template (fast-lines.ts), so that the reader need not match it
   * again. Only known from the worker: false on this thread.
   */
  readonly matchesPhaseUpdated: (i: number) => boolean
}

/** Hashes the lines of chunks, each on its own. */
export interface LineHasher {
  /**
   * Hashes the lines of `buffer` from `start` (the start of a line) to its last newline before `filled`. The buffer
   * must not change until this resolves.
   */
  readonly hash: (buffer: Buffer, start: number, filled: number) => Promise<ChunkHashes>
  /** Stops the worker. */
  readonly close: () => Promise<void>
  /** Where the chunks given so far were hashed, for tests: all on the worker, or not. */
  readonly hashedOn: () => 'worker' | 'this thread'
}

interface Hashed {
  /**
   * `count` hex hashes of 64 bytes each, then `count` bytes: 1 where the line ends chained, plus 2 where it matches the
   * template.
   */
  readonly memory: ArrayBufferLike
  readonly count: number
}

// Buffer's own encoders and decoders, called without toString's and write's argument handling (which costs more than
// the copying itself on lines this short). Node has had them for years.
interface DirectBuffer {
  readonly latin1Slice?: (start: number, end: number) => string
  readonly utf8Slice?: (start: number, end: number) => string
  readonly latin1Write?: (text: string, offset: number) => number
}

// Written without closures or imports: its source is also the worker's.
function hashChunk(
  sha256: (algorithm: string, data: Uint8Array, encoding: 'hex') => string,
  buffer: Buffer,
  start: number,
  filled: number,
  template?: RegExp,
): Hashed {
  let count = 0
  for (let end = buffer.indexOf(10, start); end !== -1 && end < filled; end = buffer.indexOf(10, end + 1)) count++
  const memory = new SharedArrayBuffer(count * 65)
  const out = Buffer.from(memory)
  const direct = buffer as Buffer & DirectBuffer
  const outDirect = out as Buffer & DirectBuffer
  let prev = ''
  for (let i = 0; i < count; i++) {
    const end = buffer.indexOf(10, start)
    const hex = sha256('sha256', buffer.subarray(start, end), 'hex')
    if (outDirect.latin1Write !== undefined) outDirect.latin1Write(hex, i * 64)
    else out.write(hex, i * 64, 'latin1')
    // 75 bytes: ,"prev":" then 64 hex digits then "}
    const tail = end - 75
    const chained =
      i > 0 &&
      tail >= start &&
      (direct.latin1Slice !== undefined ? direct.latin1Slice(tail, end) : buffer.toString('latin1', tail, end)) ===
        ',"prev":"' + prev + '"}'
    const matches =
      template !== undefined &&
      template.test(direct.utf8Slice !== undefined ? direct.utf8Slice(start, end) : buffer.toString('utf8', start, end))
    out[count * 64 + i] = (chained ? 1 : 0) | (matches ? 2 : 0)
    prev = hex
    start = end + 1
  }
  return { memory, count }
}

// The worker runs `hashChunk` from its source text: plain JavaScript in the compiled package and under the TypeScript
// test runner alike.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { hash } = require('node:crypto')
const template = new RegExp(${JSON.stringify(PHASE_UPDATED_SOURCE)})
${hashChunk.toString()}
parentPort.on('message', ({ memory, offset, start, filled }) =>
  parentPort.postMessage(hashChunk(hash, Buffer.from(memory, offset, filled), start, filled, template)))
`

const toChunkHashes = ({ memory, count }: Hashed): ChunkHashes => {
  const bytes = Buffer.from(memory)
  return {
    count,
    hashOf: (i) => bytes.toString('latin1', i * 64, (i + 1) * 64),
    endsChained: (i) => ((bytes[count * 64 + i] as number) & 1) !== 0,
    matchesPhaseUpdated: (i) => ((bytes[count * 64 + i] as number) & 2) !== 0,
  }
}

const hashOnThisThread = (buffer: Buffer, start: number, filled: number): ChunkHashes =>
  toChunkHashes(hashChunk((_, data) => hashLine(data), buffer, start, filled))

// Loaded by the first long read: a process that runs one short command never loads the module (2 ms).
const workerThreads = (): typeof import('node:worker_threads') =>
  createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')

/** A hasher on this thread: for short reads, and where a worker cannot start. */
export const hashHere = (): LineHasher => ({
  hash: async (buffer, start, filled) => hashOnThisThread(buffer, start, filled),
  close: async () => undefined,
  hashedOn: () => 'this thread',
})

/**
 * Starts a hasher on a worker thread. Chunks given to it must be backed by a `SharedArrayBuffer` (see {@link
 * sharedBuffer}). `workerSource` is for tests, to make a worker that fails.
 */
export const startLineHasher = (workerSource = WORKER_SOURCE): LineHasher => {
  let worker: Worker
  try {
    worker = new (workerThreads().Worker)(workerSource, { eval: true })
  } catch {
    return hashHere()
  }
  // The worker answers in the order it was asked. One that fails leaves its unanswered chunks, and all later ones, to
  // this thread.
  const pending: Array<{
    readonly buffer: Buffer
    readonly start: number
    readonly filled: number
    readonly resolve: (hashes: ChunkHashes) => void
  }> = []
  let failed = false
  let everFailed = false
  const failOver = (): void => {
    if (failed) return
    failed = true
    everFailed = true
    for (const job of pending.splice(0)) job.resolve(hashOnThisThread(job.buffer, job.start, job.filled))
    void worker.terminate()
  }
  worker.on('message', (hashed: Hashed) => pending.shift()?.resolve(toChunkHashes(hashed)))
  worker.on('error', failOver)
  worker.on('exit', failOver)
  return {
    hash: (buffer, start, filled) => {
      if (failed) return Promise.resolve(hashOnThisThread(buffer, start, filled))
      return new Promise((resolve) => {
        pending.push({ buffer, start, filled, resolve })
        worker.postMessage({ memory: buffer.buffer, offset: buffer.byteOffset, start, filled })
      })
    },
    close: async () => {
      if (failed) return
      failed = true // from now on, its exit is no failure
      await worker.terminate()
    },
    hashedOn: () => (everFailed ? 'this thread' : 'worker'),
  }
}

/** A buffer of `bytes` in memory a worker can share. */
export const sharedBuffer = (bytes: number): Buffer => Buffer.from(new SharedArrayBuffer(bytes))
