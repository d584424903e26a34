/**
 * The decider: the whole business logic of release history as three pure values, in the shape
 * Emmett and the decider pattern give it. A command handler folds `evolve` over the stored events
 * from `initialState`, asks `decide`, and appends what it returns.
 */
import type * as E from 'fp-ts/lib/Either.js'
import type { Command } from './commands.js'
import { decide } from './decide.js'
import type { DomainError } from './errors.js'
import type { DomainEvent } from './events.js'
import { evolve } from './evolve.js'
import { initialState, type State } from './state.js'

/** Decides commands into events and folds events into state. */
export interface Decider<C, Ev, S> {
  readonly decide: (command: C, state: S) => E.Either<DomainError, ReadonlyArray<Ev>>
  readonly evolve: (state: S, event: Ev) => S
  readonly initialState: S
}

/** Release history's decider. */
export const decider: Decider<Command, DomainEvent, State> = { decide, evolve, initialState }
