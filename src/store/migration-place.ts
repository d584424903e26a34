/**
 * Which of a migration's two stores an error is about. A migration works on two stores, neither of
 * them the one a command line or an environment names by default, so every error it returns names
 * the store it concerns: the source or the target, by its description, unless its message names
 * that store already (a file of it, or its server and schema).
 *
 * An error is placed once, where it arises: the layers it passes through on its way out (the
 * source's write holds the target's) leave a placed error as it is.
 */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../domain/state-error.js'
import { type EventStore, guardedSnapshotPath } from './event-store.js'

/** The side of a migration a store is. */
export type Side = 'source' | 'target'

const placed = new WeakSet<StateError>()

/**
 * Whether `message` names `store`: its description, one of its files (all begin with the state
 * file's name, less `.json`), or its server and schema.
 */
const names = (store: EventStore, message: string): boolean => {
  if (message.includes(store.description)) return true
  const stateFile = guardedSnapshotPath(store)
  if (stateFile !== undefined)
    return message.includes(stateFile.endsWith('.json') ? stateFile.slice(0, -'.json'.length) : stateFile)
  const database = /^PostgreSQL store (\S+), schema (.+)$/.exec(store.description)
  return (
    database !== null && message.includes(database[1] as string) && message.includes(`schema ${database[2] as string}`)
  )
}

/** `error`, placed at `store` (the migration's `side`) unless it was placed already. */
export const placeAt =
  (side: Side, store: EventStore) =>
  (error: StateError): StateError => {
    if (placed.has(error)) return error
    const named = names(store, error.message)
      ? error
      : new StateError(error.code, `${error.message} (the ${side}: ${store.description})`, { cause: error })
    placed.add(named)
    return named
  }

/** `work`, its failure placed at `store`. */
export const on = <A>(
  side: Side,
  store: EventStore,
  work: TE.TaskEither<StateError, A>,
): TE.TaskEither<StateError, A> => TE.mapLeft(placeAt(side, store))(work)
