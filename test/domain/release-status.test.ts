import { describe, expect, test } from 'vitest'
import { factsOf, type ReleaseId, releaseStatus, type State } from '../../src/domain/index.js'
import {
  completedAll,
  created,
  given,
  newRelease,
  phaseUpdated,
  imported,
  recoverRelease,
  recoveryUpdated,
  stateAfter,
  storedRelease,
  updatePhase,
} from './specification.js'

const release = newRelease('2025-01-01T12:00:00Z')
const id = release.id
const statusIn = (state: State): string => releaseStatus(state.releases.get(id)?.[0] ?? release)
const PHASES = ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'] as const

describe("a release's overall status tells a run from a recovery", () => {
  test('created and nothing else: pending', () => expect(statusIn(stateAfter([created(release)]))).toBe('pending'))
  test('a phase started: in progress', () =>
    expect(statusIn(stateAfter([created(release), phaseUpdated(id, 'build', 'pending', 'running')]))).toBe(
      'in progress',
    ))
  test('every phase completed: completed', () =>
    expect(statusIn(stateAfter([created(release), ...completedAll(id)]))).toBe('completed'))
  test('phases deliberately skipped during the run, even with a reason: completed', () => {
    const run = [
      created(release),
      ...completedAll(id).slice(0, 2),
      phaseUpdated(id, 'migrate_pre', 'pending', 'skipped', 'no migration'),
      ...completedAll(id).slice(3),
    ]
    expect(statusIn(stateAfter(run))).toBe('completed')
  })
  test('created, then recovered at once (every phase skipped by the recovery): recovered, not completed', () => {
    const after = given([created(release)])
      .when(recoverRelease(id, 'never ran'))
      .then(PHASES.map((phase) => recoveryUpdated(id, phase, 'pending', 'skipped', 'never ran')))
    expect(statusIn(after)).toBe('recovered')
    expect(factsOf(after.releases.get(id)?.[0] ?? release).recovered).toEqual(PHASES)
  })
  test('a running phase the recovery failed: recovered, not failed', () => {
    const history = [created(release), phaseUpdated(id, 'build', 'pending', 'running')]
    const decision = given(history).when(recoverRelease(id, 'killed')).decision
    if (decision._tag === 'Left') throw new Error(decision.left.message)
    expect(statusIn(stateAfter([...history, ...decision.right]))).toBe('recovered')
  })
  test('a phase that failed during the run stays failed, recovered or not', () => {
    const history = [created(release), phaseUpdated(id, 'build', 'pending', 'failed')]
    expect(statusIn(stateAfter(history))).toBe('failed')
    const decision = given(history).when(recoverRelease(id, 'killed')).decision
    if (decision._tag === 'Left') throw new Error(decision.left.message)
    expect(statusIn(stateAfter([...history, ...decision.right]))).toBe('failed')
  })
  test('a recovery recorded before 0.6.0 under a request id is told by its tag: recovered', () => {
    const tagged = PHASES.map((phase) => ({
      type: 'PhaseUpdated' as const,
      data: {
        releaseId: id as ReleaseId,
        phase,
        from: 'pending' as const,
        to: 'skipped' as const,
        reason: 'killed',
        request: { id: 'r-1', command: 'RecoverRelease' as const },
      },
    }))
    expect(statusIn(stateAfter([created(release), ...tagged]))).toBe('recovered')
  })
  test('one recorded before 0.6.0 without a request id cannot be told from skips by hand: completed, as it showed', () => {
    const unmarked = PHASES.map((phase) => phaseUpdated(id, phase, 'pending', 'skipped', 'killed'))
    expect(statusIn(stateAfter([created(release), ...unmarked]))).toBe('completed')
  })
  test('an update by hand after the events is not a recovery', () => {
    const state = given([created(release)])
      .when(updatePhase(id, 'build', 'skipped', 'not needed'))
      .then([phaseUpdated(id, 'build', 'pending', 'skipped', 'not needed')])
    expect(factsOf(state.releases.get(id)?.[0] ?? release).recovered).toBeUndefined()
  })
})

describe('what the fold keeps of who changed a release last', () => {
  const fromFile = storedRelease({ id: 'rel-1', timestamp: '2025-01-01T12:00:00Z', phases: { build: 'running' } })
  const byCommand = (state: State, releaseId: string) =>
    factsOf(state.releases.get(releaseId as ReleaseId)?.[0] ?? release).byCommand
  test('a create and a phase update are commands', () => {
    expect(byCommand(stateAfter([created(release)]), id)).toBe(true)
    expect(
      byCommand(stateAfter([imported([fromFile]), phaseUpdated('rel-1', 'push', 'pending', 'running')]), 'rel-1'),
    ).toBe(true)
  })
  test('an import is not', () => expect(byCommand(stateAfter([imported([fromFile])]), 'rel-1')).toBeUndefined())
  test('a reconcile after a command takes it back', () => {
    const before = stateAfter([created(release)])
    const changed = { ...release, version: 'v9' }
    const after = stateAfter(
      [
        {
          type: 'SnapshotReconciled',
          data: { changes: [{ releaseId: release.id, before: [release], after: [changed] }], otherFields: {} },
        },
      ],
      before,
    )
    expect(byCommand(after, id)).toBeUndefined()
  })
})
