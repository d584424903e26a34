/**
 * The state a checkpoint holds, read lazily: a release is decoded from its line when first asked for (a binary search),
 * so a command decodes only the lines it needs. A line that does not decode despite the checked SHA-256 is
 * `CORRUPT_STATE`, thrown from the map's methods; the manager turns it back into a `Left`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { deepFreeze } from '../domain/deep-freeze.js'
import type { Release } from '../domain/release.js'
import { compareIds, type ReleaseId } from '../domain/release-id.js'
import { ReleaseMap } from '../domain/versioned-map.js'
import { readOnlyMap, type State } from '../domain/state.js'
import { StateError } from '../domain/state-error.js'
import { CHECKPOINT_LAYOUT, type CheckpointFile, damagedLine, decodeReleaseLine } from './checkpoint-format.js'
import { checkpointRequests } from './checkpoint-requests.js'
import { findGroup, idAt, type Place, placesIn, type RecordRegion, startUpTo } from './sorted-records.js'

type Group = ReadonlyArray<Release>

/** The releases of a checkpoint, by id, decoded when first asked for. */
class CheckpointReleases implements ReadonlyMap<ReleaseId, Group> {
  readonly #region: RecordRegion
  readonly #path: string
  readonly #size: number
  readonly #decoded = new Map<ReleaseId, Group | null>()
  #all: Map<ReleaseId, Group> | undefined
  // The greatest id of the lines (found on first use): an id past it is not looked for.
  #lastId: string | undefined

  constructor(file: CheckpointFile, path: string) {
    this.#region = { buffer: file.bytes, ...file.lines }
    this.#path = path
    this.#size = file.header.ids
  }

  #line(place: Place): Release {
    const { buffer } = this.#region
    const decoded = decodeReleaseLine(buffer.toString('utf8', place.start, place.end))
    if (E.isRight(decoded)) return decoded.right
    throw damagedLine(this.#path, buffer, place.start, decoded.left)
  }

  #group(place: Place): Group {
    const group: Release[] = []
    for (const line of placesIn(CHECKPOINT_LAYOUT, { ...this.#region, start: place.start, end: place.end }))
      group.push(this.#line(line))
    return Object.freeze(group)
  }

  get size(): number {
    return this.#size
  }

  get(id: ReleaseId): Group | undefined {
    if (this.#all !== undefined) return this.#all.get(id)
    const known = this.#decoded.get(id)
    if (known !== undefined) return known ?? undefined
    if (this.#size === 0 || compareIds(id, this.#greatestId()) > 0) return undefined
    const place = findGroup(CHECKPOINT_LAYOUT, this.#region, id)
    const group = place === undefined ? undefined : this.#group(place)
    this.#decoded.set(id, group ?? null)
    return group
  }

  has(id: ReleaseId): boolean {
    return this.get(id) !== undefined
  }

  #greatestId(): string {
    this.#lastId ??= idAt(
      CHECKPOINT_LAYOUT,
      this.#region.buffer,
      startUpTo(CHECKPOINT_LAYOUT, this.#region, this.#region.end),
    )
    return this.#lastId
  }

  /** Every release, decoded once, in line order. */
  #every(): Map<ReleaseId, Group> {
    if (this.#all !== undefined) return this.#all
    const all = new Map<ReleaseId, Release[]>()
    for (const place of placesIn(CHECKPOINT_LAYOUT, this.#region)) {
      const id = idAt(CHECKPOINT_LAYOUT, this.#region.buffer, place.start) as ReleaseId
      const known = this.#decoded.get(id)
      if (known) {
        if (!all.has(id)) all.set(id, [...known])
        continue
      }
      const group = all.get(id)
      if (group === undefined) all.set(id, [this.#line(place)])
      else group.push(this.#line(place))
    }
    for (const group of all.values()) Object.freeze(group)
    if (all.size !== this.#size)
      throw new StateError(
        'CORRUPT_STATE',
        `${this.#path}: the checkpoint says it holds ${this.#size} release ids, but its lines hold ` +
          `${all.size}; delete it and the store is read from its event log`,
      )
    this.#all = all
    return all
  }

  forEach(
    callback: (value: Group, key: ReleaseId, map: ReadonlyMap<ReleaseId, Group>) => void,
    thisArg?: unknown,
  ): void {
    for (const [id, group] of this.#every()) callback.call(thisArg, group, id, this)
  }

  entries(): MapIterator<[ReleaseId, Group]> {
    return this.#every().entries()
  }

  keys(): MapIterator<ReleaseId> {
    return this.#every().keys()
  }

  values(): MapIterator<Group> {
    return this.#every().values()
  }

  [Symbol.iterator](): MapIterator<[ReleaseId, Group]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'CheckpointReleases'
  }
}

/** Each environment's current release, found among the checkpoint's releases when asked for. */
class CheckpointCurrent implements ReadonlyMap<string, Release> {
  readonly #where: ReadonlyMap<string, readonly [ReleaseId, number]>
  readonly #releases: ReadonlyMap<ReleaseId, Group>
  readonly #path: string

  constructor(file: CheckpointFile, releases: ReadonlyMap<ReleaseId, Group>, path: string) {
    this.#where = new Map(file.header.current.map(([environment, id, index]) => [environment, [id, index] as const]))
    this.#releases = releases
    this.#path = path
  }

  get size(): number {
    return this.#where.size
  }

  get(environment: string): Release | undefined {
    const where = this.#where.get(environment)
    if (where === undefined) return undefined
    const release = this.#releases.get(where[0])?.[where[1]]
    if (release === undefined || release.environment !== environment) {
      throw new StateError(
        'CORRUPT_STATE',
        `${this.#path}: the checkpoint names ${where[0]} as the current release of ${environment}, which ` +
          'its lines do not hold; delete it and the store is read from its event log',
      )
    }
    return release
  }

  has(environment: string): boolean {
    return this.#where.has(environment)
  }

  forEach(callback: (value: Release, key: string, map: ReadonlyMap<string, Release>) => void, thisArg?: unknown): void {
    for (const environment of this.#where.keys())
      callback.call(thisArg, this.get(environment) as Release, environment, this)
  }

  *entries(): MapIterator<[string, Release]> {
    for (const environment of this.#where.keys()) yield [environment, this.get(environment) as Release]
  }

  keys(): MapIterator<string> {
    return this.#where.keys()
  }

  *values(): MapIterator<Release> {
    for (const [, release] of this.entries()) yield release
  }

  [Symbol.iterator](): MapIterator<[string, Release]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'CheckpointCurrent'
  }
}

/** The state a checkpoint holds (`path` names it in errors). */
export const checkpointState = (file: CheckpointFile, path: string): State => {
  const releases = ReleaseMap.of(new CheckpointReleases(file, path))
  const { header } = file
  return Object.freeze({
    releases,
    current: readOnlyMap(new CheckpointCurrent(file, releases, path)),
    greatestId: header.greatestId ?? undefined,
    otherFields: deepFreeze(header.otherFields),
    ...(header.otherFieldsJson === undefined ? {} : { otherFieldsJson: deepFreeze(header.otherFieldsJson) }),
    requests: checkpointRequests({ buffer: file.bytes, ...file.keys }, header.requests, path),
  })
}
