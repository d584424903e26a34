/**
 * The request ids of a checkpoint: one line per id after the release lines, sorted by id, so a cold write finds an id
 * by a binary search and a new checkpoint splices the ids used since into the old lines.
 *
 *   {"key":"deploy-42","command":"CreateRelease","args":["prod","v1",…],"releaseId":"rel-…","at":"…"}
 */
import * as E from 'fp-ts/lib/Either.js'
import { describeDecodeErrors } from '../domain/decode-errors.js'
import { deepFreeze } from '../domain/deep-freeze.js'
import { compareIds } from '../domain/release-id.js'
import { RequestMap, RequestUse } from '../domain/requests.js'
import { StateError } from '../domain/state-error.js'
import { damagedLine } from './checkpoint-format.js'
import {
  findGroup,
  firstNotBelow,
  type Place,
  placesIn,
  type RecordPlacement,
  type RecordRegion,
} from './sorted-records.js'

const encoder = new TextEncoder()
const MARKER = encoder.encode('\n{"key":')

/** Where the request lines are and how their ids are read. */
export const REQUEST_PLACEMENT: RecordPlacement = {
  marker: MARKER,
  idOffset: MARKER.length - 1,
  separator: new Uint8Array(0),
}

/** The line of a request id's first use, with its newline. */
export const requestLine = (id: string, use: RequestUse): Uint8Array => {
  const { command, args, releaseId, at } = use
  return encoder.encode(
    `${JSON.stringify({ key: id, command, args, releaseId, ...(at === undefined ? {} : { at }) })}\n`,
  )
}

const decodeRequestLine = (text: string): E.Either<string, readonly [string, RequestUse]> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return E.left(`not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const key = (json as { key?: unknown } | null)?.key
  if (typeof key !== 'string') return E.left('not a request id line: it has no "key"')
  const decoded = RequestUse.decode(json)
  if (E.isLeft(decoded)) return E.left(`not a request id line: ${describeDecodeErrors(decoded.left).join('; ')}`)
  const { command, args, releaseId, at } = decoded.right
  return E.right([key, deepFreeze({ command, args, releaseId, ...(at === undefined ? {} : { at }) })])
}

/** The request ids of a checkpoint, by id, each decoded when first asked for. */
class CheckpointRequests implements ReadonlyMap<string, RequestUse> {
  readonly #region: RecordRegion
  readonly #path: string
  readonly #size: number
  readonly #decoded = new Map<string, RequestUse | null>()
  #all: Map<string, RequestUse> | undefined

  constructor(region: RecordRegion, size: number, path: string) {
    this.#region = region
    this.#size = size
    this.#path = path
  }

  #line(place: Place): readonly [string, RequestUse] {
    const { buffer } = this.#region
    const decoded = decodeRequestLine(buffer.toString('utf8', place.start, place.end))
    if (E.isRight(decoded)) return decoded.right
    throw damagedLine(this.#path, buffer, place.start, decoded.left)
  }

  get size(): number {
    return this.#size
  }

  get(id: string): RequestUse | undefined {
    if (this.#all !== undefined) return this.#all.get(id)
    const known = this.#decoded.get(id)
    if (known !== undefined) return known ?? undefined
    const place = this.#size === 0 ? undefined : findGroup(REQUEST_PLACEMENT, this.#region, id)
    const use = place === undefined ? undefined : this.#line(place)[1]
    this.#decoded.set(id, use ?? null)
    return use
  }

  has(id: string): boolean {
    return this.get(id) !== undefined
  }

  #every(): Map<string, RequestUse> {
    if (this.#all !== undefined) return this.#all
    const all = new Map<string, RequestUse>()
    for (const place of placesIn(REQUEST_PLACEMENT, this.#region)) {
      const [id, use] = this.#line(place)
      all.set(id, use)
    }
    if (all.size !== this.#size)
      throw new StateError(
        'CORRUPT_STATE',
        `${this.#path}: the checkpoint says it holds ${this.#size} request ids, but its lines hold ` +
          `${all.size}; delete it and the store is read from its event log`,
      )
    this.#all = all
    return all
  }

  forEach(
    callback: (value: RequestUse, key: string, map: ReadonlyMap<string, RequestUse>) => void,
    thisArg?: unknown,
  ): void {
    for (const [id, use] of this.#every()) callback.call(thisArg, use, id, this)
  }

  entries(): MapIterator<[string, RequestUse]> {
    return this.#every().entries()
  }

  keys(): MapIterator<string> {
    return this.#every().keys()
  }

  values(): MapIterator<RequestUse> {
    return this.#every().values()
  }

  [Symbol.iterator](): MapIterator<[string, RequestUse]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'CheckpointRequests'
  }
}

/** The request ids of a checkpoint's request lines (`path` names it in errors). */
export const checkpointRequests = (region: RecordRegion, size: number, path: string): RequestMap =>
  RequestMap.of(new CheckpointRequests(region, size, path))

/**
 * The request lines of `requests`: `held`'s lines (exactly the ids of `shown`, an earlier version) with those added
 * since spliced in, or every line made anew when the two share no base.
 */
export const requestLines = (
  held: { readonly region: RecordRegion; readonly shown: ReadonlyMap<string, RequestUse> } | undefined,
  requests: ReadonlyMap<string, RequestUse>,
): Uint8Array[] => {
  const added = held !== undefined && requests instanceof RequestMap ? requests.idsAddedSince(held.shown) : undefined
  if (held === undefined || added === undefined) {
    return [...requests.keys()].sort(compareIds).map((id) => requestLine(id, requests.get(id) as RequestUse))
  }
  const { region } = held
  const parts: Uint8Array[] = []
  let at = region.start
  for (const id of [...added].sort(compareIds)) {
    const before = firstNotBelow(REQUEST_PLACEMENT, region, id)
    const place = before === -1 ? region.end : before
    if (place > at) parts.push(region.buffer.subarray(at, place))
    parts.push(requestLine(id, requests.get(id) as RequestUse))
    at = place
  }
  if (region.end > at) parts.push(region.buffer.subarray(at, region.end))
  return parts
}
