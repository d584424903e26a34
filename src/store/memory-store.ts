/**
 * The in-memory store: the history as the lines the file store's log would hold, with the same
 * hash chain, in this process's memory; for tests and for embedding. Nothing is durable, and only
 * the handles of this process share it: every handle opened on one `memoryStore()` is one store.
 */
import { randomUUID } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { parseText } from '../domain/input.js'
import { kindOf } from '../domain/show.js'
import { StateError } from '../domain/state-error.js'
import type { Cursor, EventStore, ReadEnd, StoreContext, StoreSpec, Visitor } from './event-store.js'
import { foldRead, type Read } from './fold.js'
import { unreadable } from './foreign-events.js'
import { chainProblem, decodeLogLine, encodeLogLine, GENESIS_HASH, hashLine, isForeignLine } from './log-line.js'
import { type Appending, writeSessionOver } from './raw-session.js'

/** How an in-memory store is named. */
export interface MemoryStoreOptions {
  /** What the store is called in messages and locations (default: `in-memory store` and a random name). */
  readonly description?: string | undefined
}

/** An in-memory store, chosen as any other store is, and its history as log lines. */
export interface MemoryStoreSpec extends StoreSpec {
  /** The lines of the history, as a file store's event log would hold them (without newlines). */
  readonly lines: ReadonlyArray<string>
}

/** The writers of one store: whether one holds the lock, and the others in the order they came. */
interface Lock {
  held: boolean
  readonly waiting: Array<() => void>
}

const ORIGIN: Cursor = Object.freeze({ position: 0, hash: GENESIS_HASH })

// setTimeout fires at once for a longer wait.
const MAX_WAIT_MS = 2 ** 31 - 1

const corrupt = (message: string): StateError => new StateError('CORRUPT_STATE', message)

/** Where `lines` end. */
const endOf = (lines: ReadonlyArray<string>): Cursor => {
  const last = lines.at(-1)
  return last === undefined ? ORIGIN : { position: lines.length, hash: hashLine(last) }
}

/** Reads the lines after `cursor`, checking each line and the chain as the file store does. */
const readLines =
  (lines: ReadonlyArray<string>, where: string): Read =>
  (cursor: Cursor, visitor: Visitor): TE.TaskEither<StateError, ReadEnd> =>
  async () => {
    const at = cursor.position
    const hashThere = at === 0 ? GENESIS_HASH : at <= lines.length ? hashLine(lines[at - 1] as string) : undefined
    if (hashThere !== cursor.hash)
      return E.left(corrupt(`${where}:${at}: the history is not the one this cursor was read from`))
    let hash = cursor.hash
    for (let position = at + 1; position <= lines.length; position++) {
      const line = lines[position - 1] as string
      const location = `${where}:${position}`
      const decoded = decodeLogLine(line)
      const checked =
        E.isRight(decoded) && decoded.right.prev !== hash ? E.left(chainProblem(position, 'event')) : decoded
      hash = hashLine(line)
      visitor.lineHash?.(position, hash)
      if (E.isLeft(checked)) {
        if (visitor.problem === undefined) return E.left(corrupt(`${location}: ${checked.left}`))
        visitor.problem({ location, message: checked.left })
        continue
      }
      const read = checked.right
      const result = !isForeignLine(read)
        ? visitor.event({ envelope: read.envelope, position, location })
        : (visitor.foreign ?? unreadable)({ foreign: read.foreign, position, location })
      if (result instanceof StateError) return E.left(result)
      if (result === 'stop') return E.right({ cursor: { position, hash } })
    }
    return E.right({ cursor: { position: lines.length, hash } })
  }

/** Appends after `from`, which must be the end of `lines`. */
const appendLines =
  (lines: string[], where: string) =>
  ({ from, envelopes }: Appending): TE.TaskEither<StateError, Cursor> =>
  async () => {
    const end = endOf(lines)
    if (from.cursor.position !== end.position || from.cursor.hash !== end.hash)
      return E.left(
        corrupt(
          `${where}: the history ends at event ${end.position}, not at event ${from.cursor.position} ` +
            'where this append was decided; nothing was appended',
        ),
      )
    // Pushed at once, without awaiting: no reader sees part of the append.
    let { hash } = end
    for (const envelope of envelopes) {
      const line = encodeLogLine(envelope, hash)
      hash = hashLine(line)
      lines.push(line)
    }
    return E.right({ position: lines.length, hash })
  }

/** Takes `lock`, free or handed over after the writers that came first: false after `timeoutMs`. */
const turn = (lock: Lock, timeoutMs: number): Promise<boolean> => {
  if (!lock.held) {
    lock.held = true
    return Promise.resolve(true)
  }
  return new Promise((resolve) => {
    const enter = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(
      () => {
        lock.waiting.splice(lock.waiting.indexOf(enter), 1)
        resolve(false)
      },
      Math.min(timeoutMs, MAX_WAIT_MS),
    )
    lock.waiting.push(enter)
  })
}

/** Runs `work` holding `lock`, or `LOCK_TIMEOUT` after `timeoutMs` waiting for it. */
const locked =
  <A>(lock: Lock, timeoutMs: number, where: string, work: TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
  async () => {
    if (!(await turn(lock, timeoutMs)))
      return E.left(
        new StateError(
          'LOCK_TIMEOUT',
          `${where}: gave up after ${timeoutMs} ms waiting for the write lock, ` +
            'held by another writer of this process',
        ),
      )
    try {
      return await work()
    } finally {
      // Handed straight to the next writer, so that none that came later overtakes it.
      const next = lock.waiting.shift()
      if (next === undefined) lock.held = false
      else next()
    }
  }

/** A handle on the history `lines`, written under `lock`. */
const memoryEventStore = (
  lines: string[],
  lock: Lock,
  names: { readonly description: string; readonly identity: string },
  context: Pick<StoreContext, 'lockTimeoutMs'>,
): EventStore => {
  const { description } = names
  const read = readLines(lines, description)
  const sessionOn = (target: string[]) =>
    writeSessionOver({ read: readLines(target, description), append: appendLines(target, description) }, description)
  return {
    description,
    origin: ORIGIN,
    read,
    load: (from) => foldRead(read, from),
    write: (work) => locked(lock, context.lockTimeoutMs, description, () => work(sessionOn(lines))()),
    writeStaged: (work) =>
      locked(lock, context.lockTimeoutMs, description, async () => {
        // Appended to a copy, which the commit makes the history: nothing of it is seen before.
        const staged = [...lines]
        let held = true
        const commit = (): TE.TaskEither<StateError, void> => async () => {
          // Only under the lock the staging was made under: later, others may have appended.
          if (!held) return E.left(corrupt(`${description}: a staged write was committed after its session ended`))
          for (const line of staged.slice(lines.length)) lines.push(line)
          return E.right(undefined)
        }
        try {
          return await work({ ...sessionOn(staged), commit })()
        } finally {
          held = false
        }
      }),
    identity: () => async () => E.right(names.identity),
    leftovers: () => async () => E.right([]),
    close: async () => undefined,
  }
}

// A JavaScript caller may pass anything: refused when the store is opened, as other stores' options are.
const descriptionOf = (options: unknown, fallback: string): E.Either<StateError, string> => {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return E.left(
      new StateError('INVALID_INPUT', `the options of memoryStore must be an object, got ${kindOf(options)}`),
    )
  const given = (options as { readonly description?: unknown }).description
  return given === undefined
    ? E.right(fallback)
    : pipe(parseText('the description of memoryStore')(given), E.mapLeft(StateError.fromDomain))
}

/** A new, empty in-memory store: every handle opened on it (any number of managers) shares its history and its lock. */
export const memoryStore = (options: MemoryStoreOptions = {}): MemoryStoreSpec => {
  const id = randomUUID()
  const lines: string[] = []
  const lock: Lock = { held: false, waiting: [] }
  return {
    lines,
    open: (context) =>
      pipe(
        descriptionOf(options, `in-memory store ${id.slice(0, 8)}`),
        E.map((description) => memoryEventStore(lines, lock, { description, identity: `memory ${id}` }, context)),
      ),
  }
}
