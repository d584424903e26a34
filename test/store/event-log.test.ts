/**
 * Reading the event log: whatever the log holds (sound, edited, cut short, with lines longer than
 * a read), a read gives the same events, problems and end whether its lines are hashed on this
 * thread or on a worker, and however the file is cut into chunks.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EventEnvelope } from '../../src/domain/index.js'
import { type LogCursor, LOG_ORIGIN, type LogReadOptions, readLog } from '../../src/store/event-log.js'
import { hashHere, type LineHasher, sharedBuffer, startLineHasher } from '../../src/store/line-hasher.js'
import { decodeLineInGeneral, encodeLogLine, GENESIS_HASH, hashLine } from '../../src/store/log-line.js'
import { deployEnvelopes, envelopesEndingInRecovery } from '../support/envelopes.js'
import { tempDir } from '../support/temp.js'

const chainedLines = (envelopes: ReadonlyArray<EventEnvelope>): string[] => {
  let prev = GENESIS_HASH
  return envelopes.map((envelope) => {
    const line = encodeLogLine(envelope, prev)
    prev = hashLine(line)
    return line
  })
}

// Every way a read can go: on this thread or a worker, in one chunk or in chunks shorter than a line,
// its lines by the templates or the general way.
const MODES: ReadonlyArray<readonly [string, LogReadOptions]> = [
  [
    'this thread, one chunk, every line the general way',
    {
      parallelHashingMinBytes: Number.POSITIVE_INFINITY,
      chunkBytes: 4 * 1024 * 1024,
      templatesMinBytes: Number.POSITIVE_INFINITY,
    },
  ],
  [
    'this thread, one chunk',
    { parallelHashingMinBytes: Number.POSITIVE_INFINITY, chunkBytes: 4 * 1024 * 1024, templatesMinBytes: 0 },
  ],
  [
    'this thread, small chunks',
    { parallelHashingMinBytes: Number.POSITIVE_INFINITY, chunkBytes: 97, templatesMinBytes: 0 },
  ],
  ['a worker, one chunk', { parallelHashingMinBytes: 0, chunkBytes: 4 * 1024 * 1024, templatesMinBytes: 0 }],
  ['a worker, chunks of a few lines', { parallelHashingMinBytes: 0, chunkBytes: 1_000, templatesMinBytes: 0 }],
  ['a worker, small chunks', { parallelHashingMinBytes: 0, chunkBytes: 97, templatesMinBytes: 0 }],
]

interface Outcome {
  /** Each event's line and the event as read. */
  readonly events: ReadonlyArray<readonly [number, EventEnvelope]>
  readonly problems: ReadonlyArray<string>
  /** The lines of events of a newer version (an edit may make a known type unknown: read on, as readers do). */
  readonly foreign: ReadonlyArray<number>
  readonly end: unknown
}

/** Reads `path` after `from`; with `tolerant`, past bad lines (as verify does); stopping after `stopAfter` events. */
const read = async (
  path: string,
  options: LogReadOptions,
  tolerant: boolean,
  from: LogCursor = LOG_ORIGIN,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<Outcome> => {
  const events: Array<readonly [number, EventEnvelope]> = []
  const problems: string[] = []
  const foreign: number[] = []
  const result = await readLog(
    path,
    from,
    {
      event: (stored) => {
        events.push([stored.position, stored.envelope])
        return events.length >= stopAfter ? 'stop' : undefined
      },
      ...(tolerant
        ? {
            problem: (problem: { location: string; message: string }) =>
              void problems.push(`${problem.location}: ${problem.message}`),
          }
        : {}),
      foreign: (event) => void foreign.push(event.position),
    },
    options,
  )()
  return { events, problems, foreign, end: E.isRight(result) ? result.right : result.left.message }
}

const readInEveryMode = async (
  path: string,
  tolerant: boolean,
  from?: LogCursor,
  stopAfter?: number,
): Promise<Outcome> => {
  const [first, ...others] = await Promise.all(
    MODES.map(([, options]) => read(path, options, tolerant, from, stopAfter)),
  )
  for (const [index, outcome] of others.entries())
    expect(outcome, `${MODES[index + 1]?.[0]} against ${MODES[0]?.[0]}`).toEqual(first)
  return first as Outcome
}

const damage = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    line: fc.nat(),
    at: fc.nat(),
    char: fc.constantFrom('x', '"', '{', '9', 'é'),
  }),
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    line: fc.nat(),
    text: fc.constantFrom('', 'not json', '{}', `{"v":1}`, 'x'.repeat(3_000)),
  }),
  fc.record({ kind: fc.constant('torn' as const), keep: fc.nat() }),
)
type Damage = typeof damage extends fc.Arbitrary<infer A> ? A : never

const damaged = (lines: string[], harm: Damage): string => {
  const out = [...lines]
  const at = (n: number): number => n % Math.max(out.length, 1)
  switch (harm.kind) {
    case 'edit': {
      const line = out[at(harm.line)] ?? ''
      const i = harm.at % Math.max(line.length, 1)
      out[at(harm.line)] = line.slice(0, i) + harm.char + line.slice(i + 1)
      return `${out.join('\n')}\n`
    }
    case 'delete':
      out.splice(at(harm.line), 1)
      return out.length === 0 ? '' : `${out.join('\n')}\n`
    case 'swap': {
      const i = at(harm.line)
      const j = at(harm.line + 1)
      ;[out[i], out[j]] = [out[j] as string, out[i] as string]
      return `${out.join('\n')}\n`
    }
    case 'insert':
      out.splice(at(harm.line), 0, harm.text)
      return `${out.join('\n')}\n`
    case 'torn': {
      const text = `${out.join('\n')}\n`
      return text.slice(0, harm.keep % (text.length + 1))
    }
  }
}

/**
 * The lines a read past problems must report, found the slow, obvious way: JSON.parse and the codec, and a hash of each
 * line.
 */
const badLinesOf = (text: string): number[] => {
  const complete = text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .slice(0, -1)
  let prev = GENESIS_HASH
  const bad: number[] = []
  complete.forEach((line, i) => {
    const decoded = decodeLineInGeneral(line)
    if (E.isLeft(decoded) || decoded.right.prev !== prev) bad.push(i + 1)
    prev = hashLine(line)
  })
  return bad
}

describe('reading the event log', () => {
  it('reads a sound log whole: every event as written, in order, ending at its last line, its hash and the file size', async () => {
    const envelopes = deployEnvelopes(40)
    const lines = chainedLines(envelopes)
    const path = join(tempDir(), 'releases.events.ndjson')
    writeFileSync(path, `${lines.join('\n')}\n`)
    const outcome = await readInEveryMode(path, false)
    expect(outcome.events).toEqual(envelopes.map((envelope, i) => [i + 1, envelope]))
    expect(outcome.end).toMatchObject({
      cursor: { position: 40, hash: hashLine(lines[39] as string), offset: Buffer.byteLength(`${lines.join('\n')}\n`) },
    })
  })

  it('resumes from a cursor, reading only what was appended since', async () => {
    const lines = chainedLines(deployEnvelopes(30))
    const path = join(tempDir(), 'releases.events.ndjson')
    writeFileSync(path, `${lines.slice(0, 10).join('\n')}\n`)
    const first = await readInEveryMode(path, false)
    appendFileSync(path, `${lines.slice(10).join('\n')}\n`)
    const cursor = (first.end as { cursor: LogCursor }).cursor
    const rest = await readInEveryMode(path, false, cursor)
    expect(rest.events.map(([position]) => position)).toEqual(lines.slice(10).map((_, i) => i + 11))
  })

  it('reads a line longer than a chunk', async () => {
    const envelopes = deployEnvelopes(6)
    const lines = chainedLines(envelopes)
    const path = join(tempDir(), 'releases.events.ndjson')
    writeFileSync(path, `${lines.join('\n')}\n`)
    const outcome = await read(path, { parallelHashingMinBytes: 0, chunkBytes: 16, templatesMinBytes: 0 }, false)
    expect(outcome.events.map(([, envelope]) => envelope)).toEqual(envelopes)
  })

  test.prop([fc.integer({ min: 1, max: 40 }), damage, fc.boolean(), fc.integer({ min: 1, max: 45 })], { numRuns: 60 })(
    'whatever the damage, every way of reading gives the same events, problems and end; a strict read stops at the first bad line',
    async (count, harm, tolerant, stopAfter) => {
      const lines = chainedLines(deployEnvelopes(count))
      const path = join(tempDir(), 'releases.events.ndjson')
      const text = damaged(lines, harm)
      writeFileSync(path, text)
      const outcome = await readInEveryMode(path, tolerant)
      const bad = badLinesOf(text)
      if (tolerant) expect(outcome.problems.map((problem) => Number(/ndjson:(\d+): /.exec(problem)?.[1]))).toEqual(bad)
      else if (bad.length > 0) expect(outcome.end).toMatch(new RegExp(`releases\\.events\\.ndjson:${bad[0]}: `))
      else expect(typeof outcome.end).toBe('object')
      await readInEveryMode(path, tolerant, LOG_ORIGIN, stopAfter)
    },
  )
})

describe('a command recorded as several events is read whole or not at all', () => {
  // Five events of a deploy, the creation of a release, then its recovery: six events, one command.
  const { before, recovery } = envelopesEndingInRecovery(5)
  const lines = chainedLines([...before, ...recovery])
  const whole = `${lines.join('\n')}\n`
  const recoveryStart = Buffer.byteLength(`${lines.slice(0, before.length).join('\n')}\n`)
  const logWith = (text: string | Buffer): string => {
    const path = join(tempDir(), 'releases.events.ndjson')
    writeFileSync(path, text)
    return path
  }

  it('given the whole command, every reader gets all its events and ends after it', async () => {
    expect(recovery).toHaveLength(6)
    const outcome = await readInEveryMode(logWith(whole), false)
    expect(outcome.events.map(([, envelope]) => envelope)).toEqual([...before, ...recovery])
    expect(outcome.end).toMatchObject({ cursor: { position: lines.length, offset: Buffer.byteLength(whole) } })
  })

  test.prop([fc.integer({ min: recoveryStart + 1, max: Buffer.byteLength(whole) - 1 })], { numRuns: 40 })(
    'given a log cut anywhere inside the command, readers get none of its events, end before it, and report it all as the incomplete tail',
    async (cutAt) => {
      const text = Buffer.from(whole).subarray(0, cutAt)
      const complete = text.subarray(recoveryStart).toString().split('\n').length - 1
      const outcome = await readInEveryMode(logWith(text), true)
      expect(outcome.events.map(([, envelope]) => envelope)).toEqual(before)
      expect(outcome.problems).toEqual([])
      expect(outcome.end).toMatchObject({
        cursor: { position: before.length, hash: hashLine(lines[before.length - 1] as string), offset: recoveryStart },
        incompleteTail: {
          location: expect.stringMatching(new RegExp(`ndjson:${before.length + 1}$`)),
          offset: recoveryStart,
          bytes: cutAt - recoveryStart,
          ...(complete > 0 ? { events: { complete, of: 6 } } : {}),
        },
      })
    },
  )

  it('a read that stops inside the command resumes inside it, and gets the rest', async () => {
    const path = logWith(whole)
    for (const stopAfter of [before.length + 1, before.length + 3, before.length + 5]) {
      const first = await readInEveryMode(path, false, LOG_ORIGIN, stopAfter)
      expect(first.events).toHaveLength(stopAfter)
      const rest = await readInEveryMode(path, false, (first.end as { cursor: LogCursor }).cursor)
      expect([...first.events, ...rest.events].map(([position]) => position)).toEqual(lines.map((_, i) => i + 1))
      expect(rest.end).toMatchObject({ cursor: { position: lines.length, offset: Buffer.byteLength(whole) } })
    }
  })

  it('given a command cut short with another command after it, a strict read is CORRUPT_STATE at its first line; verify reads on and reports it', async () => {
    const cut = chainedLines([...before, ...recovery.slice(0, 2), ...deployEnvelopes(1, Date.UTC(2026, 0, 1))])
    const path = logWith(`${cut.join('\n')}\n`)
    const strict = await readInEveryMode(path, false)
    expect(strict.end).toMatch(
      new RegExp(`ndjson:${before.length + 1}: the command \\S+ recorded 6 events, but only 2 of them`),
    )
    const tolerant = await readInEveryMode(path, true)
    expect(tolerant.problems).toEqual([expect.stringMatching(new RegExp(`ndjson:${before.length + 1}: the command`))])
    expect(tolerant.events).toHaveLength(cut.length)
  })
})

describe('hashing the lines of chunks', () => {
  const chunkOf = (text: string): [Buffer, number, number] => {
    const buffer = sharedBuffer(Buffer.byteLength(text) + 7)
    return [buffer, 0, buffer.write(text)]
  }

  const hashAll = async (
    hasher: LineHasher,
    texts: ReadonlyArray<string>,
    on: 'worker' | 'this thread',
  ): Promise<Array<Array<[string, boolean]>>> => {
    const out: Array<Array<[string, boolean]>> = []
    try {
      for (const hashes of await Promise.all(texts.map((text) => hasher.hash(...chunkOf(text))))) {
        out.push(Array.from({ length: hashes.count }, (_, i) => [hashes.hashOf(i), hashes.endsChained(i)]))
      }
    } finally {
      await hasher.close()
    }
    expect(hasher.hashedOn()).toBe(on)
    return out
  }

  const lines = chainedLines(deployEnvelopes(12))
  lines[5] = 'not a line of this log'
  // Three chunks at once: lines, then lines and the start of one, then lines.
  const chunks = [
    `${lines.slice(0, 4).join('\n')}\n`,
    `${lines.slice(4, 9).join('\n')}\nunfinished`,
    `${lines.slice(9).join('\n')}\n`,
  ]
  const expected = [lines.slice(0, 4), lines.slice(4, 9), lines.slice(9)].map((chunk, c) =>
    chunk.map((line, i) => [hashLine(line), i > 0 && !(c === 1 && (i === 1 || i === 2))] as [string, boolean]),
  )

  it('gives each line its hash, and whether it ends naming the hash of the line before (never known for the first)', async () => {
    expect(await hashAll(hashHere(), chunks, 'this thread')).toEqual(expected)
    expect(await hashAll(startLineHasher(), chunks, 'worker')).toEqual(expected)
  })

  it('hashes here when its worker cannot start, or dies with chunks unanswered', async () => {
    expect(await hashAll(startLineHasher('throw new Error("no worker here")'), chunks, 'this thread')).toEqual(expected)
    const dying = `const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => process.exit(3))`
    expect(await hashAll(startLineHasher(dying), chunks, 'this thread')).toEqual(expected)
  })
})
