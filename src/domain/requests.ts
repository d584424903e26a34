/**
 * Request ids (idempotency keys): a retry under the same name, after any error or timeout, records nothing and is
 * answered with the release of the first use. Every event carries its request id, so the history is the index: the fold
 * keeps every id's first use, in a {@link RequestMap}.
 */
import * as t from 'io-ts'
import { ReleaseId } from './release-id.js'
import { Timestamp } from './timestamp.js'
import { VersionedMap } from './versioned-map.js'

export const MAX_REQUEST_ID_LENGTH = 200

/** The commands a request id can name: those that record events about one release. */
export const RequestCommand = t.keyof(
  { CreateRelease: null, UpdatePhase: null, RecoverRelease: null },
  'RequestCommand',
)
export type RequestCommand = t.TypeOf<typeof RequestCommand>

/** On an event: the request id of the write that recorded it, and that write's command. */
export const RequestTag = t.type({ id: t.string, command: RequestCommand }, 'RequestTag')
export interface RequestTag extends t.TypeOf<typeof RequestTag> {}

/** A command's arguments after parsing, in a fixed order ({@link ARGUMENT_NAMES}), absent ones `null`. */
export const RequestArguments = t.readonlyArray(t.union([t.string, t.null]), 'RequestArguments')
export type RequestArguments = t.TypeOf<typeof RequestArguments>

/** The names of each command's arguments, in the order of {@link RequestArguments}. */
export const ARGUMENT_NAMES: Readonly<Record<RequestCommand, ReadonlyArray<string>>> = {
  CreateRelease: ['environment', 'version', 'commit', 'rollback of', 'note'],
  UpdatePhase: ['release', 'phase', 'status', 'reason'],
  RecoverRelease: ['release', 'reason'],
}

/** The first use of a request id: the command, its arguments, the release it was about, and when it was recorded. */
export const RequestUse = t.intersection(
  [t.type({ command: RequestCommand, args: RequestArguments, releaseId: ReleaseId }), t.partial({ at: Timestamp })],
  'RequestUse',
)
export interface RequestUse extends t.TypeOf<typeof RequestUse> {}

/** Whether two uses asked for the same thing: the same command with the same arguments. */
export const sameRequest = (
  a: Pick<RequestUse, 'command' | 'args'>,
  b: Pick<RequestUse, 'command' | 'args'>,
): boolean =>
  a.command === b.command && a.args.length === b.args.length && a.args.every((value, i) => value === b.args[i])

/** The request ids of a state: a versioned map, so that a fold copies only the ids added since the base. */
export type RequestMap = VersionedMap<string, RequestUse>
export const RequestMap = VersionedMap

/** No request id yet. */
export const noRequests: RequestMap = RequestMap.of(new Map<string, RequestUse>())
