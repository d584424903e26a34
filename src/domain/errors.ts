/** Expected domain failures as values: a stable `code`, and a message naming the bad value and the place. */

/** The stable error codes of stagecraft-state. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'RELEASE_NOT_FOUND',
  'INVALID_TRANSITION',
  'CORRUPT_STATE',
  'LOCK_TIMEOUT',
  'STATE_DRIFT',
  'RELEASE_IN_PROGRESS',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** A failure the domain expects and reports as a value, never by throwing. */
export interface DomainError {
  readonly code: ErrorCode
  readonly message: string
}

const failure =
  (code: ErrorCode) =>
  (message: string): DomainError => ({ code, message })

/** The caller passed something malformed: an empty environment, an unknown phase, ... */
export const invalidInput = failure('INVALID_INPUT')
/** The release (or the environment's current release) does not exist. */
export const releaseNotFound = failure('RELEASE_NOT_FOUND')
/** The requested change does not follow the release's rules (a final phase changed, ...). */
export const invalidTransition = failure('INVALID_TRANSITION')
/** The environment's current release still has a phase running: a new one would deploy over it unannounced. */
export const releaseInProgress = failure('RELEASE_IN_PROGRESS')
/** Persisted state could not be read or does not make sense. */
export const corruptState = failure('CORRUPT_STATE')
