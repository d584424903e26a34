/**
 * Which store the CLI opens: the file store at the state file by default; `--store URL` (or `STAGECRAFT_STATE_URL`)
 * chooses PostgreSQL, and an explicit state file then names a local copy of the projection.
 */
import { resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import {
  DEFAULT_STATE_FILE,
  postgresStore,
  STATE_FILE_VARIABLE,
  STATE_URL_VARIABLE,
  type StateManagerOptions,
  type StoreSpec,
} from '../index.js'
import { isPostgresLocation } from '../internals.js'
import type { Globals } from './globals.js'
import { type UsageError, usageError } from './usage.js'
import { parseDuration } from './values.js'

/** What the CLI reads from its surroundings. */
export interface Surroundings {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly onWarning: (message: string) => void
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value

/** The store the globals name; `undefined` is the file store at the state file. */
const storeFor = (globals: Globals, env: Surroundings['env']): E.Either<UsageError, StoreSpec | undefined> => {
  if (globals.store !== undefined && globals.store.trim() === '') return E.left(usageError('--store is empty'))
  const url = globals.store ?? nonEmpty(env[STATE_URL_VARIABLE])
  if (url === undefined) return E.right(undefined)
  const where = globals.store === undefined ? STATE_URL_VARIABLE : '--store'
  // Only the scheme is repeated: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url.trim())?.[0]
  if (!isPostgresLocation(url))
    return E.left(
      usageError(
        `${where} must be a postgres:// URL${scheme === undefined ? '' : `, not a ${scheme} one`}; the ` +
          'file store is chosen with --state-file',
      ),
    )
  return E.right(
    postgresStore({ connectionString: url, snapshotFile: globals.stateFile ?? nonEmpty(env[STATE_FILE_VARIABLE]) }),
  )
}

/** The state-manager options of one run; the state file is resolved here, from what the CLI was given. */
export const managerOptionsFor = (
  globals: Globals,
  surroundings: Surroundings,
): E.Either<UsageError, StateManagerOptions> => {
  if (globals.stateFile !== undefined && globals.stateFile.trim() === '')
    return E.left(usageError('--state-file is empty'))
  const lockTimeout =
    globals.lockTimeout === undefined ? E.right(undefined) : parseDuration('lock-timeout', globals.lockTimeout)
  if (E.isLeft(lockTimeout)) return lockTimeout
  const store = storeFor(globals, surroundings.env)
  if (E.isLeft(store)) return store
  // A store named on purpose that was never written is more likely a typo than a new project: reads say so.
  const named =
    store.right !== undefined ||
    globals.stateFile !== undefined ||
    nonEmpty(surroundings.env[STATE_FILE_VARIABLE]) !== undefined
  if (globals.sealKey !== undefined && globals.sealKey.trim() === '') return E.left(usageError('--seal-key is empty'))
  const sealKey = globals.sealKey ?? nonEmpty(surroundings.env['STAGECRAFT_SEAL_KEY'])
  return E.right({
    store: store.right,
    missingStore: named ? 'error' : 'empty',
    stateFile: globals.stateFile ?? nonEmpty(surroundings.env[STATE_FILE_VARIABLE]) ?? DEFAULT_STATE_FILE,
    actor: globals.actor ?? nonEmpty(surroundings.env['STAGECRAFT_ACTOR']),
    lockTimeoutMs: lockTimeout.right,
    onWarning: surroundings.onWarning,
    cwd: surroundings.cwd,
    ...(globals.refuseOutsideWrites ? { refuseOutsideWrites: true } : {}),
    ...(sealKey === undefined ? {} : { seal: { key: { file: resolve(surroundings.cwd, sealKey) } } }),
  })
}
