import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { StateError } from '../domain/state-error.js'
import type { StoreSpec } from './event-store.js'
import { fileStore } from './file-store.js'
import { chooseStateFile, storePaths } from './paths.js'

/**
 * The default store: the event log beside the snapshot file `stateFile` (undefined: the
 * `STAGECRAFT_STATE_FILE` variable, else `.stagecraft/releases.json`), for the `store` option.
 */
export const fileStoreSpec = (stateFile: string | undefined): StoreSpec => ({
  open: (context) =>
    pipe(
      chooseStateFile(stateFile, process.env, context.cwd),
      E.mapLeft(StateError.fromDomain),
      E.map((path) => fileStore(storePaths(path), context)),
    ),
})
