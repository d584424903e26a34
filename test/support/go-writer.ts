/**
 * Writes `releases.json` as the Go Stagecraft does (see test/fixtures/go/README.md): it reads the whole file, changes
 * it, marshals it with two-space indents, phase keys sorted, `<>&` escaped, times trimmed of trailing zeros in the
 * clock's own offset, ids from the local wall clock, and renames a temporary file over it. It takes no lock.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { allPending } from '../../src/domain/phase.js'

/** A release record as the Go tool marshals it. */
export interface GoRecord {
  id: string
  environment: string
  version: string
  commit_sha: string
  timestamp: string
  phases: Record<string, string>
  previous_id?: string
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

// The wall clock of a zone `offsetMinutes` east of UTC, as the parts of a UTC date.
const wallClock = (epochMs: number, offsetMinutes: number): Date => new Date(epochMs + offsetMinutes * 60_000)

/** The id Go gives a release created at `epochMs` on a machine whose zone is `offsetMinutes` east of UTC. */
export const goReleaseId = (epochMs: number, offsetMinutes = 0): string => {
  const d = wallClock(epochMs, offsetMinutes)
  return (
    `rel-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}`
  )
}

/** Go's RFC 3339 with nanoseconds: the fraction trimmed of trailing zeros, the zone's offset (`Z` for UTC). */
export const goTimestamp = (epochMs: number, offsetMinutes = 0, extraNanos = 0): string => {
  const d = wallClock(epochMs, offsetMinutes)
  const fraction = `${pad(d.getUTCMilliseconds(), 3)}${pad(extraNanos, 6)}`.replace(/0+$/, '')
  const sign = offsetMinutes < 0 ? '-' : '+'
  const offset =
    offsetMinutes === 0
      ? 'Z'
      : `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${fraction === '' ? '' : `.${fraction}`}${offset}`
  )
}

const escapeLikeGo = (json: string): string =>
  json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const ordered = (record: GoRecord): GoRecord => ({
  id: record.id,
  environment: record.environment,
  version: record.version,
  commit_sha: record.commit_sha,
  timestamp: record.timestamp,
  phases: Object.fromEntries(Object.entries(record.phases).sort(([a], [b]) => (a < b ? -1 : 1))),
  ...(record.previous_id === undefined || record.previous_id === '' ? {} : { previous_id: record.previous_id }),
})

/** The bytes Go's `json.MarshalIndent` writes for these records (no trailing newline). */
export const goFileText = (releases: ReadonlyArray<GoRecord>): string =>
  escapeLikeGo(JSON.stringify({ releases: releases.map(ordered) }, null, 2))

/** The releases of a file, as Go unmarshals them (unknown fields dropped, timestamps kept as text). */
export const readAsGo = (stateFile: string): GoRecord[] =>
  (JSON.parse(readFileSync(stateFile, 'utf8')) as { releases: GoRecord[] | null }).releases ?? []

/** Go's save: a temporary file beside the state file, renamed over it. */
export const writeAsGo = (stateFile: string, releases: ReadonlyArray<GoRecord>): void => {
  const temporary = `${stateFile}.go-tmp`
  writeFileSync(temporary, goFileText(releases))
  renameSync(temporary, stateFile)
}

/** Go's `CreateRelease`: read, append a release whose previous is the environment's newest, save. */
export const goCreateRelease = (
  stateFile: string,
  fields: { environment: string; version: string; commitSha?: string; epochMs: number; offsetMinutes?: number },
): GoRecord => {
  const releases = readAsGo(stateFile)
  const current = releases
    .filter((release) => release.environment === fields.environment)
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0]
  const offset = fields.offsetMinutes ?? 0
  const release: GoRecord = {
    id: goReleaseId(fields.epochMs, offset),
    environment: fields.environment,
    version: fields.version,
    commit_sha: fields.commitSha ?? '',
    timestamp: goTimestamp(fields.epochMs, offset),
    phases: allPending(),
    ...(current === undefined ? {} : { previous_id: current.id }),
  }
  writeAsGo(stateFile, [...releases, release])
  return release
}

/** Go's `UpdatePhase`: read, set the phase of the first release with the id (no transition checked), save. */
export const goUpdatePhase = (stateFile: string, id: string, phase: string, status: string): void => {
  const releases = readAsGo(stateFile)
  const release = releases.find((candidate) => candidate.id === id)
  if (release === undefined) throw new Error(`no release ${id} in ${stateFile}`)
  release.phases[phase] = status
  writeAsGo(stateFile, releases)
}
