/** Where a file store keeps its files: the state file the user names, and beside it the log, lock and side files. */
import { basename, dirname, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { type DomainError, invalidInput } from '../domain/errors.js'

/** The default state file, relative to the working directory. */
export const DEFAULT_STATE_FILE = '.stagecraft/releases.json'

/** The environment variable that overrides the default state file. */
export const STATE_FILE_VARIABLE = 'STAGECRAFT_STATE_FILE'

/** The files of one store. */
export interface StorePaths {
  /** The snapshot, `releases.json`: the projection other tools read. */
  readonly stateFile: string
  /** The event log beside it: `X.json` -> `X.events.ndjson`. The source of truth. */
  readonly eventLog: string
  /** The write lock: `X.events.ndjson.lock`, named from the log, so every name of one store takes the same lock. */
  readonly lock: string
  /** The state folded up to a line of the log, a cache: `X.checkpoint`. */
  readonly checkpoint: string
  /** The SHA-256 of the snapshot as last written, and the point of the log it showed: `X.json.sha256`. */
  readonly snapshotRecord: string
  readonly directory: string
}

/** The paths of the store whose state file is `stateFile` (already chosen and resolved). */
export const storePaths = (stateFile: string): StorePaths => {
  const base = stateFile.endsWith('.json') ? stateFile.slice(0, -'.json'.length) : stateFile
  const eventLog = `${base}.events.ndjson`
  return {
    stateFile,
    eventLog,
    lock: `${eventLog}.lock`,
    checkpoint: `${base}.checkpoint`,
    snapshotRecord: `${stateFile}.sha256`,
    directory: dirname(stateFile),
  }
}

/** The state file: the option, else `STAGECRAFT_STATE_FILE`, else `.stagecraft/releases.json`, resolved. */
export const chooseStateFile = (
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): E.Either<DomainError, string> => {
  const chosen =
    option ?? (env[STATE_FILE_VARIABLE] === '' ? undefined : env[STATE_FILE_VARIABLE]) ?? DEFAULT_STATE_FILE
  if (typeof chosen !== 'string' || chosen.trim() === '') return E.left(invalidInput(`the state file path is empty`))
  if (chosen.includes('\0'))
    return E.left(invalidInput(`the state file path ${JSON.stringify(chosen)} contains a NUL character`))
  const path = resolve(cwd, chosen)
  if (basename(path) === '')
    return E.left(invalidInput(`the state file path ${JSON.stringify(chosen)} names a directory, not a file`))
  return E.right(path)
}

/** The time part of a side file's name (`...torn-<stamp>`, `...rejected-<stamp>`): sortable, no colons. */
export const sideFileStamp = (now: Date): string => now.toISOString().replace(/[-:]/g, '').replace('.', '-')
