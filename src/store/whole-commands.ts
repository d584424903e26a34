/**
 * Commands used whole or not at all: a reader hands on the events of a command that recorded several (`meta.events`)
 * only once the last is read, so a log ending inside a command (a torn append) ends before it for every reader.
 */
import * as E from 'fp-ts/lib/Either.js'
import { StateError } from '../domain/state-error.js'
import type { ForeignEvent, StoredEvent, Visitor } from './event-store.js'
import { unreadable } from './foreign-events.js'

/** What passes the gate: an event, or one of a newer version (its command is known when its envelope says). */
export type GatedEvent = StoredEvent | ForeignEvent

const isForeign = (event: GatedEvent): event is ForeignEvent => 'foreign' in event

/** Where a read stands after a line: what its cursor is made of. */
export interface Mark {
  readonly position: number
  readonly offset: number
  readonly hash: string
}

/** A command of several events, part of which was read: where it starts, and how many were taken. */
export interface WithinCommand {
  readonly before: Mark
  readonly command: string
  readonly of: number
  readonly taken: number
}

/** A command of several events being read: the events held back until the last of them. */
export interface OpenCommand extends WithinCommand {
  readonly held: Array<{ readonly event: GatedEvent; readonly after: Mark }>
}

/** The visitor asked to stop: where (`at`, after a held-back event, or where the read is), and how much was taken. */
export interface Stop {
  readonly at?: Mark
  readonly within?: WithinCommand
}

/** Hands a read's events to its visitor, a command at a time. */
export interface CommandGate {
  /** Takes an event the chain vouches for (`before`/`after`: asked only inside a command); undefined: read on. */
  readonly take: (event: GatedEvent, before: () => Mark, after: () => Mark) => E.Either<StateError, Stop> | undefined
  /** The command the read is inside, if any: at the end of the log, one cut short. */
  readonly open: () => OpenCommand | undefined
}

const cutShort = (open: OpenCommand): string =>
  `the command ${open.command} recorded ${open.of} events, but only ${open.taken + open.held.length} of ` +
  'them come before the events of another command (a command is appended whole: the log was written by ' +
  'something else)'

/** A gate for a read by `visitor`, resuming inside a command when `resumed` says a read stopped there. */
export const commandGate = (
  visitor: Visitor,
  location: (line: number) => string,
  resumed: WithinCommand | undefined,
): CommandGate => {
  let open: OpenCommand | undefined = resumed === undefined ? undefined : { ...resumed, held: [] }

  const visit = (event: GatedEvent, stop: Stop): E.Either<StateError, Stop> | undefined => {
    const result = !isForeign(event)
      ? visitor.event(event)
      : visitor.foreign === undefined
        ? unreadable(event)
        : visitor.foreign(event)
    if (result instanceof StateError) return E.left(result)
    return result === 'stop' ? E.right(stop) : undefined
  }

  /** Hands the events of a command on, once it is whole (or found cut short, for `verify`). */
  const release = (command: OpenCommand, whole: boolean): E.Either<StateError, Stop> | undefined => {
    open = undefined
    const { held, taken } = command
    for (const [i, { event, after }] of held.entries()) {
      // A read stopped before the command's last event resumes inside it.
      const within =
        whole && i < held.length - 1
          ? { before: command.before, command: command.command, of: command.of, taken: taken + i + 1 }
          : undefined
      const ended = visit(event, within === undefined ? { at: after } : { at: after, within })
      if (ended !== undefined) return ended
    }
    return undefined
  }

  return {
    take: (event, before, after) => {
      const { command, events: of = 1 } = isForeign(event)
        ? { command: event.foreign.command ?? '', events: event.foreign.events }
        : event.envelope.meta
      if (open !== undefined && (command !== open.command || of !== open.of)) {
        const where = location(open.before.position + 1)
        if (visitor.problem === undefined) return E.left(new StateError('CORRUPT_STATE', `${where}: ${cutShort(open)}`))
        visitor.problem({ location: where, message: cutShort(open) })
        const ended = release(open, false)
        if (ended !== undefined) return ended
      }
      if (open === undefined && of === 1) return visit(event, {})
      open ??= { before: before(), command, of, taken: 0, held: [] }
      open.held.push({ event, after: after() })
      return open.taken + open.held.length === of ? release(open, true) : undefined
    },
    open: () => open,
  }
}
