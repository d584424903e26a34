import { describe, expect, test } from 'vitest'
import {
  allPending,
  canTransition,
  isFinalStatus,
  nextStatuses,
  PHASE_STATUSES,
  PHASES,
  Phases,
  PhaseStatus,
  ReleasePhase,
} from '../../src/domain/index.js'

describe('phases', () => {
  test('run in the order build, push, migrate_pre, rollout, migrate_post, finalize', () => {
    expect(PHASES).toEqual(['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'])
  })
  test('statuses are pending, running, completed, failed, skipped', () => {
    expect(PHASE_STATUSES).toEqual(['pending', 'running', 'completed', 'failed', 'skipped'])
  })
  test('a new release has every phase pending, in phase order', () => {
    expect(Object.entries(allPending())).toEqual(PHASES.map((phase) => [phase, 'pending']))
  })
  test('the codecs accept exactly the known names', () => {
    expect(ReleasePhase.is('migrate_pre')).toBe(true)
    expect(ReleasePhase.is('toString')).toBe(false)
    expect(PhaseStatus.is('skipped')).toBe(true)
    expect(PhaseStatus.is('Skipped')).toBe(false)
    expect(Phases.is(allPending())).toBe(true)
    expect(Phases.is({ build: 'done' })).toBe(false)
  })
})

describe('transitions', () => {
  // The whole table, written out: [from, to, allowed].
  const table: ReadonlyArray<readonly [PhaseStatus, PhaseStatus, boolean]> = [
    ['pending', 'running', true],
    ['pending', 'completed', true],
    ['pending', 'failed', true],
    ['pending', 'skipped', true],
    ['running', 'pending', false],
    ['running', 'completed', true],
    ['running', 'failed', true],
    ['running', 'skipped', true],
    ['completed', 'pending', false],
    ['completed', 'running', false],
    ['completed', 'failed', false],
    ['completed', 'skipped', false],
    ['failed', 'pending', false],
    ['failed', 'running', false],
    ['failed', 'completed', false],
    ['failed', 'skipped', false],
    ['skipped', 'pending', false],
    ['skipped', 'running', false],
    ['skipped', 'completed', false],
    ['skipped', 'failed', false],
  ]
  test.each(table)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed)
  })
  test('staying in the same status is not a transition', () => {
    for (const status of PHASE_STATUSES) expect(canTransition(status, status)).toBe(false)
  })
  test('completed, failed and skipped are final; pending and running are not', () => {
    expect(PHASE_STATUSES.filter(isFinalStatus)).toEqual(['completed', 'failed', 'skipped'])
  })
  test('the next statuses are listed in status order', () => {
    expect(nextStatuses('pending')).toEqual(['running', 'completed', 'failed', 'skipped'])
    expect(nextStatuses('running')).toEqual(['completed', 'failed', 'skipped'])
    expect(nextStatuses('failed')).toEqual([])
  })
})
