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

const CONTROL_CHARACTER = /\p{Cc}/u
const COMMIT_SHA = /^[0-9a-fA-F]{4,64}$/

/** A trimmed, non-empty text without control characters and at most `limit` characters long. */
const text =
  (what: string, limit: number) =>
  (raw: unknown): E.Either<DomainError, string> => {
    if (typeof raw !== 'string') return E.left(invalidInput(`${what} must be a string, got ${kindOf(raw)}`))
    const value = raw.trim()
    if (value === '')
      return E.left(invalidInput(`${what} is empty${raw === '' ? '' : ` after trimming ${quote(raw)}`}`))
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

/** An environment name: trimmed, 1 to 64 characters, no control characters. What reads look up by. */
export const parseEnvironment = text('environment', MAX_ENVIRONMENT_LENGTH)

/** An environment name for a new release: also no lone surrogate, bidi control or zero-width character. */
export const parseNewEnvironment = refusing(
  newText('environment', MAX_ENVIRONMENT_LENGTH),
  'environment',
  firstHiddenCharacter,
  HIDDEN,
)

/** A version: trimmed, 1 to 256 characters, no control characters. What reads look up by. */
export const parseVersion = text('version', MAX_VERSION_LENGTH)

/** A version for a new release: as `parseVersion`, and no lone surrogate. */
export const parseNewVersion = newText('version', MAX_VERSION_LENGTH)

/** A note, a reason or an actor, recorded by a write: 1 to 1024 characters, no control character or lone surrogate. */
export const parseText = (what: string) => newText(what, MAX_TEXT_LENGTH)

/** A commit SHA: empty (unknown), or 4 to 64 hexadecimal characters; surrounding blanks are trimmed. */
export const parseCommitSha = (raw: unknown): E.Either<DomainError, string> => {
  if (raw === undefined) return E.right('')
  if (typeof raw !== 'string') return E.left(invalidInput(`commit SHA must be a string, got ${kindOf(raw)}`))
  const value = raw.trim()
  if (value === '' || COMMIT_SHA.test(value)) return E.right(value)
  return E.left(invalidInput(`commit SHA ${quote(value)} is not 4 to 64 hexadecimal characters`))
}

/** A release id as given by a caller: trimmed, non-empty, no control characters. */
export const parseReleaseId = (raw: unknown): E.Either<DomainError, ReleaseId> =>
  E.map((id: string) => id as ReleaseId)(text('release id', Number.MAX_SAFE_INTEGER)(raw))

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
