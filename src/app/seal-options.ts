/**
 * What callers give to seal and to verify seals, checked at the edge: trusted keys, a maximum seal age, a head recorded
 * elsewhere (`N:HASH`); and when a write calls for a seal of its own (the `seal` option).
 */
import * as A from 'fp-ts/lib/Array.js'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { findRelease } from '../domain/queries.js'
import { releaseStatus, type ReleaseStatus } from '../domain/release-status.js'
import { kindOf, showValue } from '../domain/show.js'
import { StateError } from '../domain/state-error.js'
import type { Handled } from './handle.js'
import { duration } from './options.js'
import { type SealKeyInput, trustedKey } from './seal-keys.js'
import type { RecordedHead, SealCheck } from './verify-seals.js'

/** What `verify` may be asked besides checking the store (docs/audit.md). */
export interface VerifyOptions {
  /** Public keys (or their private halves) seals must be signed by: every seal is then checked, and one must pass. */
  readonly trust?: ReadonlyArray<SealKeyInput> | undefined
  /** With `trust`: the newest valid seal must be at most this many milliseconds old. */
  readonly maxSealAgeMs?: number | undefined
  /** A head recorded elsewhere: `"N:HASH"` as verify prints it, or `{ position, sha256 }`: the log must hold it. */
  readonly head?: string | RecordedHead | undefined
}

const refused = (message: string): StateError => new StateError('INVALID_INPUT', message)

/** A head as `verify` prints it: `12:` then the 64 hex digits of the SHA-256. */
export const parseHead = (raw: unknown): E.Either<StateError, RecordedHead> => {
  if (typeof raw === 'object' && raw !== null && 'position' in raw && 'sha256' in raw)
    return parseHead(`${String(raw.position)}:${String(raw.sha256)}`)
  const match = typeof raw === 'string' ? /^([1-9][0-9]{0,15}):([0-9a-fA-F]{64})$/.exec(raw.trim()) : null
  return match === null
    ? E.left(
        refused(
          `the head ${typeof raw === 'string' ? showValue(raw) : kindOf(raw)} is not N:HASH, an event position and ` +
            'the 64 hex digits of its SHA-256 as verify prints the chain head (12:3f9a…)',
        ),
      )
    : E.right({ position: Number(match[1]), sha256: (match[2] as string).toLowerCase() })
}

/** The checks `options` ask of verify, at `nowMs`. */
export const sealCheckOf = (options: VerifyOptions | undefined, nowMs: number): E.Either<StateError, SealCheck> => {
  if (options === undefined) return E.right({ nowMs })
  if (typeof options !== 'object' || options === null)
    return E.left(refused(`verify takes an options object, not ${kindOf(options)}`))
  const { trust, maxSealAgeMs, head } = options
  if (trust !== undefined && !Array.isArray(trust))
    return E.left(refused(`trust must be a list of keys, not ${kindOf(trust)}`))
  if (maxSealAgeMs !== undefined && (trust === undefined || trust.length === 0))
    return E.left(refused('maxSealAgeMs needs trusted keys (trust): only a seal checked against a key has an age'))
  return pipe(
    E.Do,
    E.apS('keys', trust === undefined ? E.right(undefined) : A.traverse(E.Applicative)(trustedKey)(trust)),
    E.apS('age', maxSealAgeMs === undefined ? E.right(undefined) : duration('maxSealAgeMs', maxSealAgeMs, 0)),
    E.apS('recorded', head === undefined ? E.right(undefined) : parseHead(head)),
    E.map(({ keys, age, recorded }) => ({ nowMs, trust: keys, maxSealAgeMs: age, head: recorded })),
  )
}

const FINAL: ReadonlyArray<ReleaseStatus> = ['completed', 'failed', 'recovered']

/** Whether a write brought a release to a final overall status (completed, failed, recovered) it did not have. */
export const finalStatusReached = (handled: Handled): boolean =>
  handled.events.some((event) => {
    if (event.type !== 'PhaseUpdated') return false
    const after = findRelease(handled.state, event.data.releaseId)
    if (E.isLeft(after) || !FINAL.includes(releaseStatus(after.right))) return false
    const before = findRelease(handled.prepared.state, event.data.releaseId)
    return E.isLeft(before) || releaseStatus(before.right) !== releaseStatus(after.right)
  })
