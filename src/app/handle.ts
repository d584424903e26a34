/**
 * The command handler, the one path of every write: under the store's lock, catch up, let the
 * store prepare what it must record first (an import, accepted changes), decide, append, and
 * return what was recorded.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { Command } from '../domain/commands.js'
import { decider } from '../domain/decider.js'
import type { DomainEvent, EventEnvelope } from '../domain/events.js'
import { OUTSIDE_WRITER } from '../domain/outside-writes.js'
import type { State } from '../domain/state.js'
import { StateError } from '../domain/state-error.js'
import {
  type EventStore,
  type Intent,
  type Loaded,
  type Prepared,
  refusedWrite,
  unreadableLine,
  type WriteSession,
} from '../store/index.js'
import type { HistoryEvent } from './audit.js'
import { envelopesOf, type Recorder } from './recorder.js'

/** What a write recorded: the state after it, its events with their positions, and where the store ends. */
export interface Handled {
  readonly state: State
  readonly events: ReadonlyArray<HistoryEvent>
  readonly position: number
  /** The store after the write. */
  readonly after: Loaded
  /** What the command was decided on, and what the store recorded before it. */
  readonly prepared: Prepared
  /** The clock's reading the command was decided at. */
  readonly nowMs: number
}

/** What a write is decided with besides the command: where to catch up from, when, by whom, and why. */
export interface Handling {
  readonly from: Loaded
  readonly nowMs: number
  readonly recorder: Recorder
  readonly intent: Intent
}

// Nothing is recorded on top of events this version cannot interpret.
const writable = (loaded: Loaded): E.Either<StateError, Loaded> => {
  const refused = refusedWrite(loaded)
  return refused === undefined ? E.right(loaded) : E.left(refused)
}

/** Runs `work` under the store's lock, on the store caught up from `from`. */
export const locked = <A>(
  store: EventStore,
  from: Loaded,
  work: (session: WriteSession, loaded: Loaded) => TE.TaskEither<StateError, A>,
): TE.TaskEither<StateError, A> =>
  store.write((session) =>
    pipe(
      session.load(from),
      TE.flatMapEither(writable),
      TE.flatMap((loaded) => work(session, loaded)),
    ),
  )

const decided = (command: Command | undefined, state: State) =>
  command === undefined ? E.right([]) : pipe(decider.decide(command, state), E.mapLeft(StateError.fromDomain))

// Checked before the append: a line readers would refuse must never be written.
const readable = (envelopes: ReadonlyArray<EventEnvelope>): E.Either<StateError, ReadonlyArray<EventEnvelope>> => {
  const unreadable = unreadableLine(envelopes)
  return unreadable === undefined
    ? E.right(envelopes)
    : E.left(
        new StateError(
          'INVALID_INPUT',
          `the command is refused: ${unreadable} (a value it names is too long, such as a release id imported ` +
            'from releases.json); nothing was recorded',
        ),
      )
}

const appended = (
  session: WriteSession,
  prepared: Prepared,
  envelopes: ReadonlyArray<EventEnvelope>,
  nowMs: number,
): TE.TaskEither<StateError, Handled> => {
  const start = prepared.loaded.cursor.position
  return pipe(
    session.append(prepared, envelopes),
    TE.map((after) => ({
      state: after.state,
      events: envelopes.map((recorded, i) => ({ ...recorded, position: start + i + 1 })),
      position: after.cursor.position,
      after,
      prepared,
      nowMs,
    })),
  )
}

const isAdopted = (event: DomainEvent): boolean => event.type === 'SnapshotReconciled' && event.data.adopted === true

// What another tool wrote is its own command, recorded in its name; what the store prepared and the command decided
// are the caller's.
const enveloped = (
  recorder: Recorder,
  prepared: Prepared,
  events: ReadonlyArray<DomainEvent>,
  nowMs: number,
): ReadonlyArray<EventEnvelope> => {
  const last = prepared.loaded.lastRecordedAt
  const outside = prepared.pending.filter(isAdopted)
  const own = [...prepared.pending.filter((event) => !isAdopted(event)), ...events]
  return [
    ...envelopesOf({ ...recorder, actor: OUTSIDE_WRITER }, outside, nowMs, last),
    ...envelopesOf(recorder, own, nowMs, last),
  ]
}

/**
 * Handles `command` (none: records only what the store prepared). A refused command writes
 * nothing; every write of the manager passes here.
 */
export const handle = (
  store: EventStore,
  command: Command | undefined,
  { from, nowMs, recorder, intent }: Handling,
): TE.TaskEither<StateError, Handled> =>
  locked(store, from, (session, loaded) =>
    pipe(
      session.prepare(loaded, intent),
      TE.flatMap((prepared) =>
        pipe(
          decided(command, prepared.state),
          E.map((events) => enveloped(recorder, prepared, events, nowMs)),
          E.flatMap(readable),
          TE.fromEither,
          TE.flatMap((envelopes) => appended(session, prepared, envelopes, nowMs)),
        ),
      ),
    ),
  )
