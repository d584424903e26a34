/**
 * A releases.json rewritten by splicing is exactly the projection: after every step of any
 * history, spliced from the file of the step before, byte for byte what projecting the whole
 * state gives.
 */
import { it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { type DomainEvent, evolveAll, projectSnapshot, type Release } from '../../src/domain/index.js'
import { heldBytes, type HeldSnapshot, projectFrom } from '../../src/store/snapshot-splice.js'
import { goReleases, historyScenario, snapshot } from '../arbitraries.js'
import {
  completedAll,
  created,
  imported,
  newRelease,
  phaseUpdated,
  stateAfter,
  storedRelease,
} from '../domain/specification.js'
import { runScenario } from '../scenario.js'

const text = (held: HeldSnapshot): string => new TextDecoder().decode(heldBytes(held))

// Forty releases in two environments, each completed but one, whose last phase is still running.
const releases = Array.from({ length: 40 }, (_, i) =>
  newRelease(`2025-01-01T12:${String(i).padStart(2, '0')}:00Z`, { environment: i % 2 === 0 ? 'prod' : 'staging' }),
).map((release, i, all) => (i < 2 ? release : { ...release, previousId: (all[i - 2] as Release).id }))
const middle = releases[10] as Release
const before = stateAfter(
  releases.flatMap((release) => [
    created(release),
    ...completedAll(release.id).slice(0, release === middle ? -1 : undefined),
  ]),
)
const start = (): HeldSnapshot => projectFrom(undefined, before).held

describe('a releases.json spliced from the one before', () => {
  const next = newRelease('2025-01-01T13:00:00Z', { previousId: (releases[38] as Release).id })
  const cases: ReadonlyArray<
    readonly [string, ReadonlyArray<DomainEvent>, 'at the end' | 'in the middle' | 'nowhere']
  > = [
    ['a new release', [created(next)], 'at the end'],
    ['a phase of the new release', [created(next), phaseUpdated(next.id, 'build', 'pending', 'running')], 'at the end'],
    [
      'a phase of a release in the middle',
      [phaseUpdated(middle.id, 'finalize', 'pending', 'completed')],
      'in the middle',
    ],
    ['nothing', [], 'nowhere'],
  ]
  for (const [what, events, where] of cases) {
    test(`given ${what}, keeps every byte before the first changed record and is the whole projection`, () => {
      const held = start()
      const previous = text(held)
      const after = evolveAll(before, events)
      const { held: spliced, unchanged } = projectFrom(held, after)
      expect(text(spliced)).toBe(projectSnapshot(after))
      if (where === 'nowhere') expect(unchanged).toBe(previous.length - '\n  ]\n}'.length)
      else expect(unchanged).toBeLessThan(previous.length)
      if (where === 'in the middle') expect(previous.indexOf(middle.id)).toBeGreaterThan(unchanged - 200)
      expect(unchanged).toBeGreaterThan(0)
    })
  }

  test('given a state that does not descend from the one the file shows, projects it whole', () => {
    const unrelated = stateAfter([created(releases[0] as Release)])
    const { held, unchanged } = projectFrom(start(), unrelated)
    expect(unchanged).toBe(0)
    expect(text(held)).toBe(projectSnapshot(unrelated))
  })

  it.prop([historyScenario], { numRuns: 200 })(
    'after every step of any history, spliced from the step before, it is exactly the projection',
    (scenario) => {
      let held: HeldSnapshot | undefined
      for (const { after } of runScenario(scenario).steps) {
        held = projectFrom(held, after).held
        expect(text(held)).toBe(projectSnapshot(after))
      }
    },
  )

  it.prop([snapshot, historyScenario], { numRuns: 100 })(
    'after an imported file (duplicate ids, escapes, fields it does not model), spliced step by step, it is exactly the projection',
    (file, scenario) => {
      const run = runScenario({ ...scenario, intents: [{ kind: 'import', snapshot: file }, ...scenario.intents] })
      let held: HeldSnapshot | undefined
      for (const { after } of run.steps) {
        held = projectFrom(held, after).held
        expect(text(held)).toBe(projectSnapshot(after))
      }
    },
  )

  it.prop([goReleases, historyScenario], { numRuns: 100 })(
    'after releases the Go tool made from clocks in any zone, spliced step by step, it is exactly the projection',
    (go, scenario) => {
      const file = { releases: go, otherFields: {} }
      const run = runScenario({ ...scenario, intents: [{ kind: 'import', snapshot: file }, ...scenario.intents] })
      let held: HeldSnapshot | undefined
      for (const { after } of run.steps) {
        held = projectFrom(held, after).held
        expect(text(held)).toBe(projectSnapshot(after))
      }
    },
  )

  test('after a Go release from a Tokyo clock, a new release follows it, and its phases are spliced in place', () => {
    const tokyo = storedRelease({ id: 'rel-20261203-041109546', timestamp: '2026-12-03T04:11:09.546+09:00' })
    const older = storedRelease({ id: 'rel-20261202-100000000', timestamp: '2026-12-02T10:00:00Z' })
    const next = newRelease('2026-12-02T19:11:09.600Z', { previousId: tokyo.id })
    // The new id sorts before the Go one: the state's map is re-sorted by id, and the file projected whole.
    const first = stateAfter([imported([older, tokyo]), created(next)])
    // A splice writes over the buffer it was given: each case starts from its own.
    const heldNow = () => projectFrom(projectFrom(undefined, stateAfter([imported([older, tokyo])])).held, first).held
    const held = heldNow()
    expect(text(held)).toBe(projectSnapshot(first))
    expect(text(held).indexOf(next.id)).toBeGreaterThan(text(held).indexOf(tokyo.id))
    for (const id of [next.id, tokyo.id]) {
      const updated = evolveAll(first, [phaseUpdated(id, 'build', 'pending', 'running')])
      const { held: spliced, unchanged } = projectFrom(heldNow(), updated)
      expect(text(spliced)).toBe(projectSnapshot(updated))
      expect(unchanged).toBeGreaterThan(text(held).indexOf(older.id))
    }
  })
})
