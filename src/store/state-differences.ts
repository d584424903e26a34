/** How a folded state a store keeps differs from a full replay at the same position, in words, for `verify`. */
import type { Release } from '../domain/release.js'
import { compareIds, type ReleaseId } from '../domain/release-id.js'
import type { State } from '../domain/state.js'
import { fieldsKey } from '../domain/top-level-fields.js'
import { releaseJson } from './checkpoint-format.js'
import type { Loaded } from './event-store.js'

const MAX_NAMED = 10

const text = (group: ReadonlyArray<Release> | undefined): string => (group ?? []).map(releaseJson).join('\n')

// Each id with its first use, in id order: the same ids used the same way.
const requestsOf = (state: State): string => JSON.stringify([...state.requests].sort(([a], [b]) => compareIds(a, b)))

const currentOf = (state: State): string =>
  JSON.stringify([...state.current].map(([environment, release]) => [environment, release.id]).sort())

// As the file wrote them when both keep that (a checkpoint does); else the parsed values (the PostgreSQL projection).
const sameTopLevelFields = (a: State, b: State): boolean =>
  a.otherFieldsJson !== undefined && b.otherFieldsJson !== undefined
    ? fieldsKey(a) === fieldsKey(b)
    : JSON.stringify(a.otherFields) === JSON.stringify(b.otherFields)

/** What differs between `kept` and `replayed`: nothing when they hold the same. */
export const stateDifferences = (kept: Loaded, replayed: Loaded): string[] => {
  const found: string[] = []
  for (const id of new Set<ReleaseId>([...kept.state.releases.keys(), ...replayed.state.releases.keys()])) {
    if (text(kept.state.releases.get(id)) !== text(replayed.state.releases.get(id))) found.push(`release ${id}`)
    if (found.length > MAX_NAMED) break
  }
  if (currentOf(kept.state) !== currentOf(replayed.state)) found.push("the environments' current releases")
  if (kept.state.greatestId !== replayed.state.greatestId) found.push('the greatest id')
  if (!sameTopLevelFields(kept.state, replayed.state)) found.push('the top-level fields')
  if (requestsOf(kept.state) !== requestsOf(replayed.state)) found.push('the request ids')
  if (kept.lastRecordedAt !== replayed.lastRecordedAt) found.push('the time of the last event')
  return found
}
