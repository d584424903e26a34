/**
 * The error every public operation rejects (or returns as a `Left`) with.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { type DomainError, ERROR_CODES as DOMAIN_ERROR_CODES } from './errors.js'

/**
 * Every stable code: the domain's, plus `IO_ERROR` for a file the system would not let us read or
 * write (permissions, a full disk), which is never a reason to change or lose data, plus the
 * PostgreSQL store's: the server cannot be reached, refuses the login or the privileges, keeps a
 * schema newer than this module, or fails otherwise (`DB_ERROR`), plus `NEWER_VERSION`: a write
 * refused because the store holds events a newer version of this module recorded, plus `STORE_NOT_FOUND`: a read, with
 * the `missingStore: 'error'` option, of a store that was never written (no state file or log, no schema).
 */
export const ERROR_CODES = [
  ...DOMAIN_ERROR_CODES,
  'IO_ERROR',
  'DB_UNREACHABLE',
  'DB_AUTH_FAILED',
  'DB_PERMISSION_DENIED',
  'SCHEMA_TOO_NEW',
  'DB_ERROR',
  'NEWER_VERSION',
  'STORE_NOT_FOUND',
] as const

/** One of {@link ERROR_CODES}. */
export type StateErrorCode = (typeof ERROR_CODES)[number]

/** A failure of a stagecraft-state operation: a stable `code` and a message a person can act on. */
export class StateError extends Error {
  override readonly name = 'StateError'
  readonly code: StateErrorCode

  constructor(code: StateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }

  /** The error for a domain failure. */
  static fromDomain(error: DomainError): StateError {
    return new StateError(error.code, error.message)
  }
}

/** Whether a value is a {@link StateError}, optionally with a given code. */
export const isStateError = (value: unknown, code?: StateErrorCode): value is StateError =>
  value instanceof StateError && (code === undefined || value.code === code)

/** The error for a failed system call on `file`, naming what was being done. */
export const ioError = (doing: string, file: string, cause: unknown): StateError => {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code
  const reason =
    errno === 'EACCES' || errno === 'EPERM'
      ? 'permission denied'
      : errno === 'ENOSPC'
        ? 'no space left on the device'
        : errno === 'EROFS'
          ? 'read-only file system'
          : errno === 'EISDIR'
            ? 'it is a directory'
            : errno === 'ENOTDIR'
              ? 'a part of the path is not a directory'
              : errno === 'ELOOP'
                ? 'it is a symbolic link, which stagecraft-state does not write through'
                : cause instanceof Error
                  ? cause.message
                  : String(cause)
  return new StateError('IO_ERROR', `${file}: could not ${doing}: ${reason}`, { cause })
}

/** A `StateError` thrown inside a step becomes a `Left`; anything else thrown is a bug, and is rethrown. */
export const settled =
  <A>(step: TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
  async () => {
    try {
      return await step()
    } catch (error) {
      if (isStateError(error)) return E.left(error)
      throw error
    }
  }
