/**
 * The detail view shared by `show` and `current`: the release, plus what only the event log
 * knows about it (what it rolls back to, its note, when it last moved).
 */
import type { Release, StateManager } from '../../index.js'
import type { Output } from '../output.js'
import { releaseJson } from '../format/json.js'
import { releaseDetail, type ReleaseFacts } from '../format/release.js'
import { abandonedHint } from './abandoned.js'

/** What the history adds to a release. */
export const factsOf = async (manager: StateManager, release: Release, abandoned: boolean): Promise<ReleaseFacts> => {
  const events = await manager.history({ releaseId: release.id })
  const created = events.find((event) => event.type === 'ReleaseCreated' && event.data.release.id === release.id)
  const last = events.at(-1)
  return {
    rollbackOf: created?.type === 'ReleaseCreated' ? created.data.rollbackOf : undefined,
    note: created?.type === 'ReleaseCreated' ? created.data.note : undefined,
    lastEventAt: last?.recordedAt,
    abandoned,
  }
}

/** Prints one release in detail, or as its record with `--json`. */
export const printRelease = async (manager: StateManager, out: Output, release: Release, now: Date, thresholdMs: number): Promise<void> => {
  if (out.json) {
    out.value(releaseJson(release))
    return
  }
  const abandoned = (await manager.abandonedReleases(release.environment)).some((candidate) => candidate.id === release.id)
  out.lines([...releaseDetail(release, await factsOf(manager, release, abandoned), now, out.style), ...(abandoned ? abandonedHint([release], thresholdMs) : [])])
}
