/** What the PostgreSQL store makes of its projection when it opens, and what `verify` checks of it. */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { StateError } from '../../domain/state-error.js'
import {
  type Besides,
  type CheckpointCheck,
  type Cursor,
  emptyLoaded,
  type Loaded,
  type StoreProblem,
} from '../event-store.js'
import { foldRead, type Read } from '../fold.js'
import { countingWatch, type OnProgress } from '../progress.js'
import type { PostgresConfig } from './config.js'
import { stateDifferences } from '../state-differences.js'
import type { ProjectionRead } from './projection-table.js'
import type { ProjectionTrust } from './writer.js'

/** What was found of the projection: `none` when the schema does not exist (an empty history). */
export type Found = ProjectionRead | { readonly kind: 'none' }

/** A projection that folds more events than the events table holds, in words, with what to do. */
const lostItsEnd = (config: PostgresConfig, position: number, last: number): string =>
  `the projection folds ${position} events, but ${config.schema}.events ends at event ${last}: the events ` +
  'table lost its end (events deleted with its guards switched off, or an older copy of it restored), and ' +
  'the acknowledged writes it held are gone; nothing is read or written over it. ' +
  'Restore the schema from a backup; if an older events table was restored on purpose, delete the ' +
  `projection's row (DELETE FROM ${config.projection}) and the history is read from the events as they are`

/** How the store loads: from the projection when it can, and whether its next append must rebuild it. */
export interface ProjectionOpener {
  /** The store caught up from `from`: from the origin it starts from what `find` finds, else folds what follows. */
  readonly loadWith: (
    read: Read,
    find: () => TE.TaskEither<StateError, Found>,
  ) => (from: Loaded) => TE.TaskEither<StateError, Loaded>
  readonly trust: ProjectionTrust
}

/** The opener of the store `config` describes; `warn` is told once per reason when it replays instead. */
export const projectionOpener = (
  config: PostgresConfig,
  origin: Cursor,
  warn: (message: string) => void,
  onProgress?: OnProgress,
): ProjectionOpener => {
  // This process found the projection unusable: its next append rebuilds it whole.
  let mistrusted = false
  const warned = new Set<string>()
  const replaying = (why: string, newer: boolean): void => {
    mistrusted = true
    const message =
      `${config.server} (schema ${config.schema}): the projection ${why}; every event is replayed ` +
      `instead${newer ? '' : ' (the next write rebuilds it)'}`
    if (warned.has(message)) return
    warned.add(message)
    warn(message)
  }

  const loadCold = (read: Read, found: TE.TaskEither<StateError, Found>): TE.TaskEither<StateError, Loaded> =>
    pipe(
      found,
      TE.chain((projection) => {
        switch (projection.kind) {
          case 'none':
            return foldRead(read, emptyLoaded(origin), { watch: countingWatch('replay', onProgress) })
          case 'usable':
            return foldRead(read, projection.loaded)
          case 'ahead':
            return TE.left(
              new StateError(
                'CORRUPT_STATE',
                `${config.server} (schema ${config.schema}): ` +
                  `${lostItsEnd(config, projection.position, projection.last)}`,
              ),
            )
          case 'unusable':
            replaying(projection.why, projection.newer === true)
            return foldRead(read, emptyLoaded(origin), { watch: countingWatch('replay', onProgress) })
        }
      }),
    )

  return {
    loadWith: (read, find) => (from) => (from.cursor.position > 0 ? foldRead(read, from) : loadCold(read, find())),
    trust: {
      mistrusted: () => mistrusted,
      rebuilt: () => {
        mistrusted = false
      },
    },
  }
}

/** What `verify` checks beside the events: the projection, against a replay of the events up to its position. */
export const projectionBesides = (config: PostgresConfig, find: () => TE.TaskEither<StateError, Found>): Besides => {
  const location = `${config.server} ${config.schema}.projection`
  const compareAt =
    (held: Loaded) =>
    (replayed: Loaded): ReadonlyArray<StoreProblem> => {
      const differences = stateDifferences(held, replayed)
      if (differences.length === 0) return []
      const message =
        `differs from a replay of the events up to event ${held.cursor.position} at ` +
        `${differences.join(', ')}: processes opening the store would answer from it wrongly; ` +
        `delete its row (DELETE FROM ${config.projection}) and the next write rebuilds it from the events`
      return [{ severity: 'error', location, message }]
    }
  return {
    checkpoint: () =>
      pipe(
        find(),
        TE.map((projection): CheckpointCheck => {
          switch (projection.kind) {
            case 'none':
              return { problems: [] }
            case 'unusable':
              return {
                problems: [
                  {
                    severity: 'warning',
                    location,
                    message:
                      `not used: the projection ${projection.why}; readers replay every ` +
                      `event${projection.newer === true ? '' : ' until the next write rebuilds it'}`,
                  },
                ],
              }
            case 'ahead':
              return {
                problems: [
                  { severity: 'error', location, message: lostItsEnd(config, projection.position, projection.last) },
                ],
              }
            case 'usable':
              return {
                problems: [],
                compare: { position: projection.loaded.cursor.position, with: compareAt(projection.loaded) },
              }
          }
        }),
      ),
    // No snapshot check: its local releases.json is a copy, rewritten by every write of its process, not guarded.
  }
}
