/**
 * What `verify` checks of seals and of a head recorded elsewhere (docs/audit.md), as the replay reads the log: each
 * `HeadSealed` must follow the event it seals, and that event's line must still have the SHA-256 signed; with trusted
 * keys, its signature must be one of theirs. Every failure is an error, never a warning.
 */
import { formatSpan } from '../domain/duration-text.js'
import type { HeadSealed } from '../domain/seal.js'
import { epochMsOf } from '../domain/timestamp.js'
import type { StoredEvent, StoreProblem } from '../store/index.js'
import { sealSignedBy, type TrustedKey } from './seal-keys.js'

/** A head recorded elsewhere (`verify --head N:HASH`): event `position` and the SHA-256 of its line. */
export interface RecordedHead {
  readonly position: number
  readonly sha256: string
}

/** What `verify` is asked to check besides the store itself. */
export interface SealCheck {
  /** The keys seals must be signed by; none given: seals are checked against the log only. */
  readonly trust?: ReadonlyArray<TrustedKey> | undefined
  /** The newest valid seal must be at most this old (with `trust` only). */
  readonly maxSealAgeMs?: number | undefined
  readonly head?: RecordedHead | undefined
  readonly nowMs: number
}

/** A seal that passed every check asked for. */
export interface ValidSeal {
  /** The position of the `HeadSealed` event. */
  readonly position: number
  readonly location: string
  readonly head: RecordedHead
  readonly sealedAt: string
  readonly keyId: string
}

/** What `verify` found of seals. */
export interface SealReport {
  /** The `HeadSealed` events read. */
  readonly count: number
  /** Whether signatures were checked (trusted keys were given); else only that each seal matches the log. */
  readonly keysChecked: boolean
  /** The newest seal that passed every check asked for. */
  readonly newestValid?: ValidSeal | undefined
  /** A head given to check (`--head`), when it is still in the log. */
  readonly headMatched?: RecordedHead | undefined
}

const short = (hex: string): string => `${hex.slice(0, 16)}…`

/** Checks seals and a recorded head while a replay reads the log; `finish` gives the problems and the report. */
export const sealChecker = (check: SealCheck, where: string) => {
  const problems: StoreProblem[] = []
  const error = (location: string, message: string): void => {
    problems.push({ severity: 'error', location, message })
  }
  // The hashes of the last two lines (a seal follows the event it seals): two pairs, not a map, on every line.
  let before = { position: 0, sha256: '' }
  let last = { position: 0, sha256: '' }
  let headHash: string | undefined
  let count = 0
  let newestValid: ValidSeal | undefined
  const signed = new Set<string>()
  // Once the log was rewritten under a seal, every later seal breaks too: the first is named, the rest counted.
  let rewritten: { first: string; more: number; last: string } | undefined

  const lineHash = (position: number, sha256: string): void => {
    const reused = before
    before = last
    reused.position = position
    reused.sha256 = sha256
    last = reused
    if (position === check.head?.position) headHash = sha256
  }
  const hashAt = (position: number): string | undefined =>
    position === last.position ? last.sha256 : position === before.position ? before.sha256 : undefined

  const matchesLog = (seal: HeadSealed, { position, location }: StoredEvent): boolean => {
    if (seal.head.position !== position - 1) {
      error(
        location,
        `this seal names event ${seal.head.position} as the head it seals, but it follows event ${position - 1}: ` +
          'a seal seals the event right before it (it was moved, or edited)',
      )
      return false
    }
    const now = hashAt(seal.head.position)
    if (now === seal.head.sha256) return true
    if (rewritten !== undefined) {
      rewritten.more++
      rewritten.last = location
      return false
    }
    rewritten = { first: location, more: 0, last: location }
    error(
      location,
      `the log was rewritten after this seal: event ${seal.head.position}'s line has SHA-256 ` +
        `${now ?? '(unknown)'} now, not ${seal.head.sha256} as sealed at ${seal.sealedAt} by key ${short(seal.keyId)}`,
    )
    return false
  }

  const signedByTrusted = (seal: HeadSealed, location: string, trust: ReadonlyArray<TrustedKey>): boolean => {
    const key = trust.find((candidate) => candidate.keyId === seal.keyId)
    if (key === undefined) {
      error(
        location,
        `this seal was made by key ${short(seal.keyId)}, which is not a trusted key ` +
          `(trusted: ${trust.map((k) => `${short(k.keyId)} from ${k.source}`).join(', ')})`,
      )
      return false
    }
    if (sealSignedBy(seal, key)) {
      signed.add(key.keyId)
      return true
    }
    error(
      location,
      `this seal's signature does not verify with the trusted key ${short(key.keyId)} (${key.source}): ` +
        'the seal was edited after it was made, or forged',
    )
    return false
  }

  const event = (stored: StoredEvent): void => {
    if (stored.envelope.type !== 'HeadSealed') return
    count++
    const seal = stored.envelope.data
    const onLog = matchesLog(seal, stored)
    const keys = check.trust === undefined || signedByTrusted(seal, stored.location, check.trust)
    if (onLog && keys)
      newestValid = {
        position: stored.position,
        location: stored.location,
        head: seal.head,
        sealedAt: seal.sealedAt,
        keyId: seal.keyId,
      }
  }

  const judgeHead = (head: RecordedHead, end: number): RecordedHead | undefined => {
    if (head.position > end) {
      error(
        where,
        `the recorded head is event ${head.position}, but the log holds ${end} events: ` +
          'it was cut back since the head was recorded',
      )
      return undefined
    }
    if (headHash === head.sha256) return head
    error(
      `${where} (event ${head.position})`,
      `event ${head.position}'s line has SHA-256 ${headHash ?? '(unknown)'}, not ${head.sha256} as recorded: ` +
        `the log was rewritten at or before event ${head.position}`,
    )
    return undefined
  }

  const judgeTrust = (trust: ReadonlyArray<TrustedKey>): void => {
    for (const key of trust)
      if (!signed.has(key.keyId))
        problems.push({
          severity: 'warning',
          location: key.source,
          message: `trusted key ${short(key.keyId)} signed no valid seal in this log`,
        })
    if (newestValid === undefined)
      error(
        where,
        count === 0
          ? 'the log holds no seal, and trusted keys were given: nothing shows the log was not rewritten'
          : `none of the ${count} seals in the log is valid with the trusted keys`,
      )
  }

  const judgeAge = (maxMs: number): void => {
    if (newestValid === undefined) return
    const ageMs = check.nowMs - epochMsOf(newestValid.sealedAt)
    if (ageMs > maxMs)
      error(
        newestValid.location,
        `the newest valid seal, sealed at ${newestValid.sealedAt}, is ${formatSpan(ageMs)} old, more than the ` +
          `${formatSpan(maxMs)} allowed: later seals were deleted, or sealing stopped`,
      )
  }

  /** The problems found and the report, once the replay ended at position `end`. */
  const finish = (end: number): { problems: StoreProblem[]; report: SealReport } => {
    if (rewritten !== undefined && rewritten.more > 0)
      error(
        rewritten.first,
        `${rewritten.more} later seal${rewritten.more === 1 ? '' : 's'} do not match the log either ` +
          `(the last at ${rewritten.last})`,
      )
    const headMatched = check.head === undefined ? undefined : judgeHead(check.head, end)
    if (check.trust !== undefined) judgeTrust(check.trust)
    if (check.maxSealAgeMs !== undefined) judgeAge(check.maxSealAgeMs)
    return {
      problems,
      report: { count, keysChecked: check.trust !== undefined, newestValid, headMatched },
    }
  }

  return { lineHash, event, finish }
}
