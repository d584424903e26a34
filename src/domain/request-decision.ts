/**
 * Deciding a command given under a request id: a new id tags its events; a known one with the same command and
 * arguments is a retry, which records nothing; anything else is `INVALID_INPUT` naming the first use.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { CreateRelease, RecoverRelease, UpdatePhase } from './commands.js'
import { type DomainError, invalidInput } from './errors.js'
import type { DomainEvent } from './events.js'
import {
  ARGUMENT_NAMES,
  type RequestArguments,
  type RequestCommand,
  type RequestTag,
  type RequestUse,
  sameRequest,
} from './requests.js'
import { quote } from './show.js'
import type { State } from './state.js'

type Decision = E.Either<DomainError, ReadonlyArray<DomainEvent>>

const tag = (event: DomainEvent, request: RequestTag): DomainEvent => {
  switch (event.type) {
    case 'ReleaseCreated':
      return { ...event, data: { ...event.data, request } }
    case 'PhaseUpdated':
      return { ...event, data: { ...event.data, request } }
    default:
      return event
  }
}

const shown = (value: string | null): string => (value === null ? '(none)' : quote(value))

/** The arguments of a use, named: `environment "prod", version "v1"`. */
const described = (command: RequestCommand, args: RequestArguments): string =>
  (ARGUMENT_NAMES[command] ?? []).map((name, i) => `${name} ${shown(args[i] ?? null)}`).join(', ')

const difference = (first: RequestUse, command: RequestCommand, args: RequestArguments): string => {
  if (first.command !== command) return `this call is a ${command} (${described(command, args)})`
  const names = ARGUMENT_NAMES[command]
  const differing = names.flatMap((name, i) => (args[i] === first.args[i] ? [] : [`${name} ${shown(args[i] ?? null)}`]))
  return `this call gives ${differing.join(', ')}`
}

const reused = (id: string, first: RequestUse, command: RequestCommand, args: RequestArguments): DomainError =>
  invalidInput(
    `request id ${quote(id)} was first used for ${first.command} of release ` +
      `${first.releaseId}${first.at === undefined ? '' : ` (recorded ${first.at})`}, ` +
      `with ${described(first.command, first.args)}; ${difference(first, command, args)}. A retry must ` +
      'repeat the first call exactly; a new write needs a new request id',
  )

/** Decides `command` under its request id, if any: `fresh` decides it as if it had none; `args` as parsed. */
export const requested = (
  command: CreateRelease | UpdatePhase | RecoverRelease,
  state: State,
  args: () => E.Either<DomainError, RequestArguments>,
  fresh: () => Decision,
): Decision => {
  const id = command.requestId
  if (id === undefined) return fresh()
  const first = state.requests.get(id)
  const request: RequestTag = { id, command: command.type }
  if (first === undefined)
    return pipe(
      fresh(),
      E.map((events) => events.map((event) => tag(event, request))),
    )
  return pipe(
    args(),
    E.chain((given) =>
      sameRequest(first, { command: command.type, args: given })
        ? E.right([])
        : E.left(reused(id, first, command.type, given)),
    ),
  )
}
