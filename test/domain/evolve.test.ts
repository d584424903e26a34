import { fc, it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import {
  type DomainEvent,
  evolve,
  evolveAll,
  initialState,
  projectSnapshot,
  type Release,
  type ReleaseId,
  replay,
  startFold,
  type State,
} from '../../src/domain/index.js'
import { historyScenario } from '../arbitraries.js'
import { runScenario } from '../scenario.js'
import { view } from './helpers.js'
import {
  completedAll,
  created,
  imported,
  newRelease,
  phaseUpdated,
  stateAfter,
  storedRelease,
} from './specification.js'

const a = newRelease('2025-01-01T12:00:00Z', { version: 'v1' })
const b = newRelease('2025-01-02T12:00:00Z', { version: 'v2', previousId: a.id })

describe('evolve folds events into state', () => {
  test('given nothing, when prod v1 is created, then the state holds it as the current release of prod and the greatest id', () => {
    const state = evolve(initialState, created(a))
    expect([...state.releases.entries()]).toEqual([[a.id, [a]]])
    expect([...state.current.entries()]).toEqual([['prod', a]])
    expect(state.greatestId).toBe(a.id)
  })
  test('a PhaseUpdated moves the phase, and the current release is the updated one', () => {
    const state = evolveAll(initialState, [created(a), phaseUpdated(a.id, 'rollout', 'pending', 'running')])
    expect(state.releases.get(a.id)?.[0]?.phases.rollout).toBe('running')
    expect(state.current.get('prod')).toBe(state.releases.get(a.id)?.[0])
  })
  test('an import orders releases by id, keeps both releases of a shared id in file order, and picks the newest by timestamp as current', () => {
    const late = storedRelease({ id: 'rel-20250101-050000', timestamp: '2025-01-01T05:00:00.5-07:00', version: 'late' })
    const twin1 = storedRelease({ id: 'rel-20250101-120000', timestamp: '2025-01-01T12:00:00.12Z', version: 'twin1' })
    const twin2 = storedRelease({ id: 'rel-20250101-120000', timestamp: '2025-01-01T12:00:00.1Z', version: 'twin2' })
    const state = evolve(initialState, imported([twin1, late, twin2], { schema: 2 }))
    expect([...state.releases.entries()]).toEqual([
      ['rel-20250101-050000', [late]],
      ['rel-20250101-120000', [twin1, twin2]],
    ])
    expect(state.current.get('prod')?.version).toBe('late')
    expect(state.greatestId).toBe('rel-20250101-120000')
    expect(state.otherFields).toEqual({ schema: 2 })
  })
  test('the given state is never changed, and the result is frozen through and through', () => {
    const before = stateAfter([created(a)])
    const text = projectSnapshot(before)
    const after = evolveAll(before, [phaseUpdated(a.id, 'build', 'pending', 'running'), created(b)])
    expect(projectSnapshot(before)).toBe(text)
    expect(before.releases.size).toBe(1)
    expect(Object.isFrozen(after)).toBe(true)
    expect(Object.isFrozen(after.releases.get(b.id)?.[0])).toBe(true)
    expect(Object.isFrozen(after.releases.get(b.id)?.[0]?.phases)).toBe(true)
  })
  test("the event's own release object is neither frozen nor changed by folding it", () => {
    const mine = newRelease('2025-01-01T12:00:00Z')
    const events = [created(mine), phaseUpdated(mine.id, 'build', 'pending', 'running')]
    evolveAll(initialState, events)
    expect(Object.isFrozen(mine)).toBe(false)
    expect(mine.phases.build).toBe('pending')
    expect(evolveAll(initialState, events).releases.get(mine.id)?.[0]?.phases.build).toBe('running')
  })
  test('replay folds a whole history from the empty state', () => {
    expect(view(replay([created(a), ...completedAll(a.id), created(b)]))).toEqual(
      view(stateAfter([created(a), ...completedAll(a.id), created(b)])),
    )
  })
  test('a release created after a reconcile in the same batch follows the reconciled state (regression: it was dropped on replay)', () => {
    const removeB: DomainEvent = {
      type: 'SnapshotReconciled',
      data: { changes: [{ releaseId: b.id, before: [b], after: [] }], otherFields: {} },
    }
    const c = newRelease('2025-01-03T12:00:00Z', { version: 'v3', previousId: a.id })
    const fold = startFold(initialState)
    expect([created(a), created(b), removeB, created(c)].map((event) => fold.apply(event))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    const state = fold.result()
    expect([...state.releases.keys()]).toEqual([a.id, c.id])
    expect(state.current.get('prod')).toEqual(c)
  })
  test('within one batch, a reconcile sees releases as the earlier events of the batch left them, and the text written follows', () => {
    const running = { ...a, phases: { ...a.phases, build: 'running' as const } }
    const edited = { ...running, version: 'v1-edited' }
    const change: DomainEvent = {
      type: 'SnapshotReconciled',
      data: { changes: [{ releaseId: a.id, before: [running], after: [edited] }], otherFields: {} },
    }
    const fold = startFold(initialState)
    const problems = [
      created(a),
      phaseUpdated(a.id, 'build', 'pending', 'running'),
      change,
      phaseUpdated(a.id, 'build', 'running', 'completed'),
    ].map((event) => fold.apply(event))
    expect(problems).toEqual([undefined, undefined, undefined, undefined])
    const state = fold.result()
    expect(state.releases.get(a.id)).toEqual([{ ...edited, phases: { ...edited.phases, build: 'completed' } }])
    expect(projectSnapshot(state)).toContain('"version": "v1-edited"')
    expect(projectSnapshot(state)).toContain('"build": "completed"')
  })
  test('a reconcile that adds a newer release makes it current for the next release in the batch', () => {
    const added = storedRelease({ id: 'rel-20250105-000000000', timestamp: '2025-01-05T00:00:00Z', version: 'by hand' })
    const addIt: DomainEvent = {
      type: 'SnapshotReconciled',
      data: { changes: [{ releaseId: added.id as ReleaseId, before: [], after: [added] }], otherFields: {} },
    }
    const c = newRelease('2025-01-06T00:00:00Z', { previousId: added.id })
    expect(view(evolveAll(initialState, [created(a), addIt, created(c)]))).toEqual(
      view([created(a), addIt, created(c)].reduce(evolve, initialState)),
    )
    expect(evolveAll(initialState, [created(a), addIt, created(c)]).current.get('prod')).toEqual(c)
  })
})

describe('a created release comes after every instant, or (recorded before instants ordered them) after every id', () => {
  const tokyo = storedRelease({ id: 'rel-20261203-041109546', timestamp: '2026-12-03T04:11:09.546+09:00' })
  test('after a Go id from a Tokyo clock, a release at the clock (its id sorting before the Go one)', () => {
    const next = newRelease('2026-12-02T19:11:09.600Z', { previousId: tokyo.id })
    expect(startFold(stateAfter([imported([tokyo])])).apply(created(next))).toBeUndefined()
  })
  test('the release an earlier version made there, nine hours ahead by its id, still replays', () => {
    const earlier = newRelease('2026-12-03T04:11:09.547Z', { previousId: tokyo.id })
    expect(startFold(stateAfter([imported([tokyo])])).apply(created(earlier))).toBeUndefined()
  })
  test('as does one an earlier version made after a foreign id, its instant before the latest', () => {
    const foreign = storedRelease({ id: 'rel-2020', timestamp: '2025-06-01T00:00:00Z', environment: 'dev' })
    const earlier = newRelease('2024-01-01T00:00:00Z')
    expect(startFold(stateAfter([imported([foreign])])).apply(created(earlier))).toBeUndefined()
  })
})

describe('the fold says why an event could not have happened, and then changes nothing', () => {
  const problemOf = (
    given: ReadonlyArray<DomainEvent>,
    event: DomainEvent,
  ): { problem: string | undefined; same: boolean } => {
    const state = stateAfter(given)
    const fold = startFold(state)
    const problem = fold.apply(event)
    return { problem, same: fold.result() === state && evolve(state, event) === state }
  }
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<DomainEvent>, DomainEvent, string]> = [
    ['a duplicate id', [created(a)], created({ ...a, previousId: a.id }), `release id ${a.id} already exists`],
    [
      'a release neither after every instant nor sorting after the greatest id',
      [created(newRelease('2025-01-02T12:00:00Z', { environment: 'dev' }))],
      created(a),
      `release ${a.id} is at ${a.timestamp}, not after the latest release of the history (at ` +
        `2025-01-02T12:00:00.000Z), and its id does not sort after the greatest id ${b.id}`,
    ],
    [
      'a release at the latest instant, its id sorting after every id (a Go local-clock id ahead of it)',
      [imported([storedRelease({ id: 'rel-20250102-210000000', timestamp: '2025-01-02T21:00:00+09:00' })])],
      created(newRelease('2025-01-02T12:00:00Z', { environment: 'dev' })),
      'release rel-20250102-120000000 is at 2025-01-02T12:00:00Z, not after the latest release of the history (at ' +
        '2025-01-02T12:00:00.000Z), and its id does not sort after the greatest id rel-20250102-210000000',
    ],
    [
      'a wrong previousId',
      [created(a)],
      created({ ...b, previousId: undefined } as unknown as Release),
      `release ${b.id} names previous release (none), but the current release of prod was ${a.id}`,
    ],
    [
      'a previousId where there is none',
      [],
      created(b),
      `release ${b.id} names previous release ${a.id}, but the current release of prod was (none)`,
    ],
    [
      'a release created with phases not all pending',
      [],
      created({ ...a, phases: { ...a.phases, build: 'completed' } }),
      `release ${a.id} was created with phases that are not all pending`,
    ],
    [
      'a rollback of a release of another environment',
      [created(a)],
      created(newRelease('2025-01-02T00:00:00Z', { environment: 'dev' }), { rollbackOf: a.id }),
      `release rel-20250102-000000000 is a rollback of ${a.id}, which is not a release of dev`,
    ],
    [
      'an update of an unknown release',
      [created(a)],
      phaseUpdated('rel-x', 'build', 'pending', 'running'),
      'release rel-x is not in the history',
    ],
    [
      'an update whose from does not match',
      [created(a)],
      phaseUpdated(a.id, 'build', 'running', 'completed'),
      `phase build of release ${a.id} is pending, not running`,
    ],
    [
      'an update of an id two releases share',
      [
        imported([
          storedRelease({ id: 'dup', timestamp: '2025-01-01T00:00:00Z' }),
          storedRelease({ id: 'dup', timestamp: '2025-01-01T00:00:01Z' }),
        ]),
      ],
      phaseUpdated('dup', 'build', 'pending', 'running'),
      'release id dup is held by 2 releases',
    ],
    [
      'an import into a history with releases',
      [created(a)],
      imported([]),
      'an import can only start a history, and this one already holds releases',
    ],
    [
      'a reconcile whose before is not the history',
      [created(a)],
      {
        type: 'SnapshotReconciled',
        data: { changes: [{ releaseId: a.id, before: [{ ...a, version: 'other' }], after: [] }], otherFields: {} },
      },
      `the releases recorded as the state before the change of ${a.id} are not the ones in the history`,
    ],
  ]
  test.each(cases)('%s', (_, given, event, expected) => {
    expect(problemOf(given, event)).toEqual({ problem: expected, same: true })
  })
  test('in a batch, an impossible event is skipped and the events around it still apply', () => {
    const state = evolveAll(initialState, [
      created(a),
      phaseUpdated(a.id, 'build', 'running', 'completed'),
      phaseUpdated(a.id, 'build', 'pending', 'failed'),
    ])
    expect(state.releases.get(a.id)?.[0]?.phases.build).toBe('failed')
  })
  test('a fold cannot be used after its result was taken', () => {
    const fold = startFold(initialState)
    fold.result()
    expect(() => fold.apply(created(a))).toThrow('Fold used after result()')
  })
})

describe('folding properties', () => {
  const oneByOne = (events: ReadonlyArray<DomainEvent>, from: State = initialState) => {
    const problems: Array<string | undefined> = []
    let state = from
    for (const event of events) {
      const fold = startFold(state)
      problems.push(fold.apply(event))
      state = fold.result()
    }
    return { state, problems }
  }
  const inOneGo = (events: ReadonlyArray<DomainEvent>, from: State = initialState) => {
    const fold = startFold(from)
    const problems = events.map((event) => fold.apply(event))
    return { state: fold.result(), problems }
  }

  it.prop([historyScenario], { numRuns: 300 })(
    'folding a history in one go equals folding it one event at a time, and equals the state it was decided on',
    (scenario) => {
      const run = runScenario(scenario)
      const whole = inOneGo(run.events)
      const single = oneByOne(run.events)
      expect(view(whole.state)).toEqual(view(single.state))
      expect(whole.problems.every((p) => p === undefined)).toBe(true)
      expect(view(replay(run.events))).toEqual(view(run.state))
      expect(projectSnapshot(whole.state)).toBe(projectSnapshot(run.state))
    },
  )
  it.prop([historyScenario, fc.array(fc.nat(), { maxLength: 80 })], { numRuns: 300 })(
    'for a scrambled log (events repeated and out of order), one go and one by one agree on the state and on every problem',
    (scenario, picks) => {
      const { events } = runScenario(scenario)
      fc.pre(events.length > 0)
      const scrambled = picks.map((i) => events[i % events.length] as DomainEvent)
      const whole = inOneGo(scrambled)
      const single = oneByOne(scrambled)
      expect(whole.problems).toEqual(single.problems)
      expect(view(whole.state)).toEqual(view(single.state))
    },
  )
  it.prop([historyScenario], { numRuns: 200 })('evolve never changes the state it is given', (scenario) => {
    const run = runScenario(scenario)
    for (const step of run.steps) expect(Object.isFrozen(step.before)).toBe(true)
    const texts = run.steps.map((step) => projectSnapshot(step.before))
    replay(run.events)
    expect(run.steps.map((step) => projectSnapshot(step.before))).toEqual(texts)
  })
})
