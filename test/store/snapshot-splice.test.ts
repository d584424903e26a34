/**
 * A releases.json rewritten by splicing is exactly the projection: after every step of any
 * history, spliced from the file of the step before, byte for byte what projecting the whole
 * state gives.
 */
import { it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { type DomainEvent, evolveAll, projectSnapshot, type Release } from '../../src/domain/index.js'
import { heldBytes, type HeldSnapshot, projectFrom } from '../../src/store/snapshot-splice.js'
import { historyScenario, snapshot } from '../arbitraries.js'
import { completedAll, created, newRelease, phaseUpdated, stateAfter } from '../domain/specification.js'
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
})
