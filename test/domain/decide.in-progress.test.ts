import { describe, expect, test } from 'vitest'
import {
  abandonedPassed,
  type CreateRelease,
  type DomainEvent,
  factsOf,
  type ReleaseId,
  runningRelease,
} from '../../src/domain/index.js'
import {
  at,
  createRelease,
  created,
  given,
  imported,
  newRelease,
  phaseUpdated,
  storedRelease,
} from './specification.js'

const HOUR = 3_600_000
const first = newRelease('2025-01-01T12:00:00Z')
const running = [created(first), phaseUpdated(first.id, 'build', 'pending', 'running')]
// A create ten minutes later, with the manager's default threshold.
const soon = '2025-01-01T12:10:00Z'
const next = newRelease(soon, { version: 'v2', previousId: first.id })

const createdOver = (release: typeof next, supersedes?: string): DomainEvent => ({
  type: 'ReleaseCreated',
  data: { release, ...(supersedes === undefined ? {} : { supersedes: supersedes as ReleaseId }) },
})

describe('CreateRelease over a current release that still has a phase running', () => {
  test('is RELEASE_IN_PROGRESS naming the release, the running phase, and what to do', () => {
    given(running)
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR }))
      .thenFails(
        'RELEASE_IN_PROGRESS',
        `release ${first.id} (v1.0.0) of prod is still in progress: build running, last changed 2025-01-01T12:00:00Z`,
        `recover ${first.id} --reason`,
        '--supersede',
      )
  })
  test('with supersede, is created and records the release it supersedes', () => {
    const after = given(running)
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR, supersede: true }))
      .then([createdOver(next, first.id)])
    expect(factsOf(after.current.get('prod') ?? next).supersedes).toBe(first.id)
  })
  test('a pending current release does not block (a create followed by nothing is common)', () => {
    given([created(first)])
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR }))
      .then([createdOver(next)])
  })
  test('nor one that is over: completed, or failed with nothing running', () => {
    given([created(first), phaseUpdated(first.id, 'build', 'pending', 'failed')])
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR }))
      .then([createdOver(next)])
  })
  test('supersede over nothing running records nothing more', () => {
    given([created(first)])
      .when(createRelease(soon, { version: 'v2', supersede: true }))
      .then([createdOver(next)])
  })
  test('a running release of another environment does not block', () => {
    given(running)
      .when(createRelease(soon, { environment: 'staging', abandonedAfterMs: HOUR }))
      .then([createdOver(newRelease(soon, { environment: 'staging' }))])
  })
  test('an abandoned one (idle past the threshold) does not block, and is not recorded as superseded', () => {
    const later = '2025-01-01T13:00:01Z'
    given(running)
      .when(createRelease(later, { version: 'v2', abandonedAfterMs: HOUR }))
      .then([createdOver(newRelease(later, { version: 'v2', previousId: first.id }))])
  })
  test('without a threshold in the command, nothing counts as abandoned: it blocks however old', () => {
    given(running)
      .when(createRelease('2026-01-01T00:00:00Z', { version: 'v2' }))
      .thenFails('RELEASE_IN_PROGRESS')
  })
  test('one from an import does not block: another tool ran it, this module does not guard it', () => {
    const old = storedRelease({ id: 'rel-1', timestamp: '2025-01-01T12:00:00Z', phases: { build: 'running' } })
    given([imported([old])])
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR }))
      .then([createdOver(newRelease(soon, { version: 'v2', previousId: 'rel-1' }))])
  })
  test('one an adoption or a reconcile last changed does not block; a phase update by a command makes it block', () => {
    const before = storedRelease({ id: 'rel-1', timestamp: '2025-01-01T12:00:00Z' })
    const after = { ...before, phases: { ...before.phases, build: 'running' as const } }
    const adopted: DomainEvent = {
      type: 'SnapshotReconciled',
      data: { changes: [{ releaseId: before.id, before: [before], after: [after] }], otherFields: {}, adopted: true },
    }
    const history = [imported([before]), adopted]
    given(history)
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR }))
      .then([createdOver(newRelease(soon, { version: 'v2', previousId: 'rel-1' }))])
    given([...history, phaseUpdated('rel-1', 'push', 'pending', 'running')])
      .when(createRelease(soon, { version: 'v2', abandonedAfterMs: HOUR }))
      .thenFails('RELEASE_IN_PROGRESS', 'release rel-1')
  })
  test('supersede must be a boolean, the threshold a number of milliseconds: INVALID_INPUT otherwise', () => {
    given([])
      .when(createRelease(soon, { supersede: 'yes' as unknown as boolean }))
      .thenFails('INVALID_INPUT')
    given([])
      .when(createRelease(soon, { abandonedAfterMs: -1 }))
      .thenFails('INVALID_INPUT', 'abandonedAfterMs')
  })
})

describe('which running release a create goes past (for the manager to warn about)', () => {
  const command = (iso: string, fields: Partial<CreateRelease> = {}): CreateRelease => ({
    type: 'CreateRelease',
    environment: 'prod',
    version: 'v2',
    commitSha: '',
    now: at(iso),
    abandonedAfterMs: HOUR,
    ...fields,
  })
  const state = given(running).state
  test('an abandoned one not superseded', () => {
    expect(abandonedPassed(command('2025-01-01T13:00:01Z'), state)?.id).toBe(first.id)
    expect(abandonedPassed(command('2025-01-01T13:00:01Z', { supersede: true }), state)).toBeUndefined()
  })
  test('none while it is fresh, or when nothing runs', () => {
    expect(abandonedPassed(command(soon), state)).toBeUndefined()
    expect(runningRelease(given([created(first)]).state, 'prod')).toBeUndefined()
    expect(runningRelease(state, 'prod')?.id).toBe(first.id)
  })
})
