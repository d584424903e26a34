/** The detail view of `show` and `current`: the release and what the history knows of it. */
import type { Release } from '../../index.js'
import { factsOf, isAbandoned } from '../../internals.js'
import type { Output } from '../output.js'
import { releaseValue } from '../format/json.js'
import { releaseDetail, type ReleaseFacts } from '../format/release.js'
import { abandonedHint } from './abandoned.js'

/** What the history adds to a release, and whether it looks abandoned at `now` after `thresholdMs` without an event. */
const detailFacts = (release: Release, now: Date, thresholdMs: number): ReleaseFacts => {
  const { rollbackOf, note, lastEventMs, supersedes } = factsOf(release)
  return {
    rollbackOf,
    supersedes,
    note,
    lastEventAt: lastEventMs === undefined ? undefined : new Date(lastEventMs).toISOString(),
    abandoned: isAbandoned(release, now.getTime(), thresholdMs),
  }
}

/** Prints one release in detail, or as its record with `--json`. */
export const printRelease = (out: Output, release: Release, now: Date, thresholdMs: number): void => {
  if (out.json) {
    out.value(releaseValue(out, release))
    return
  }
  const facts = detailFacts(release, now, thresholdMs)
  out.lines([
    ...releaseDetail(release, facts, now, out.style),
    ...(facts.abandoned === true ? abandonedHint([release], thresholdMs) : []),
  ])
}
