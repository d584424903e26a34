/**
 * Parsing a command a caller gives into one `decide` can trust: every field checked for its kind,
 * trimmed and bounded (input.ts), before any store is read. What depends on the history (does the
 * release exist, may it be rolled back to, is a name new text) is left to `decide`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type {
  Command,
  CommandInput,
  CreateRelease,
  CreateReleaseInput,
  RecoverReleaseInput,
  UpdatePhaseInput,
} from './commands.js'
import { type DomainError, invalidInput } from './errors.js'
import {
  parseCommitSha,
  parseEnvironment,
  parseNewEnvironment,
  parseNewRequestId,
  parseNewVersion,
  parsePhase,
  parseReleaseId,
  parseStatus,
  parseText,
  parseVersion,
} from './input.js'
import { releasesOf } from './queries.js'
import { kindOf, showValue } from './show.js'
import type { State } from './state.js'

type Parsed<A> = E.Either<DomainError, A>

const optional = <A>(raw: unknown, parse: (raw: unknown) => Parsed<A>): Parsed<A | undefined> =>
  raw === undefined ? E.right(undefined) : parse(raw)

// A release id is looked up as given first (an imported file may hold one with blanks around it):
// only its kind is checked here.
const releaseIdAsGiven = (raw: unknown): Parsed<string> =>
  typeof raw === 'string' ? E.right(raw) : parseReleaseId(raw)

const parseFlag =
  (name: string) =>
  (raw: unknown): Parsed<boolean> =>
    typeof raw === 'boolean' ? E.right(raw) : E.left(invalidInput(`${name} must be true or false, got ${kindOf(raw)}`))

const parseThreshold = (raw: unknown): Parsed<number> =>
  typeof raw === 'number' && Number.isFinite(raw) && raw >= 0
    ? E.right(raw)
    : E.left(invalidInput(`abandonedAfterMs must be a number of milliseconds, 0 or more, got ${showValue(raw)}`))

// The request id is parsed first: its error wins over the other arguments'.
const requestId = (input: { readonly requestId?: unknown }) =>
  pipe(
    optional(input.requestId, parseNewRequestId),
    E.map((id) => (id === undefined ? {} : { requestId: id })),
  )

const createRelease = (input: CreateReleaseInput): Parsed<Command> =>
  pipe(
    requestId(input),
    E.bindTo('request'),
    // Only trimmed here: whether they are new text, held to the limits, depends on the history (newTexts).
    E.apS('environment', parseEnvironment(input.environment)),
    E.apS('version', parseVersion(input.version)),
    E.apS('commitSha', parseCommitSha(input.commitSha)),
    E.apS('note', optional(input.note, parseText('note'))),
    E.apS('rollbackOf', optional(input.rollbackOf, releaseIdAsGiven)),
    E.apS('supersede', optional(input.supersede, parseFlag('supersede'))),
    E.apS('abandonedAfterMs', optional(input.abandonedAfterMs, parseThreshold)),
    E.map(({ request, environment, version, commitSha, note, rollbackOf, supersede, abandonedAfterMs }) => ({
      type: 'CreateRelease' as const,
      environment,
      version,
      commitSha,
      now: input.now,
      ...(rollbackOf === undefined ? {} : { rollbackOf }),
      ...(note === undefined ? {} : { note }),
      ...request,
      ...(supersede === true ? { supersede } : {}),
      ...(abandonedAfterMs === undefined ? {} : { abandonedAfterMs }),
    })),
  )

const updatePhase = (input: UpdatePhaseInput): Parsed<Command> =>
  pipe(
    requestId(input),
    E.bindTo('request'),
    E.apS('releaseId', releaseIdAsGiven(input.releaseId)),
    E.apS('phase', parsePhase(input.phase)),
    E.apS('status', parseStatus(input.status)),
    E.apS('reason', optional(input.reason, parseText('reason'))),
    E.map(({ request, releaseId, phase, status, reason }) => ({
      type: 'UpdatePhase' as const,
      releaseId,
      phase,
      status,
      ...(reason === undefined ? {} : { reason }),
      ...request,
    })),
  )

const recoverRelease = (input: RecoverReleaseInput): Parsed<Command> =>
  pipe(
    requestId(input),
    E.bindTo('request'),
    E.apS('releaseId', releaseIdAsGiven(input.releaseId)),
    E.apS('reason', parseText('reason')(input.reason)),
    E.map(({ request, releaseId, reason }) => ({ type: 'RecoverRelease' as const, releaseId, reason, ...request })),
  )

const deployed = (state: State, environment: string, version: string): boolean =>
  pipe(
    releasesOf(state, environment),
    E.exists((releases) => releases.some((release) => release.version === version)),
  )

// What the history holds is not new text: refused only when it is not there.
const unlessHeld = (parsed: Parsed<string>, held: () => boolean): Parsed<unknown> =>
  E.isLeft(parsed) && held() ? E.right(undefined) : parsed

/** A command as `decide` takes it, or why the caller's input is not one (`INVALID_INPUT`). */
export const parseCommand = (input: CommandInput): Parsed<Command> => {
  // A JavaScript caller may pass anything.
  if (typeof input !== 'object' || input === null)
    return E.left(invalidInput(`a command must be an object, got ${kindOf(input)}`))
  switch (input.type) {
    case 'CreateRelease':
      return createRelease(input)
    case 'UpdatePhase':
      return updatePhase(input)
    case 'RecoverRelease':
      return recoverRelease(input)
    case 'ImportSnapshot':
    case 'ReconcileSnapshot':
      return E.right(input)
    default:
      return E.left(
        invalidInput(
          `unknown command type ${showValue((input as { type?: unknown }).type)}; ` +
            'expected one of CreateRelease, UpdatePhase, RecoverRelease, ImportSnapshot, ReconcileSnapshot',
        ),
      )
  }
}

/**
 * A create's environment and version held to the limits of new text (input.ts), unless the history
 * holds them: an environment it has, a version that environment deployed (a rollback's, say), which
 * a Go-written file may hold longer or with characters new text may not have.
 */
export const newTexts = (command: CreateRelease, state: State): Parsed<CreateRelease> =>
  pipe(
    unlessHeld(parseNewEnvironment(command.environment), () => state.current.has(command.environment)),
    // The history is searched only for a version the limits refuse: it is a scan of the environment's releases.
    E.chain(() =>
      unlessHeld(parseNewVersion(command.version), () => deployed(state, command.environment, command.version)),
    ),
    E.map(() => command),
  )
