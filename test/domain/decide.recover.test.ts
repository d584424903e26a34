import { describe, expect, test } from 'vitest'
import {
  completedAll,
  created,
  given,
  imported,
  newRelease,
  phaseUpdated,
  recoverRelease,
  recoveryUpdated,
  storedRelease,
} from './specification.js'

const release = newRelease('2025-01-01T12:00:00Z')
const id = release.id

describe('RecoverRelease closes out a release a crashed orchestrator left behind', () => {
  test('given build completed and push running, then push fails and every pending phase is skipped, each with the reason', () => {
    const reason = 'orchestrator killed (OOM)'
    given([
      created(release),
      phaseUpdated(id, 'build', 'pending', 'completed'),
      phaseUpdated(id, 'push', 'pending', 'running'),
    ])
      .when(recoverRelease(id, reason))
      .then([
        recoveryUpdated(id, 'push', 'running', 'failed', reason),
        recoveryUpdated(id, 'migrate_pre', 'pending', 'skipped', reason),
        recoveryUpdated(id, 'rollout', 'pending', 'skipped', reason),
        recoveryUpdated(id, 'migrate_post', 'pending', 'skipped', reason),
        recoveryUpdated(id, 'finalize', 'pending', 'skipped', reason),
      ])
  })
  test('completed, failed and skipped phases are left as they are', () => {
    const after = given([
      created(release),
      phaseUpdated(id, 'build', 'pending', 'completed'),
      phaseUpdated(id, 'push', 'pending', 'failed'),
      phaseUpdated(id, 'migrate_pre', 'pending', 'skipped'),
      phaseUpdated(id, 'rollout', 'pending', 'running'),
    ])
      .when(recoverRelease(id, 'crash'))
      .then([
        recoveryUpdated(id, 'rollout', 'running', 'failed', 'crash'),
        recoveryUpdated(id, 'migrate_post', 'pending', 'skipped', 'crash'),
        recoveryUpdated(id, 'finalize', 'pending', 'skipped', 'crash'),
      ])
    expect(after.releases.get(id)?.[0]?.phases).toEqual({
      build: 'completed',
      push: 'failed',
      migrate_pre: 'skipped',
      rollout: 'failed',
      migrate_post: 'skipped',
      finalize: 'skipped',
    })
  })
  test('a release whose phases are all final records nothing', () => {
    given([created(release), ...completedAll(id)])
      .when(recoverRelease(id, 'crash'))
      .thenNothingHappens()
  })
  test('the reason is trimmed', () => {
    given([created(release), ...completedAll(id).slice(0, 5)])
      .when(recoverRelease(` ${id} `, '  crash \n'))
      .then([recoveryUpdated(id, 'finalize', 'pending', 'skipped', 'crash')])
  })
  test('a reason is required: an empty one is INVALID_INPUT', () => {
    given([created(release)])
      .when(recoverRelease(id, '  '))
      .thenFails('INVALID_INPUT', 'reason is empty')
  })
  test('an unknown release is RELEASE_NOT_FOUND naming it', () => {
    given([created(release)])
      .when(recoverRelease('rel-20000101-000000000', 'crash'))
      .thenFails('RELEASE_NOT_FOUND', 'release rel-20000101-000000000 not found')
  })
  test('an imported release whose phases the file did not list (pending) is skipped throughout', () => {
    const old = storedRelease({
      id: 'rel-20241231-120000',
      timestamp: '2024-12-31T12:00:00Z',
      phases: { build: 'completed', push: 'completed', migrate_pre: 'completed', rollout: 'running' },
    })
    given([imported([{ ...old, preserved: { absentPhases: ['migrate_post', 'finalize'] } }])])
      .when(recoverRelease(old.id, 'crash'))
      .then([
        recoveryUpdated(old.id, 'rollout', 'running', 'failed', 'crash'),
        recoveryUpdated(old.id, 'migrate_post', 'pending', 'skipped', 'crash'),
        recoveryUpdated(old.id, 'finalize', 'pending', 'skipped', 'crash'),
      ])
  })
})
