import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, test } from 'vitest'
import {
  allReleases,
  currentRelease,
  isFullyCompleted,
  parseEnvironment,
  type Release,
  releasesOf,
  rollbackTarget,
  type RollbackTarget,
} from '../../src/domain/index.js'
import { generatedState, version } from '../arbitraries.js'
import { readSpecExample } from '../fixtures/index.js'
import { failure, loaded, right } from './helpers.js'
import {
  allCompleted,
  completedAll,
  created,
  imported,
  newRelease,
  phaseUpdated,
  stateAfter,
  storedRelease,
} from './specification.js'

// prod: r1 v1 (completed) <- r2 v2 (completed) <- r3 v2 (completed) <- r4 v3 (build failed, current)
// staging: s1 (completed)
const r1 = newRelease('2025-01-01T00:00:00Z', { version: 'v1' })
const r2 = newRelease('2025-01-02T00:00:00Z', { version: 'v2', previousId: r1.id })
const r3 = newRelease('2025-01-03T00:00:00Z', { version: 'v2', previousId: r2.id })
const r4 = newRelease('2025-01-04T00:00:00Z', { version: 'v3', previousId: r3.id })
const s1 = newRelease('2025-01-01T06:00:00Z', { environment: 'staging', version: 'v1' })
const history = [
  created(r1),
  ...completedAll(r1.id),
  created(s1),
  ...completedAll(s1.id),
  created(r2),
  ...completedAll(r2.id),
  created(r3),
  ...completedAll(r3.id),
  created(r4),
  phaseUpdated(r4.id, 'build', 'pending', 'failed'),
]
const state = stateAfter(history)
const target = (to: RollbackTarget, environment = 'prod') => rollbackTarget(state, environment, to)

describe('rollback targets', () => {
  test('--to-previous: the previous release of the current one', () =>
    expect(right(target({ to: 'previous' })).id).toBe(r3.id))
  test('--to-release: a completed release of the environment', () =>
    expect(right(target({ to: 'release', releaseId: ` ${r1.id} ` })).id).toBe(r1.id))
  test('--to-version: the newest release with that version', () => {
    expect(right(target({ to: 'version', version: 'v2' })).id).toBe(r3.id)
    expect(right(target({ to: 'version', version: ' v1 ' })).id).toBe(r1.id)
  })
  test("--to-version of the current release's own version (a redeploy that failed): the newest earlier release with it", () => {
    const r5 = newRelease('2025-01-05T00:00:00Z', { version: 'v2', previousId: r4.id })
    const redeployed = stateAfter([...history, created(r5), phaseUpdated(r5.id, 'rollout', 'pending', 'failed')])
    expect(right(rollbackTarget(redeployed, 'prod', { to: 'version', version: 'v2' })).id).toBe(r3.id)
  })
  test('last good: the newest fully completed release other than the current one', () =>
    expect(right(target({ to: 'last-good' })).id).toBe(r3.id))
  test('the environment name is trimmed', () => expect(right(target({ to: 'previous' }, ' prod\n')).id).toBe(r3.id))
})

describe('rollback refusals, each a clear error', () => {
  test('a target of another shape (from a JavaScript caller) is INVALID_INPUT naming it, not a TypeError', () => {
    for (const [raw, got] of [
      [{ to: 'sideways' }, 'got to "sideways"'],
      [{}, 'got to nothing'],
      [{ to: 7 }, 'got to number'],
      [null, 'got null'],
      [undefined, 'got nothing'],
      ['previous', 'got string'],
    ] as const) {
      failure(
        rollbackTarget(state, 'prod', raw as unknown as RollbackTarget),
        'INVALID_INPUT',
        `a rollback target is { to: 'previous' }, { to: 'last-good' }, { to: 'release', releaseId } or { to: 'version', version }; ${got}`,
      )
    }
  })
  test('a release id or a version that is not a string is INVALID_INPUT', () => {
    failure(
      rollbackTarget(state, 'prod', { to: 'release' } as unknown as RollbackTarget),
      'INVALID_INPUT',
      'release id must be a string, got nothing',
    )
    failure(
      rollbackTarget(state, 'prod', { to: 'version', version: 3 } as unknown as RollbackTarget),
      'INVALID_INPUT',
      'version must be a string, got number',
    )
  })
  test('the current release is not a target: RELEASE_NOT_FOUND, like every search that finds nothing to go to', () => {
    failure(
      target({ to: 'release', releaseId: r4.id }),
      'RELEASE_NOT_FOUND',
      `release ${r4.id} (v3) is already the current release of prod; there is nothing to roll back to`,
    )
    failure(
      target({ to: 'version', version: 'v3' }),
      'RELEASE_NOT_FOUND',
      'is the current release of prod, and no earlier release has that version',
    )
  })
  test('a release that did not complete every phase: INVALID_TRANSITION listing the unfinished phases', () => {
    const withPartial = stateAfter(
      [created(newRelease('2025-01-05T00:00:00Z', { version: 'v4', previousId: r4.id }))],
      state,
    )
    failure(
      rollbackTarget(withPartial, 'prod', { to: 'previous' }),
      'INVALID_TRANSITION',
      `release ${r4.id} (v3) of prod cannot be a rollback target: not every phase completed (build failed, push pending, migrate_pre pending, rollout pending, migrate_post pending, finalize pending)`,
    )
  })
  test('a skipped phase is not completed', () => {
    const skipped = stateAfter(
      [
        created(newRelease('2025-01-05T00:00:00Z', { previousId: r4.id })),
        phaseUpdated(r4.id, 'push', 'pending', 'skipped'),
      ],
      state,
    )
    failure(rollbackTarget(skipped, 'prod', { to: 'previous' }), 'INVALID_TRANSITION', 'push skipped')
  })
  test('a release of another environment: INVALID_INPUT naming both', () => {
    failure(
      target({ to: 'release', releaseId: s1.id }),
      'INVALID_INPUT',
      `release ${s1.id} belongs to environment staging, not prod`,
    )
  })
  test('an unknown release: RELEASE_NOT_FOUND', () =>
    failure(target({ to: 'release', releaseId: 'rel-x' }), 'RELEASE_NOT_FOUND', 'release rel-x not found'))
  test('an unknown version: RELEASE_NOT_FOUND naming it', () =>
    failure(
      target({ to: 'version', version: 'v9' }),
      'RELEASE_NOT_FOUND',
      'environment prod has no release of version v9',
    ))
  test('an empty version: INVALID_INPUT', () =>
    failure(target({ to: 'version', version: ' ' }), 'INVALID_INPUT', 'version is empty'))
  test("the environment's first release has no previous: RELEASE_NOT_FOUND", () => {
    failure(
      target({ to: 'previous' }, 'staging'),
      'RELEASE_NOT_FOUND',
      `current release ${s1.id} of staging has no previous release to roll back to`,
    )
  })
  test('a previous_id pointing nowhere (the spec example): RELEASE_NOT_FOUND naming it', () => {
    failure(
      rollbackTarget(loaded(readSpecExample()), 'prod', { to: 'previous' }),
      'RELEASE_NOT_FOUND',
      'previous release rel-20241231-120000 of rel-20250101-120000 (prod) is not in the history',
    )
  })
  test('a previous_id written by hand that points into another environment is refused, not redeployed here', () => {
    const prod = storedRelease({
      id: 'rel-a',
      timestamp: '2025-01-01T00:00:00Z',
      environment: 'prod',
      phases: allCompleted(),
    })
    const staging = storedRelease({
      id: 'rel-b',
      timestamp: '2025-01-02T00:00:00Z',
      environment: 'staging',
      previousId: 'rel-a',
    })
    failure(
      rollbackTarget(stateAfter([imported([prod, staging])]), 'staging', { to: 'previous' }),
      'INVALID_INPUT',
      'release rel-a belongs to environment prod, not staging',
    )
  })
  test('no earlier completed release: RELEASE_NOT_FOUND', () =>
    failure(
      target({ to: 'last-good' }, 'staging'),
      'RELEASE_NOT_FOUND',
      'environment staging has no earlier release that completed every phase',
    ))
  test('an environment without releases: RELEASE_NOT_FOUND', () =>
    failure(
      target({ to: 'previous' }, 'qa'),
      'RELEASE_NOT_FOUND',
      'environment qa has no releases; there is nothing to roll back',
    ))
  test('an invalid environment name: INVALID_INPUT', () =>
    failure(target({ to: 'previous' }, ''), 'INVALID_INPUT', 'environment is empty'))
  test('isFullyCompleted: every phase completed, nothing less', () => {
    expect(isFullyCompleted(right(currentRelease(state, 'staging')))).toBe(true)
    expect(isFullyCompleted(r1)).toBe(false)
  })
})

describe('rollback properties', () => {
  const targetKind: fc.Arbitrary<RollbackTarget> = fc.oneof(
    fc.constant({ to: 'previous' } as const),
    fc.constant({ to: 'last-good' } as const),
    version.map((v) => ({ to: 'version', version: v }) as const),
    fc.nat().map((pick) => ({ to: 'release', releaseId: String(pick) }) as const),
  )
  it.prop([generatedState, fc.nat(), targetKind], { numRuns: 300 })(
    'a target, when there is one, belongs to the environment, completed every phase and is not the current release',
    (state, pick, kind) => {
      const envs = [...state.current.keys()].filter(
        (env) => E.isRight(parseEnvironment(env)) && right(parseEnvironment(env)) === env,
      )
      fc.pre(envs.length > 0)
      const env = envs[pick % envs.length] as string
      const own = right(releasesOf(state, env))
      const to: RollbackTarget =
        kind.to === 'release' ? { to: 'release', releaseId: own[pick % own.length]?.id ?? 'none' } : kind
      const result = rollbackTarget(state, env, to)
      if (E.isLeft(result)) return
      const found: Release = result.right
      expect(found.environment).toBe(env)
      expect(isFullyCompleted(found)).toBe(true)
      expect(found).not.toBe(state.current.get(env))
      if (to.to === 'last-good') expect(found).toBe(own.find((r) => r !== own[0] && isFullyCompleted(r)))
      expect([...allReleases(state)]).toContain(found)
    },
  )
})
