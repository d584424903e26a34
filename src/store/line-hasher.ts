/**
 * Hashing the lines of a long log on a worker thread, while this one decodes them: the lines of each chunk are shared,
 * not copied. The worker gives each line's hash and whether it ends naming the hash of the line before; the reader
 * still decides line by line, in order, as it would alone (event-log.ts). Only worth its start-up for long reads (a
 * cold open); if the worker cannot start or fails, chunks are hashed here.
 */
import { createRequire } from 'node:module'
import type { Worker } from 'node:worker_threads'
import { PHASE_UPDATED_SOURCE } from './fast-lines.js'
import { hashLine } from './log-line.js'

/** The hashes of the lines of one chunk, in order. */
export interface ChunkHashes {
  readonly count: number
  readonly hashOf: (i: number) => string
  /** Whether the `i`-th line ends with `,"prev":"<hash of the line before it>"}`; never the first line. */
  readonly endsChained: (i: number) => boolean
  /** Whether the `i`-th line matches the `PhaseUpdated` template (fast-lines.ts); false on this thread. */
  readonly matchesPhaseUpdated: (i: number) => boolean
}

/** Hashes the lines of chunks, each on its own. */
export interface LineHasher {
  /** Hashes the lines of `buffer` from `start` to its last newline before `filled`, which must not change meanwhile. */
  readonly hash: (buffer: Buffer, start: number, filled: number) => Promise<ChunkHashes>
  readonly close: () => Promise<void>
  /** Where the chunks so far were hashed, for tests. */
  readonly hashedOn: () => 'worker' | 'this thread'
}

interface Hashed {
  /** `count` hex hashes of 64 bytes, then `count` bytes: 1 where the line ends chained, plus 2 where it matches. */
  readonly memory: ArrayBufferLike
  readonly count: number
}

// Buffer's own encoders and decoders, without toString's and write's argument handling (which costs more than the copy
// on lines this short).
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

// The worker runs `hashChunk` from its source text: plain JavaScript both compiled and under the test runner.
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

// Loaded by the first long read: a process running one short command never loads the module.
const workerThreads = (): typeof import('node:worker_threads') =>
  createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')

/** A hasher on this thread: for short reads, and where a worker cannot start. */
export const hashHere = (): LineHasher => ({
  hash: async (buffer, start, filled) => hashOnThisThread(buffer, start, filled),
  close: async () => undefined,
  hashedOn: () => 'this thread',
})

/** Starts a hasher on a worker thread; chunks must be backed by a `SharedArrayBuffer` ({@link sharedBuffer}). */
export const startLineHasher = (workerSource = WORKER_SOURCE): LineHasher => {
  let worker: Worker
  try {
    worker = new (workerThreads().Worker)(workerSource, { eval: true })
  } catch {
    return hashHere()
  }
  // The worker answers in order. One that fails leaves its unanswered chunks, and all later ones, to this thread.
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
