/**
 * The in-memory store: the contract every store honours, and what is its own: the file log's lines
 * and chain, one store per `memoryStore()` however often it is opened, and its write lock.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { describe, expect, it } from 'vitest'
import type { StateError } from '../../src/domain/state-error.js'
import {
  emptyLoaded,
  type EventStore,
  type RecordProblem,
  type StagedSession,
  type StoreContext,
  unprepared,
} from '../../src/store/event-store.js'
import { fileStore } from '../../src/store/file-store.js'
import { GENESIS_HASH, hashLine } from '../../src/store/log-line.js'
import { memoryStore, type MemoryStoreSpec } from '../../src/store/memory-store.js'
import { storePaths } from '../../src/store/paths.js'
import { deployEnvelopes } from '../support/envelopes.js'
import type { RawLine } from '../support/raw-lines.js'
import { tempDir } from '../support/temp.js'
import { appendAll, eventStoreContract, readAll } from './contract.js'

const context = (lockTimeoutMs = 2_000): StoreContext => ({
  lockTimeoutMs,
  onWarning: (warning) => {
    throw new Error(`unexpected warning: ${warning}`)
  },
  now: () => new Date(Date.UTC(2025, 0, 1)),
  cwd: '/nonexistent',
})

const openOn = (spec: MemoryStoreSpec, lockTimeoutMs?: number): EventStore => {
  const opened = spec.open(context(lockTimeoutMs))
  if (E.isLeft(opened)) throw opened.left
  return opened.right
}

/**
 * Lines put into the history as another version of this module would write them, chained: only a
 * test can (the store's lines are read-only to its callers), as only a test edits a file store's log.
 */
const putLines = (spec: MemoryStoreSpec, lines: ReadonlyArray<RawLine>): void => {
  const history = spec.lines as string[]
  for (const make of lines) {
    const last = history.at(-1)
    history.push(make(last === undefined ? GENESIS_HASH : hashLine(last)))
  }
}

eventStoreContract('the in-memory store', async () => {
  const spec = memoryStore()
  return {
    store: openOn(spec),
    reopen: async () => openOn(spec),
    appendLines: async (lines) => putLines(spec, lines),
  }
})

const failureOf = async (task: () => Promise<E.Either<StateError, unknown>>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error('expected a failure')
  return result.left
}

describe('the in-memory store keeps the lines and the chain of the file log', () => {
  it('holds, for the same events, exactly the lines a file store writes to its log', async () => {
    const envelopes = deployEnvelopes(5)
    const spec = memoryStore()
    await appendAll(openOn(spec), envelopes.slice(0, 2))
    await appendAll(openOn(spec), envelopes.slice(2))
    const paths = storePaths(join(tempDir(), 'releases.json'))
    await appendAll(fileStore(paths, context()), envelopes.slice(0, 2))
    await appendAll(fileStore(paths, context()), envelopes.slice(2))
    expect(spec.lines.map((line) => `${line}\n`).join('')).toBe(readFileSync(paths.eventLog, 'utf8'))
  })

  it('refuses a damaged history with its place, and hands every bad line to a visitor that asks for problems', async () => {
    const spec = memoryStore({ description: 'the test store' })
    const store = openOn(spec)
    await appendAll(store, deployEnvelopes(4))
    const history = spec.lines as string[]
    history[1] = (history[1] as string).replace('"actor":"tester"', '"actor":"mallory"')
    const error = await failureOf(store.read(store.origin, { event: () => undefined }))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toMatch(/^the test store:3: the hash chain is broken: this event does not follow event 2/)
    const problems: RecordProblem[] = []
    const positions: number[] = []
    await store.read(store.origin, {
      event: (event) => void positions.push(event.position),
      problem: (problem) => void problems.push(problem),
    })()
    expect(problems.map((problem) => problem.location)).toEqual(['the test store:3'])
    expect(positions).toEqual([1, 2, 4])
  })

  it('refuses a cursor that is not a position of its history', async () => {
    const store = openOn(memoryStore())
    await appendAll(store, deployEnvelopes(2))
    const { cursor } = await readAll(store)
    const other = openOn(memoryStore())
    expect((await failureOf(other.read(cursor, { event: () => undefined }))).code).toBe('CORRUPT_STATE')
  })

  it('given a cursor of another history at a position this one has, when it is read from or appended at, then CORRUPT_STATE and nothing is appended', async () => {
    const [ours, theirs] = [openOn(memoryStore()), openOn(memoryStore())]
    await appendAll(ours, deployEnvelopes(2))
    await appendAll(theirs, deployEnvelopes(2, Date.UTC(2024, 0, 1)))
    const foreign = (await readAll(theirs)).cursor
    expect(foreign.position).toBe(2)
    expect((await failureOf(ours.read(foreign, { event: () => undefined }))).message).toMatch(
      /:2: the history is not the one this cursor was read from/,
    )
    const appended = ours.write((session) =>
      pipe(
        session.load(emptyLoaded(ours.origin)),
        TE.chain((loaded) => session.append(unprepared({ ...loaded, cursor: foreign }), deployEnvelopes(3).slice(2))),
      ),
    )
    expect((await failureOf(appended)).code).toBe('CORRUPT_STATE')
    expect((await readAll(ours)).events).toHaveLength(2)
  })

  it('refuses an origin cursor whose hash does not start a chain', async () => {
    const store = openOn(memoryStore())
    await appendAll(store, deployEnvelopes(1))
    const made = { position: 0, hash: 'f'.repeat(64) }
    expect((await failureOf(store.read(made, { event: () => undefined }))).message).toMatch(
      /:0: the history is not the one this cursor was read from/,
    )
  })
})

describe('one in-memory store per memoryStore()', () => {
  it('gives every handle opened on one spec the same history and identity, and another spec another store', async () => {
    const spec = memoryStore()
    const [first, second] = [openOn(spec), openOn(spec)] as const
    await appendAll(first, deployEnvelopes(2))
    expect((await readAll(second)).events).toHaveLength(2)
    const other = openOn(memoryStore())
    expect((await readAll(other)).events).toEqual([])
    const identities = await Promise.all([first, second, other].map((store) => store.identity()()))
    expect(identities[0]).toEqual(identities[1])
    expect(identities[2]).not.toEqual(identities[0])
  })

  it('makes a writer on another handle wait, and give up with LOCK_TIMEOUT after lockTimeoutMs', async () => {
    const spec = memoryStore({ description: 'the test store' })
    const holder = openOn(spec)
    const waiter = openOn(spec, 100)
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    const holding = holder.write(() => async () => (await held, E.right('done')))()
    const started = Date.now()
    const error = await failureOf(waiter.write(() => async () => E.right(undefined)))
    expect(error.code).toBe('LOCK_TIMEOUT')
    expect(error.message).toBe(
      'the test store: gave up after 100 ms waiting for the write lock, held by another writer of this process',
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    release()
    expect(await holding).toEqual(E.right('done'))
    await appendAll(waiter, deployEnvelopes(1))
    expect((await readAll(holder)).events).toHaveLength(1)
  })

  it('hands the lock to the writers that wait in the order they came', async () => {
    const spec = memoryStore()
    const [holder, ...waiters] = [openOn(spec), openOn(spec), openOn(spec), openOn(spec)]
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    const holding = holder.write(() => async () => (await held, E.right(undefined)))()
    const entered: number[] = []
    const waiting = waiters.map((waiter, i) => waiter.write(() => async () => (entered.push(i), E.right(undefined)))())
    release()
    await Promise.all([holding, ...waiting])
    expect(entered).toEqual([0, 1, 2])
  })

  it('given a staged write whose session has ended, when it is committed, then CORRUPT_STATE and nothing becomes history', async () => {
    const store = openOn(memoryStore())
    let late: StagedSession | undefined
    await store.writeStaged((session) => {
      late = session
      return pipe(
        session.load(emptyLoaded(store.origin)),
        TE.chain((loaded) => session.append(unprepared(loaded), deployEnvelopes(1))),
      )
    })()
    const other = deployEnvelopes(1, Date.UTC(2024, 0, 1))
    await appendAll(store, other)
    const committed = await failureOf((late as StagedSession).commit())
    expect(committed.message).toMatch(/committed after its session ended/)
    expect((await readAll(store)).events.map((event) => event.envelope.id)).toEqual(other.map((event) => event.id))
  })
})

describe('the options of memoryStore, as a JavaScript caller may pass them', () => {
  it.each([
    [null, 'the options of memoryStore must be an object, got null'],
    [5, 'the options of memoryStore must be an object, got number'],
    [{ description: 42 }, 'the description of memoryStore must be a string, got number'],
    [{ description: ' ' }, 'the description of memoryStore is empty'],
  ])('given %j, when the store is opened, then INVALID_INPUT naming it', (options, message) => {
    const opened = memoryStore(options as never).open(context())
    if (E.isRight(opened)) throw new Error('expected a refusal')
    expect(opened.left.code).toBe('INVALID_INPUT')
    expect(opened.left.message).toContain(message)
  })
})
