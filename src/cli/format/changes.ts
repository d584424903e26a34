/** What an accepted outside edit changed, release by release, in the timeline's words (`failed -> completed`). */
import { PHASES, type PhaseStatus, type Release } from '../../index.js'
import type { ReleaseChange, StoredRelease } from '../../internals.js'
import { shortCommit } from './release.js'

/** One difference: the phase it concerns (if any), what changed, and the status it became (for colour). */
export interface ChangeLine {
  readonly phase: string
  readonly text: string
  readonly to?: PhaseStatus | undefined
}

const shown = (value: string | undefined): string => (value === undefined ? '(none)' : value === '' ? '(empty)' : value)

/** A release in a few words, as the timeline shows a created one. */
export const releaseSummary = (release: Release): string =>
  `${release.environment} ${release.version} (${shortCommit(release.commitSha)})`

// The fields a person can edit in a record, with the names the timeline gives them.
const FIELDS: ReadonlyArray<readonly [string, (release: Release) => string | undefined]> = [
  ['environment', (release) => release.environment],
  ['version', (release) => release.version],
  ['commit', (release) => release.commitSha],
  ['timestamp', (release) => release.timestamp],
  ['previous', (release) => release.previousId],
]

/** The differences between two records of one release: phases first, in deploy order, then fields. */
const differences = (before: StoredRelease, after: StoredRelease): ChangeLine[] => {
  const phases = PHASES.filter((phase) => before.phases[phase] !== after.phases[phase]).map((phase) => ({
    phase,
    text: `${before.phases[phase]} -> ${after.phases[phase]}`,
    to: after.phases[phase],
  }))
  const fields = FIELDS.filter(([, of]) => of(before) !== of(after)).map(([name, of]) => ({
    phase: '',
    text: `${name} ${shown(of(before))} -> ${shown(of(after))}`,
  }))
  // Fields of an imported record this module does not model (kept verbatim) changed too.
  const other =
    JSON.stringify(before.preserved ?? {}) === JSON.stringify(after.preserved ?? {})
      ? []
      : [{ phase: '', text: 'fields stagecraft-state does not model changed' }]
  const all = [...phases, ...fields, ...other]
  return all.length === 0 ? [{ phase: '', text: 'changed' }] : all
}

/** What an outside edit did to the records of one release id. */
export const changeLines = (change: ReleaseChange): ChangeLine[] => {
  const { before, after } = change
  if (before.length === 0) return after.map((release) => ({ phase: '', text: `added: ${releaseSummary(release)}` }))
  if (after.length === 0) return before.map((release) => ({ phase: '', text: `removed: ${releaseSummary(release)}` }))
  if (before.length === 1 && after.length === 1)
    return differences(before[0] as StoredRelease, after[0] as StoredRelease)
  // A file written by the Go Stagecraft can hold one id several times.
  return [{ phase: '', text: `${before.length} records with this id -> ${after.length}` }]
}
