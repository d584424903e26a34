/**
 * Reading `releases.json`, as this module, the Go Stagecraft or a person wrote it. Lenient where Go was (key order,
 * escapes, offsets and nine fraction digits kept byte-exact, legacy and duplicate ids, missing or null fields); unknown
 * fields are kept verbatim and written back. Anything else is `CORRUPT_STATE` naming the file, the line and the
 * problem.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { describeDecodeErrors } from './decode-errors.js'
import { corruptState, type DomainError, invalidInput } from './errors.js'
import type { SnapshotImported } from './events.js'
import { MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_DEPTH, tooDeep, tooDeepProblem, tooLongProblem } from './json-limits.js'
import { firstDuplicateKey, jsonErrorOffset, lineAt, releaseRecordLines } from './json-position.js'
import { sameReleases } from './projection.js'
import type { Release } from './release.js'
import type { ReleaseId } from './release-id.js'
import { ReleaseRecord } from './release-record.js'
import { kindOf, quote, showValue, withoutControls } from './show.js'
import type { State } from './state.js'
import { fieldsKey, topLevelFieldTexts } from './top-level-fields.js'
import { decodeUtf8 } from './utf8.js'

/**
 * The content of a `releases.json`: its releases in file order and its other top-level fields, parsed and as written.
 * The payload of the `SnapshotImported` event that records it.
 */
export type Snapshot = Readonly<
  Required<Pick<SnapshotImported, 'releases' | 'otherFields'>> & Pick<SnapshotImported, 'otherFieldsJson'>
>

const SnapshotDocument = t.intersection([t.UnknownRecord, t.partial({ releases: t.union([t.UnknownArray, t.null]) })])

// In words, not in the codec's TypeScript name (`Partial<{ releases: ... }>`).
const documentProblem = (json: unknown): string =>
  typeof json !== 'object' || json === null || Array.isArray(json)
    ? `the top level is ${showValue(json, 40)}, not a JSON object with a "releases" array`
    : `"releases" is ${showValue((json as { releases?: unknown }).releases, 40)}, not an array of release records`

/**
 * An object with fields but no `releases` (a config.json named by mistake) is some other file, which a write would
 * overwrite. `{}` and `"releases": null` hold nothing a rewrite could lose, and start a history.
 */
const notAReleasesFile = (document: Readonly<Record<string, unknown>>, file: string): DomainError | undefined => {
  const fields = Object.keys(document)
  if (Object.hasOwn(document, 'releases') || fields.length === 0) return undefined
  const named = fields
    .slice(0, 5)
    .map((field) => quote(field))
    .join(', ')
  return corruptState(
    `${file} is not a releases file: it has no "releases" array (its top-level fields are ` +
      `${named}${fields.length > 5 ? ', ...' : ''}); ` +
      'every write rewrites the state file, so stagecraft-state does not take over another file: choose ' +
      'another state file, or add "releases": [] to this one if it is meant to hold the history',
  )
}

const parseJson = (text: string, file: string): E.Either<DomainError, unknown> => {
  if (text.trim() === '')
    return E.left(corruptState(`${file}: the file is empty; expected a JSON object with a "releases" array`))
  // Before JSON.parse: what it returns is walked by recursive code (a deep freeze, JSON.stringify).
  const deep = tooDeep(text, MAX_SNAPSHOT_DEPTH)
  if (deep !== undefined) return E.left(corruptState(`${file}:${deep.line}: ${tooDeepProblem(deep)}`))
  try {
    return E.right(JSON.parse(text))
  } catch (error) {
    // V8 quotes the text around the fault, newlines and all: escaped, the report stays one line.
    const message = withoutControls(error instanceof Error ? error.message : String(error))
    const reported = /position (\d+)/.exec(message)?.[1]
    const offset = reported === undefined ? jsonErrorOffset(text) : Number(reported)
    const where = offset === undefined ? '' : `:${lineAt(text, offset)}`
    return E.left(corruptState(`${file}${where}: not valid JSON (${message})`))
  }
}

/** Told how many records have been read so far, as a long file is read (the caller's progress line). */
export type RecordsRead = (count: number) => void

const decodeRecords = (
  records: ReadonlyArray<unknown>,
  text: string,
  file: string,
  read: RecordsRead | undefined,
): E.Either<DomainError, ReadonlyArray<Release>> => {
  const releases: Release[] = []
  for (const [index, record] of records.entries()) {
    read?.(index + 1)
    const decoded = ReleaseRecord.decode(record)
    if (E.isLeft(decoded)) {
      const line = releaseRecordLines(text)[index]
      const id =
        typeof (record as { id?: unknown } | null)?.id === 'string' ? ` (id "${(record as { id: string }).id}")` : ''
      const problems = describeDecodeErrors(decoded.left).join('; ')
      return E.left(
        corruptState(`${file}${line === undefined ? '' : `:${line}`}: release ${index + 1}${id}: ${problems}`),
      )
    }
    releases.push(decoded.right)
  }
  return E.right(releases)
}

/** Decodes the text of a `releases.json`; `file` names it in error messages. */
export const decodeSnapshot = (text: string, file: string, read?: RecordsRead): E.Either<DomainError, Snapshot> => {
  if (typeof text !== 'string') return E.left(invalidInput(`the text of ${file} must be a string, got ${kindOf(text)}`))
  const json = parseJson(text, file)
  if (E.isLeft(json)) return json
  // JSON.parse keeps the last of two values of one key: the first would be lost on the next write.
  const duplicate = firstDuplicateKey(text)
  if (duplicate !== undefined) {
    const where = duplicate.path === '' ? 'the top-level object' : duplicate.path
    return E.left(
      corruptState(
        `${file}:${duplicate.line}: the key ${quote(duplicate.key)} appears twice in ${where}; a JSON ` +
          'reader keeps only one of the two values, so the file cannot be read without losing the other: ' +
          'remove one of them',
      ),
    )
  }
  const document = SnapshotDocument.decode(json.right)
  if (E.isLeft(document)) return E.left(corruptState(`${file}: ${documentProblem(json.right)}`))
  const { releases: records, ...rest } = document.right
  const foreign = notAReleasesFile(document.right, file)
  if (foreign !== undefined) return E.left(foreign)
  const releases = decodeRecords(records ?? [], text, file, read)
  if (E.isLeft(releases)) return releases
  const otherFields = Object.fromEntries(Object.entries(rest))
  // The values' texts, not JSON.parse's round trip: numbers and escapes are written back as they were.
  if (Object.keys(otherFields).length === 0) return E.right({ releases: releases.right, otherFields })
  return E.right({ releases: releases.right, otherFields, otherFieldsJson: topLevelFieldTexts(text) })
}

/** Decodes the bytes of a `releases.json`: strict UTF-8, then {@link decodeSnapshot}. */
export const decodeSnapshotBytes = (
  bytes: Uint8Array,
  file: string,
  read?: RecordsRead,
): E.Either<DomainError, Snapshot> =>
  pipe(
    bytes.length > MAX_SNAPSHOT_BYTES
      ? E.left(corruptState(`${file}: ${tooLongProblem('the file', bytes.length, MAX_SNAPSHOT_BYTES)}`))
      : E.right(bytes),
    E.chain((checked) => decodeUtf8(checked, file)),
    E.chain((text) => decodeSnapshot(text, file, read)),
  )

/**
 * A test of whether a state holds exactly what a snapshot shows, made once and used against every point of a history.
 * Ids are compared newest first: that is where two nearby points differ.
 */
export const showsState = (snapshot: Snapshot): ((state: State) => boolean) => {
  const groups = new Map<string, Release[]>()
  for (const release of snapshot.releases) {
    const group = groups.get(release.id)
    if (group === undefined) groups.set(release.id, [release])
    else group.push(release)
  }
  const newestFirst = [...groups.keys()].sort().reverse()
  const fields = fieldsKey(snapshot)
  return (state) =>
    state.releases.size === groups.size &&
    newestFirst.every((id) => sameReleases(state.releases.get(id as ReleaseId) ?? [], groups.get(id) as Release[])) &&
    fieldsKey(state) === fields
}

/** The top-level fields that differ between two versions of a file: added, removed, changed, or moved. */
export const changedFields = (
  before: Snapshot['otherFields'],
  after: Snapshot['otherFields'],
): ReadonlyArray<string> => {
  const was = Object.keys(before)
  const now = Object.keys(after)
  const differs = (key: string, index: number): boolean =>
    was.indexOf(key) !== index || JSON.stringify(before[key]) !== JSON.stringify(after[key])
  return [...now.filter(differs), ...was.filter((key) => !(key in after))]
}
