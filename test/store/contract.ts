/**
 * The behaviour every event store must have, whatever it keeps events in. Each store's test file
 * runs this suite against a fresh, empty store per test.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { describe, expect, it } from 'vitest'
import { type CommandInput, type EventEnvelope, evolve, initialState, type State } from '../../src/domain/index.js'
import { StateError } from '../../src/domain/state-error.js'
import {
  type Cursor,
  emptyLoaded,
  type EventStore,
  type ForeignEvent,
  type StoredEvent,
  unprepared,
  type Visitor,
} from '../../src/store/event-store.js'
import { deployEnvelopes, wrap } from '../support/envelopes.js'
import type { RawLine } from '../support/raw-lines.js'
import { newerLine } from '../app/forward-compat-contract.js'
import { decideInput } from '../domain/specification.js'

/** Opens a fresh, empty store, and a second handle on the same store (another process's view). */
export interface ContractSubject {
  readonly store: EventStore
  readonly reopen: () => Promise<EventStore>
  /** Appends raw lines, chained, as another version of this module would (see test/support/raw-lines.ts). */
  readonly appendLines: (lines: ReadonlyArray<RawLine>) => Promise<void>
}

const right = async <A>(task: TE.TaskEither<StateError, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw result.left
  return result.right
}

const left = async <A>(task: TE.TaskEither<StateError, A>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

const collect = (): { visitor: Visitor; events: StoredEvent[] } => {
  const events: StoredEvent[] = []
  return { events, visitor: { event: (event) => void events.push(event) } }
}

/** Reads everything after `cursor`. */
export const readAll = async (
  store: EventStore,
  cursor: Cursor = store.origin,
): Promise<{ events: StoredEvent[]; cursor: Cursor }> => {
  const { events, visitor } = collect()
  const end = await right(store.read(cursor, visitor))
  return { events, cursor: end.cursor }
}

/** Appends under the lock at the current end, as a manager does. */
export const appendAll = (store: EventStore, envelopes: ReadonlyArray<EventEnvelope>): Promise<Cursor> =>
  right(
    store.write((session) =>
      pipe(
        session.load(emptyLoaded(store.origin)),
        TE.chain((loaded) => session.append(unprepared(loaded), envelopes)),
        TE.map((after) => after.cursor),
      ),
    ),
  )

/** Runs the contract against the stores `open` makes. */
export const eventStoreContract = (name: string, open: () => Promise<ContractSubject>): void => {
  describe(`${name} honours the event store contract`, () => {
    it('given a new store, when it is read, then there are no events and the cursor stays at the origin', async () => {
      const { store } = await open()
      const { events, cursor } = await readAll(store)
      expect(events).toEqual([])
      expect(cursor.position).toBe(0)
    })

    it('given appended events, when read from the origin, then they come back equal, in order, numbered from 1', async () => {
      const { store } = await open()
      const envelopes = deployEnvelopes(9)
      const end = await appendAll(store, envelopes)
      expect(end.position).toBe(9)
      const { events, cursor } = await readAll(store)
      expect(events.map((e) => e.envelope)).toEqual(envelopes)
      expect(events.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(cursor.position).toBe(9)
      expect(new Set(events.map((e) => e.location)).size).toBe(9)
    })

    it('given a cursor, when read again, then only what was appended after it comes back', async () => {
      const { store } = await open()
      const envelopes = deployEnvelopes(10)
      await appendAll(store, envelopes.slice(0, 4))
      const first = await readAll(store)
      await appendAll(store, envelopes.slice(4))
      const rest = await readAll(store, first.cursor)
      expect(rest.events.map((e) => e.envelope)).toEqual(envelopes.slice(4))
      expect(rest.events[0]?.position).toBe(5)
      const none = await readAll(store, rest.cursor)
      expect(none.events).toEqual([])
    })

    it('given events appended through one handle, when another handle reads, then it sees them (another process)', async () => {
      const { store, reopen } = await open()
      const envelopes = deployEnvelopes(5)
      await appendAll(store, envelopes)
      const other = await reopen()
      expect((await readAll(other)).events.map((e) => e.envelope)).toEqual(envelopes)
      await appendAll(other, deployEnvelopes(7).slice(5))
      expect((await readAll(store)).events).toHaveLength(7)
      await other.close()
    })

    it('given writes under request ids, each appended as a command, a reopened store (another process) knows every id, and a retry decided on it records nothing', async () => {
      const { store, reopen } = await open()
      const start = Date.UTC(2025, 0, 1, 12)
      let state: State = initialState
      const record = async (command: CommandInput, at: number) => {
        const events = decideInput(command, state)
        if (E.isLeft(events)) throw new Error(events.left.message)
        state = events.right.reduce(evolve, state)
        await appendAll(store, wrap(events.right, at))
      }
      const create: CommandInput = {
        type: 'CreateRelease',
        environment: 'prod',
        version: 'v1',
        commitSha: 'abc123',
        now: start,
        requestId: 'deploy-42',
      }
      await record(create, start)
      const id = state.current.get('prod')?.id as string
      const update: CommandInput = {
        type: 'UpdatePhase',
        releaseId: id,
        phase: 'build',
        status: 'running',
        requestId: 'build-1',
      }
      await record(update, start + 1000)
      const recover: CommandInput = { type: 'RecoverRelease', releaseId: id, reason: 'killed', requestId: 'recover-1' }
      await record(recover, start + 2000)

      const other = await reopen()
      const cold = (await right(other.load(emptyLoaded(other.origin)))).state
      expect(
        [...['deploy-42', 'build-1', 'recover-1']].map((key) => [
          cold.requests.get(key)?.command,
          cold.requests.get(key)?.releaseId,
        ]),
      ).toEqual([
        ['CreateRelease', id],
        ['UpdatePhase', id],
        ['RecoverRelease', id],
      ])
      expect(cold.requests.get('deploy-42')?.at).toBe(new Date(start).toISOString())
      for (const retry of [{ ...create, now: start + 60_000 }, update, recover])
        expect(decideInput(retry, cold)).toEqual(E.right([]))
      expect(decideInput({ ...create, version: 'v2' }, cold)).toEqual(
        E.left(expect.objectContaining({ code: 'INVALID_INPUT' })),
      )
      await other.close()
    })

    it('given a cursor behind the end, when appending at it, then the append is refused and nothing is written', async () => {
      const { store } = await open()
      const envelopes = deployEnvelopes(4)
      await appendAll(store, envelopes.slice(0, 2))
      // What it appends would follow the stale point; only the store's end is wrong.
      const stale = unprepared(emptyLoaded(store.origin))
      const error = await left(store.write((session) => session.append(stale, envelopes.slice(0, 2))))
      expect(error.code).toBe('CORRUPT_STATE')
      expect((await readAll(store)).events).toHaveLength(2)
    })

    it('given two writes at once, when both run, then their work never overlaps', async () => {
      const { store } = await open()
      let inside = 0
      let overlapped = false
      const work = () =>
        store.write(() => async () => {
          inside++
          if (inside > 1) overlapped = true
          await new Promise((resolve) => setTimeout(resolve, 20))
          inside--
          return E.right(undefined)
        })
      await Promise.all([right(work()), right(work()), right(work())])
      expect(overlapped).toBe(false)
    })

    it('given a write whose work fails, then nothing is appended and the next write takes the lock', async () => {
      const { store } = await open()
      const failure = new StateError('INVALID_INPUT', 'refused by the test')
      expect(await left(store.write(() => TE.left(failure)))).toBe(failure)
      await expect(store.write(() => () => Promise.reject(new Error('a bug')))()).rejects.toThrow('a bug')
      await appendAll(store, deployEnvelopes(1))
      expect((await readAll(store)).events).toHaveLength(1)
    })

    it('given a visitor that stops, then the read ends after that event and resumes from its cursor', async () => {
      const { store } = await open()
      const envelopes = deployEnvelopes(6)
      await appendAll(store, envelopes)
      const seen: number[] = []
      const end = await right(
        store.read(store.origin, { event: (e) => (seen.push(e.position), e.position === 3 ? 'stop' : undefined) }),
      )
      expect(seen).toEqual([1, 2, 3])
      expect(end.cursor.position).toBe(3)
      expect((await readAll(store, end.cursor)).events.map((e) => e.position)).toEqual([4, 5, 6])
    })

    it('given a visitor that fails, then the read fails with its error', async () => {
      const { store } = await open()
      await appendAll(store, deployEnvelopes(3))
      const failure = new StateError('CORRUPT_STATE', 'refused by the visitor')
      expect(await left(store.read(store.origin, { event: (e) => (e.position === 2 ? failure : undefined) }))).toBe(
        failure,
      )
    })

    it('given a staged write, then nothing of it is seen before its commit, all of it at once after, and none if it ends without one', async () => {
      const { store, reopen } = await open()
      const envelopes = deployEnvelopes(10)
      await appendAll(store, envelopes.slice(0, 3))
      const other = await reopen()
      const seen: Record<string, number> = {}
      await right(
        store.writeStaged((session) => async () => {
          const caught = await right(session.load(emptyLoaded(store.origin)))
          const middle = await right(session.append(unprepared(caught), envelopes.slice(3, 6)))
          await right(session.append(unprepared(middle), envelopes.slice(6, 9)))
          seen['by another reader before the commit'] = (await readAll(other)).events.length
          const own: number[] = []
          await right(session.read(caught.cursor, { event: (e) => void own.push(e.position) }))
          seen['by the session itself'] = own.length
          await right(session.commit())
          seen['by another reader after the commit'] = (await readAll(other)).events.length
          return E.right(undefined)
        }),
      )
      expect(seen).toEqual({
        'by another reader before the commit': 3,
        'by the session itself': 6,
        'by another reader after the commit': 9,
      })
      // Ending without a commit, whether the work succeeds or fails, leaves what it staged out.
      const uncommitted = (end: E.Either<StateError, undefined>) =>
        store.writeStaged(
          (session) => async () => (
            await right(
              session.append(unprepared(await right(session.load(emptyLoaded(store.origin)))), envelopes.slice(9)),
            ),
            end
          ),
        )()
      await uncommitted(E.right(undefined))
      await uncommitted(E.left(new StateError('INVALID_INPUT', 'refused by the test')))
      expect((await readAll(other)).events.map((e) => e.envelope)).toEqual(envelopes.slice(0, 9))
      await other.close()
    })

    it("given an event of a newer version between two of ours, when read, then it goes to the visitor's foreign handler with its place, in order; without one, the read is NEWER_VERSION", async () => {
      const { store, appendLines } = await open()
      const envelopes = deployEnvelopes(3)
      await appendAll(store, envelopes.slice(0, 2))
      await appendLines([newerLine({ type: 'ReleaseSealed', writer: '0.6.0' })])
      // What this version writes after it (only a test can: a manager refuses), chained to it.
      await appendAll(store, envelopes.slice(2))
      const seen: Array<string | number> = []
      const foreign: ForeignEvent[] = []
      const end = await right(
        store.read(store.origin, {
          event: (e) => void seen.push(e.position),
          foreign: (e) => void (foreign.push(e), seen.push(`foreign ${e.position}`)),
        }),
      )
      expect(seen).toEqual([1, 2, 'foreign 3', 4])
      expect(end.cursor.position).toBe(4)
      expect(foreign.map((e) => e.foreign)).toEqual([
        { v: 1, type: 'ReleaseSealed', writer: '0.6.0', command: expect.any(String) },
      ])
      expect(foreign[0]?.location).toMatch(/:3$/)
      const refused = await left(store.read(store.origin, { event: () => undefined }))
      expect(refused.code).toBe('NEWER_VERSION')
      expect(refused.message).toContain(
        `${foreign[0]?.location}: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0`,
      )
    })

    it('given a new store, then it reports no leftovers', async () => {
      const { store } = await open()
      expect(await right(store.leftovers())).toEqual([])
    })
  })
}
