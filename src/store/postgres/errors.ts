/** What the driver throws, as this module's stable codes: which server and schema, what was done, what to check. */
import { isStateError, StateError, type StateErrorCode } from '../../domain/state-error.js'
import type { PostgresConfig } from './config.js'

/** Errors raised by the store's own triggers: a break of the chain, and a change to the append-only table. */
export const SQLSTATE_BROKEN_CHAIN = 'SC001'
export const SQLSTATE_APPEND_ONLY = 'SC002'

/** The parts of a driver error that matter here: the SQLSTATE of a server error, or the errno of a socket error. */
interface DriverError {
  readonly code?: unknown
  readonly message?: unknown
}

/** Socket errors and driver messages that mean no connection could be made or kept. */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT',
])
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout expired|Client was closed|Connection ended|Cannot use a pool after calling end|does not support SSL connections|Query read timeout/i
/** Client-side refusals to authenticate (a password the server asks for and none was given, ...). */
const AUTH_MESSAGES = /password|SASL|SCRAM|authentication/i

const unreachableState = (state: string): boolean =>
  state.startsWith('08') || // connection exception
  state === '57P01' || // admin_shutdown (also: the backend was terminated)
  state === '57P02' || // crash_shutdown
  state === '57P03' || // cannot_connect_now (starting up, shutting down)
  state === '53300' || // too_many_connections
  state === '3D000' // invalid_catalog_name: no such database

const codeOf = (state: string, message: string): StateErrorCode => {
  if (state === '28000' || state === '28P01') return 'DB_AUTH_FAILED'
  if (state === '42501') return 'DB_PERMISSION_DENIED'
  if (state === '55P03') return 'LOCK_TIMEOUT'
  if (state === SQLSTATE_BROKEN_CHAIN || state === SQLSTATE_APPEND_ONLY) return 'CORRUPT_STATE'
  if (unreachableState(state) || NETWORK_ERRNOS.has(state) || CONNECTION_MESSAGES.test(message)) return 'DB_UNREACHABLE'
  if (!/^[0-9A-Z]{5}$/.test(state) && AUTH_MESSAGES.test(message)) return 'DB_AUTH_FAILED'
  return 'DB_ERROR'
}

const advice: Partial<Record<StateErrorCode, string>> = {
  DB_UNREACHABLE:
    'check that the server is running and that the host, port and database of the connection string are right',
  DB_AUTH_FAILED:
    "check the user and password (connection string, PGPASSWORD or ~/.pgpass) and the server's pg_hba.conf",
  DB_PERMISSION_DENIED: 'see "Permissions" in docs/postgres.md for the grants each role needs',
}

/** Advice for failures whose message says more than their code. */
const hintFor = (reason: string): string | undefined => {
  // pg-pool's word for "every connection of this store stayed busy", not for an unreachable server.
  if (/timeout exceeded when trying to connect/.test(reason))
    return 'every connection of this store stayed busy: raise maxConnections or connectTimeoutMs'
  if (/Query read timeout/.test(reason))
    return (
      'the server did not answer in time (queryTimeoutMs, for a write also the lock wait): the network or ' +
      'the server stalled; the connection was closed'
    )
  if (/does not support SSL connections/.test(reason))
    return (
      'the connection string asks for TLS (sslmode), which the server does not offer: enable ssl on the ' +
      'server, or reach it another way'
    )
  return undefined
}

/** Whether an error means the connection is gone, so it must not go back to the pool. */
export const isConnectionLoss = (error: unknown): boolean => classify(error) === 'DB_UNREACHABLE'

/** The stable code of a driver error. */
export const classify = (error: unknown): StateErrorCode => {
  if (isStateError(error)) return error.code
  const { code, message } = (error ?? {}) as DriverError
  return codeOf(typeof code === 'string' ? code : '', typeof message === 'string' ? message : String(error))
}

/** The error for a failure of the driver or the server while `doing` something with the store. */
export const databaseError = (
  config: Pick<PostgresConfig, 'server' | 'schema'>,
  doing: string,
  error: unknown,
): StateError => {
  if (isStateError(error)) return error
  const code = classify(error)
  const raw = (error as DriverError | undefined)?.message
  const reason = typeof raw === 'string' && raw !== '' ? raw : String(error)
  const state = (error as DriverError | undefined)?.code
  const detail = typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? `${reason} (SQLSTATE ${state})` : reason
  const hint = hintFor(reason) ?? advice[code]
  return new StateError(
    code,
    `${config.server} (schema ${config.schema}): could not ${doing}: ${detail}${hint === undefined ? '' : `; ${hint}`}`,
    { cause: error },
  )
}
