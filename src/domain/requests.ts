/**
 * Request ids (idempotency keys): a caller names a write, and a retry under the same name, after
 * any error or timeout, records nothing and is answered with the release the first use was about.
 *
 * Every event a write records carries its request id and command (`request`), so the history
 * itself is the index: the fold keeps, for every id ever used, its first use (which command, with
 * which arguments, about which release, when). The index is a {@link RequestMap}: layered like
 * the releases, so that a write does not copy a long history's keys.
 */
import * as t from 'io-ts'
import { ReleaseId } from './release-id.js'
import { Timestamp } from './timestamp.js'

/** The longest request id, in characters. */
export const MAX_REQUEST_ID_LENGTH = 200

/** The commands a request id can name: those that record events about one release. */
export const RequestCommand = t.keyof({ CreateRelease: null, UpdatePhase: null, RecoverRelease: null }, 'RequestCommand')
export type RequestCommand = t.TypeOf<typeof RequestCommand>

/** On an event: the request id of the write that recorded it, and that write's command. */
export const RequestTag = t.type({ id: t.string, command: RequestCommand }, 'RequestTag')
export type RequestTag = t.TypeOf<typeof RequestTag>

/**
 * A command's arguments after parsing, in a fixed order per command (absent ones `null`): what a
 * retry must repeat. See {@link ARGUMENT_NAMES}.
 */
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
export type RequestUse = t.TypeOf<typeof RequestUse>

/** Whether two uses asked for the same thing: the same command with the same arguments. */
export const sameRequest = (a: Pick<RequestUse, 'command' | 'args'>, b: Pick<RequestUse, 'command' | 'args'>): boolean =>
  a.command === b.command && a.args.length === b.args.length && a.args.every((value, i) => value === b.args[i])

// Merged into a new base past this many added ids, when they are more than a sixteenth of the
// base (as the release map does): a write copies the ids added since, not the whole index.
const MERGE_AT = 64
const MERGE_SHARE = 16

/**
 * The request ids of a state: a base shared with earlier versions (never changed; possibly read
 * lazily, from a checkpoint) and the ids added since. Ids are only ever added, never changed.
 */
export class RequestMap implements ReadonlyMap<string, RequestUse> {
  readonly #base: ReadonlyMap<string, RequestUse>
  readonly #added: Map<string, RequestUse>
  #sealed: boolean

  private constructor(base: ReadonlyMap<string, RequestUse>, added: Map<string, RequestUse>, sealed: boolean) {
    this.#base = base
    this.#added = added
    this.#sealed = sealed
  }

  /** A sealed map over `base`, which nobody may change afterwards. */
  static of(base: ReadonlyMap<string, RequestUse>): RequestMap {
    const map = new RequestMap(base, new Map(), true)
    Object.freeze(map)
    return map
  }

  /** The next version of `map` (which stays as it is), to be added to, then sealed. */
  static draft(map: ReadonlyMap<string, RequestUse>): RequestMap {
    return map instanceof RequestMap ? new RequestMap(map.#base, new Map(map.#added), false) : new RequestMap(map, new Map(), false)
  }

  /** Adds the first use of an id, in a draft (a known id keeps its first use). */
  add(id: string, use: RequestUse): void {
    if (this.#sealed) throw new TypeError('the request ids of a state cannot be changed')
    if (!this.has(id)) this.#added.set(id, use)
  }

  /** Ends a draft: the version it made, which nothing can change. */
  seal(): RequestMap {
    this.#sealed = true
    if (this.#added.size > MERGE_AT && this.#added.size * MERGE_SHARE > this.#base.size) return RequestMap.of(new Map(this.entries()))
    Object.freeze(this)
    return this
  }

  /** The ids this version holds and `other` does not, when both share a base; `undefined` when they do not. */
  idsAddedSince(other: ReadonlyMap<string, RequestUse>): ReadonlyArray<string> | undefined {
    if (!(other instanceof RequestMap) || other.#base !== this.#base) return undefined
    return [...this.#added.keys()].filter((id) => !other.#added.has(id))
  }

  get size(): number {
    return this.#base.size + this.#added.size
  }

  get(id: string): RequestUse | undefined {
    return this.#added.get(id) ?? this.#base.get(id)
  }

  has(id: string): boolean {
    return this.get(id) !== undefined
  }

  forEach(callback: (value: RequestUse, key: string, map: ReadonlyMap<string, RequestUse>) => void, thisArg?: unknown): void {
    for (const [id, use] of this.entries()) callback.call(thisArg, use, id, this)
  }

  *entries(): MapIterator<[string, RequestUse]> {
    yield* this.#base.entries()
    yield* this.#added.entries()
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id
  }

  *values(): MapIterator<RequestUse> {
    for (const [, use] of this.entries()) yield use
  }

  [Symbol.iterator](): MapIterator<[string, RequestUse]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'RequestMap'
  }
}

/** No request id yet. */
export const noRequests: RequestMap = RequestMap.of(new Map())
