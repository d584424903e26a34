/**
 * Finding where a rewritten releases.json starts to differ from the changes between two versions
 * of the release map: the same answer as the walk of every release, found without it.
 */
import { describe, expect, it } from 'vitest'
import { type DomainEvent, evolveAll, projectSnapshot, projectSnapshotBytes, type Release, type State, snapshotScratch } from '../../src/domain/index.js'
import { firstChange } from '../../src/domain/first-change.js'
import { ReleaseMap } from '../../src/domain/release-map.js'
import { allReleases } from '../../src/domain/state.js'
import { completedAll, created, newRelease, phaseUpdated, stateAfter } from './specification.js'

// Forty releases in two environments, each completed.
const releases = Array.from({ length: 40 }, (_, i) =>
  newRelease(`2025-01-01T12:${String(i).padStart(2, '0')}:00Z`, { environment: i % 2 === 0 ? 'prod' : 'staging' }),
).map((release, i, all) => (i < 2 ? release : { ...release, previousId: (all[i - 2] as Release).id }))
// Release 10's last phase is still running, to be finished in the middle of the file.
const middle = releases[10] as Release
const history = releases.flatMap((release) => [created(release), ...completedAll(release.id).slice(0, release === middle ? -1 : undefined)])
const before = stateAfter(history)
const records = [...allReleases(before)]

const after = (events: ReadonlyArray<DomainEvent>): State => evolveAll(before, events)
const walked = (state: State) => {
  const all = [...allReleases(state)]
  const kept = all.findIndex((release, i) => records[i] !== release)
  return kept === -1 ? Math.min(all.length, records.length) : kept
}

describe('firstChange', () => {
  const next = newRelease('2025-01-01T13:00:00Z', { previousId: (releases[38] as Release).id })
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<DomainEvent>]> = [
    ['a new release', [created(next)]],
    ['a phase of the new release', [created(next), phaseUpdated(next.id, 'build', 'pending', 'running')]],
    ['a phase of a release in the middle', [phaseUpdated(middle.id, 'finalize', 'pending', 'completed')]],
    ['nothing', []],
  ]
  for (const [what, events] of cases) {
    it(`given ${what}, finds where the walk would, from the changes alone`, () => {
      const state = after(events)
      const found = firstChange(state.releases, before.releases as ReleaseMap, records)
      expect(found).toBeDefined()
      expect(found?.kept).toBe(walked(state))
      expect([...records.slice(0, found?.kept), ...(found?.changed ?? [])]).toEqual([...allReleases(state)])
    })
  }

  it('given versions that share no base, leaves it to the walk', () => {
    const unrelated = stateAfter(history)
    expect(firstChange(unrelated.releases, before.releases as ReleaseMap, records)).toBeUndefined()
  })

  it('given many writes projected into one scratch buffer, every file is the whole projection', () => {
    const scratch = snapshotScratch()
    let state = before
    for (let i = 0; i < 30; i++) {
      const release = newRelease(`2025-01-01T14:${String(i).padStart(2, '0')}:00Z`, { previousId: state.current.get('prod')?.id as string })
      state = evolveAll(state, [created(release), phaseUpdated(release.id, 'build', 'pending', 'completed')])
      expect(new TextDecoder().decode(projectSnapshotBytes(state, scratch))).toBe(projectSnapshot(state))
      expect(scratch.shown).toBe(state.releases)
    }
  })
})
