/**
 * Whether a file store exists, and where one may be when it does not: a mistyped `--state-file` reads as an empty
 * history otherwise, which in an incident looks like "nothing was ever deployed".
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../domain/state-error.js'
import type { Absence } from './event-store.js'
import { editDistance } from './edit-distance.js'
import { DEFAULT_STATE_FILE, storePaths, type StorePaths } from './paths.js'

const LOG_SUFFIX = '.events.ndjson'

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** Whether a store is kept at `stateFile`: its snapshot or its log is there. */
const holdsStore = (paths: StorePaths): boolean => existsSync(paths.stateFile) || existsSync(paths.eventLog)

/**
 * The state files in `directory`: every one with an event log, and a `.json` file named close to `wanted` (a Go-written
 * releases.json has no log; a config.json beside it is no state file, and is not named unless its name is close).
 */
const stateFilesIn = (directory: string, wanted: string): ReadonlyArray<string> => {
  let names: string[]
  try {
    names = readdirSync(directory)
  } catch {
    return []
  }
  const logged = names.filter((name) => name.endsWith(LOG_SUFFIX)).map((name) => name.slice(0, -LOG_SUFFIX.length))
  const close = names.filter((name) => name.endsWith('.json') && editDistance(name, wanted) <= 3)
  const candidates = [...new Set([...logged.map((name) => `${name}.json`), ...close])].filter((name) => name !== wanted)
  return candidates
    .sort((a, b) => editDistance(a, wanted) - editDistance(b, wanted) || a.localeCompare(b))
    .map((name) => join(directory, name))
}

/** The nearest existing state file: in the same directory, else the default one under `cwd`. */
const nearestStateFile = (paths: StorePaths, cwd: string): string | undefined => {
  const [sameDirectory] = stateFilesIn(paths.directory, basename(paths.stateFile))
  if (sameDirectory !== undefined) return sameDirectory
  const fallback = resolve(cwd, DEFAULT_STATE_FILE)
  return fallback !== paths.stateFile && holdsStore(storePaths(fallback)) ? fallback : undefined
}

/** Why the file store at `paths` does not exist, and the nearest that does; `undefined` when it exists. */
export const fileStoreAbsence = (paths: StorePaths, cwd: string): Absence | undefined => {
  if (holdsStore(paths)) return undefined
  const directory = dirname(paths.stateFile)
  const what = isDirectory(directory)
    ? `there is no state file ${paths.stateFile} and no event log beside it`
    : `there is no state file ${paths.stateFile}: its directory ${directory} does not exist`
  return { what, instead: nearestStateFile(paths, cwd) }
}

/** {@link fileStoreAbsence} as a store's `absence`. */
export const fileAbsence =
  (paths: StorePaths, cwd: string): TE.TaskEither<StateError, Absence | undefined> =>
  async () =>
    E.right(fileStoreAbsence(paths, cwd))
