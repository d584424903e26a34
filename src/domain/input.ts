/** Parsers for values from outside: any value in; out, a trimmed clean value or an `INVALID_INPUT` naming it. */
import * as E from 'fp-ts/lib/Either.js'
import { type DomainError, invalidInput } from './errors.js'
import {
  type PhaseStatus,
  PHASE_STATUSES,
  PhaseStatus as PhaseStatusCodec,
  PHASES,
  type ReleasePhase,
  ReleasePhase as ReleasePhaseCodec,
} from './phase.js'
import type { ReleaseId } from './release-id.js'
import { MAX_REQUEST_ID_LENGTH } from './requests.js'
import { kindOf, quote } from './show.js'
import { codePointName, type FoundCharacter, firstHiddenCharacter, firstLoneSurrogate } from './unsafe-text.js'

/** The longest environment name, in characters. */
export const MAX_ENVIRONMENT_LENGTH = 64
/** The longest version, in characters. */
export const MAX_VERSION_LENGTH = 256
/** The longest note or reason, in characters. */
export const MAX_TEXT_LENGTH = 1024
/** The longest commit a write records, in characters (a git object name is at most 64). */
export const MAX_COMMIT_SHA_LENGTH = 256

const CONTROL_CHARACTER = /\p{Cc}/u
// A git object name: SHA-1 (40 hexadecimal digits) or SHA-256 (64), or a SHA-1 abbreviated to 7 or more.
const OBJECT_NAME = /^(?:[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})$/

/** What is looked up by: any text, trimmed, not empty. Reads have no other limit: they must find what is stored. */
const lookup =
  (what: string) =>
  (raw: unknown): E.Either<DomainError, string> => {
    if (typeof raw !== 'string') return E.left(invalidInput(`${what} must be a string, got ${kindOf(raw)}`))
    const value = raw.trim()
    return value === ''
      ? E.left(invalidInput(`${what} is empty${raw === '' ? '' : ` after trimming ${quote(raw)}`}`))
      : E.right(value)
  }

/** A trimmed value without control characters and at most `limit` characters long. */
const bounded = (what: string, limit: number, value: string): E.Either<DomainError, string> => {
  const control = CONTROL_CHARACTER.exec(value)
  if (control !== null)
    return E.left(invalidInput(`${what} ${quote(value)} contains a control character (${codePointName(control[0])})`))
  const length = [...value].length
  if (length > limit)
    return E.left(
      invalidInput(`${what} ${quote(value.slice(0, 40))}... is ${length} characters long; the limit is ${limit}`),
    )
  return E.right(value)
}

/** A trimmed, non-empty text without control characters and at most `limit` characters long. */
const text =
  (what: string, limit: number) =>
  (raw: unknown): E.Either<DomainError, string> =>
    E.chain((value: string) => bounded(what, limit, value))(lookup(what)(raw))

/** A text parser that also refuses what `find` finds; only for what a write records (stored values are read as is). */
const refusing =
  (
    parse: (raw: unknown) => E.Either<DomainError, string>,
    what: string,
    find: (value: string) => FoundCharacter | undefined,
    why: string,
  ) =>
  (raw: unknown): E.Either<DomainError, string> =>
    E.chain((value: string) => {
      const found = find(value)
      return found === undefined
        ? E.right(value)
        : E.left(
            invalidInput(
              `${what} ${quote(value)} contains ${codePointName(found.character)} at character ` +
                `${found.position}: ${why}`,
            ),
          )
    })(parse(raw))

// A lone surrogate has no UTF-8 form: the log would hold it only as an escape, PostgreSQL's jsonb not at all.
const LONE_SURROGATE = 'a lone surrogate, half of a character, which UTF-8 text cannot hold'
const HIDDEN = 'a bidi control or zero-width character, which would make the name look like another on screen'

/** A text to record: as `text`, and no lone surrogate. */
const newText = (what: string, limit: number) => refusing(text(what, limit), what, firstLoneSurrogate, LONE_SURROGATE)

/** An environment to look up: trimmed, not empty, nothing else refused (a file may hold any name). */
export const parseEnvironment = lookup('environment')

/**
 * An environment name for a new release: trimmed, 1 to 64 characters, no control character, lone
 * surrogate, bidi control or zero-width character. One the history holds is not new (decide.ts).
 */
export const parseNewEnvironment = refusing(
  newText('environment', MAX_ENVIRONMENT_LENGTH),
  'environment',
  firstHiddenCharacter,
  HIDDEN,
)

/** A version to look up: trimmed, not empty, nothing else refused. */
export const parseVersion = lookup('version')

/** A version for a new release: trimmed, 1 to 256 characters, no control character or lone surrogate. */
export const parseNewVersion = newText('version', MAX_VERSION_LENGTH)

/** A note, a reason or an actor, recorded by a write: 1 to 1024 characters, no control character or lone surrogate. */
export const parseText = (what: string) => newText(what, MAX_TEXT_LENGTH)

/**
 * A commit to record: empty or absent (unknown), or any text of at most 256 characters without a
 * control character or lone surrogate, trimmed. Should be a git object name ({@link looksLikeCommitSha}).
 */
export const parseCommitSha = (raw: unknown): E.Either<DomainError, string> => {
  if (raw === undefined) return E.right('')
  if (typeof raw !== 'string') return E.left(invalidInput(`commit SHA must be a string, got ${kindOf(raw)}`))
  const value = raw.trim()
  return value === '' ? E.right('') : newText('commit SHA', MAX_COMMIT_SHA_LENGTH)(value)
}

/** Whether a commit is a git object name: 7 to 40 hexadecimal characters (SHA-1, maybe abbreviated) or 64. */
export const looksLikeCommitSha = (commitSha: string): boolean => OBJECT_NAME.test(commitSha.trim())

/**
 * Whether two recorded commits name the same one: equal, or both object names one of which
 * abbreviates the other (any case).
 */
export const sameCommit = (a: string, b: string): boolean => {
  if (a === b) return true
  if (!looksLikeCommitSha(a) || !looksLikeCommitSha(b)) return false
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]
  return x.startsWith(y) || y.startsWith(x)
}

/** A release id to look up: trimmed, not empty, nothing else refused. */
export const parseReleaseId = (raw: unknown): E.Either<DomainError, ReleaseId> =>
  E.map((id: string) => id as ReleaseId)(lookup('release id')(raw))

/** A request id (an idempotency key) as recorded: trimmed, 1 to 200 characters, no control characters. */
export const parseRequestId = text('request id', MAX_REQUEST_ID_LENGTH)

/** A request id a write is given: as recorded, and no lone surrogate (it could not be stored as UTF-8). */
export const parseNewRequestId = newText('request id', MAX_REQUEST_ID_LENGTH)

const oneOf =
  <A extends string>(what: string, is: (value: string) => value is A, names: ReadonlyArray<A>) =>
  (raw: unknown): E.Either<DomainError, A> => {
    const expected = `expected one of ${names.join(', ')}`
    if (typeof raw !== 'string')
      return E.left(invalidInput(`${what} must be a string, got ${kindOf(raw)}; ${expected}`))
    const value = raw.trim()
    return is(value) ? E.right(value) : E.left(invalidInput(`unknown ${what} ${quote(value)}; ${expected}`))
  }

/** A phase name, trimmed: one of build, push, migrate_pre, rollout, migrate_post, finalize. */
export const parsePhase: (raw: unknown) => E.Either<DomainError, ReleasePhase> = oneOf(
  'phase',
  (value): value is ReleasePhase => ReleasePhaseCodec.is(value),
  PHASES,
)

/** A phase status, trimmed: one of pending, running, completed, failed, skipped. */
export const parseStatus: (raw: unknown) => E.Either<DomainError, PhaseStatus> = oneOf(
  'phase status',
  (value): value is PhaseStatus => PhaseStatusCodec.is(value),
  PHASE_STATUSES,
)
