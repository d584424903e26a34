import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect } from 'vitest'
import {
  compareNewestFirst,
  type DomainEvent,
  formatReleaseId,
  formatTimestamp,
  parseInstant,
  type Release,
  releaseIdEpochMs,
  type State,
} from '../../src/domain/index.js'
import { clock, goReleases } from '../arbitraries.js'
import { importedState } from './helpers.js'
import { decideInput, stateAfter } from './specification.js'

const instantMs = (release: Release): number => (parseInstant(release.timestamp) as { epochMs: number }).epochMs

// What the rule says, worked out from the releases alone: the first millisecond at or after the clock and after every
// instant whose id (in UTC) no release holds.
const expectedMs = (state: State, now: number): number => {
  const releases = [...state.releases.values()].flat()
  let ms = Math.max(now, ...releases.map((release) => instantMs(release) + 1))
  while (state.releases.has(formatReleaseId(ms))) ms++
  return ms
}

const newestOf = (state: State, environment: string): Release | undefined =>
  [...state.releases.values()]
    .flat()
    .filter((release) => release.environment === environment)
    .sort(compareNewestFirst)[0]

describe('time never runs ahead: new releases after any mix of Go ids in any zone', () => {
  const picks = fc.array(fc.record({ environment: fc.constantFrom('prod', 'staging', 'dev'), goId: fc.nat() }), {
    minLength: 41,
    maxLength: 41,
  })
  it.prop([goReleases, clock, picks], { numRuns: 300 })(
    'each new release is at the clock, or 1 ms after the latest instant; its id reads it in UTC, is new, and names ' +
      "the environment's newest release as previous",
    (go, readings, choices) => {
      let state = importedState({ releases: go, otherFields: {} })
      for (const [i, reading] of readings.entries()) {
        const { environment, goId } = choices[i] as { environment: string; goId: number }
        // A third of the readings are the time some Go id reads: where a new id would meet it.
        const read = goId % 3 === 0 ? releaseIdEpochMs((go[goId % go.length] as Release).id) : undefined
        const now = read ?? reading
        const decision = decideInput({ type: 'CreateRelease', environment, version: `v${i}`, now }, state)
        if (E.isLeft(decision)) throw new Error(decision.left.message)
        const event = decision.right[0] as DomainEvent & { type: 'ReleaseCreated' }
        const release = event.data.release
        const ms = expectedMs(state, now)
        expect(instantMs(release)).toBe(ms)
        expect(release.timestamp).toBe(formatTimestamp(ms))
        expect(releaseIdEpochMs(release.id)).toBe(ms)
        expect(state.releases.has(release.id)).toBe(false)
        expect(release.previousId).toBe(newestOf(state, environment)?.id)
        state = stateAfter(decision.right, state)
        expect(state.current.get(environment)).toBe(state.releases.get(release.id)?.[0])
      }
    },
  )
  it.prop([goReleases, clock], { numRuns: 200 })(
    "with a clock ahead of every release, the timestamp is the clock's reading",
    (go, readings) => {
      const state = importedState({ releases: go, otherFields: {} })
      const latest = Math.max(...go.map(instantMs))
      const now = Math.max(latest + 1, readings[0] as number)
      const taken = go.some((release) => release.id === formatReleaseId(now))
      fc.pre(!taken)
      const decision = decideInput({ type: 'CreateRelease', environment: 'prod', version: 'v9', now }, state)
      const release = (E.getOrElseW(() => [])(decision)[0] as DomainEvent & { type: 'ReleaseCreated' }).data.release
      expect(release.timestamp).toBe(formatTimestamp(now))
    },
  )
})
