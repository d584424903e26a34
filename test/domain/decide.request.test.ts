import { describe, expect, test } from 'vitest'
import {
  type CommandInput,
  type DomainEvent,
  evolveRecorded,
  initialState,
  type RequestCommand,
  startFold,
  type Timestamp,
} from '../../src/domain/index.js'
import {
  createRelease,
  created,
  given,
  newRelease,
  phaseUpdated,
  recoveryUpdated,
  recoverRelease,
  updatePhase,
} from './specification.js'

const release = newRelease('2025-01-01T12:00:00Z', { commitSha: 'abc123' })
const id = release.id

/** An event as a write under request id `key` records it. */
const under = (key: string, command: RequestCommand, event: DomainEvent): DomainEvent =>
  event.type === 'ReleaseCreated' || event.type === 'PhaseUpdated'
    ? ({ ...event, data: { ...event.data, request: { id: key, command } } } as DomainEvent)
    : event

/** A command given under request id `key`. */
const keyed = (key: unknown, command: CommandInput): CommandInput => ({ ...command, requestId: key }) as CommandInput

/** The state after `events`, each recorded at `at`. */
const recordedState = (events: ReadonlyArray<DomainEvent>, at: string) => {
  const folded = evolveRecorded(
    initialState,
    events.map((event) => ({ ...event, recordedAt: at as Timestamp })),
  )
  if (!('state' in folded)) throw new Error(`given event ${folded.index} could not have happened: ${folded.problem}`)
  return folded.state
}

const createdUnder = (key: string): DomainEvent => under(key, 'CreateRelease', created(release))
const create = (key: unknown, fields: Parameters<typeof createRelease>[1] = {}): CommandInput =>
  keyed(key, createRelease('2025-01-01T12:00:00Z', { commitSha: 'abc123', ...fields }))

describe('a write under a new request id records it on its events', () => {
  test('given no history, when a release is created under "deploy-42", then its ReleaseCreated carries the id and the command', () => {
    given([])
      .when(create('deploy-42'))
      .then([createdUnder('deploy-42')])
  })
  test('the id is trimmed like every input', () => {
    given([])
      .when(create('  deploy-42 '))
      .then([createdUnder('deploy-42')])
  })
  test('a phase change and each event of a recovery carry it', () => {
    given([created(release)])
      .when(keyed('p-1', updatePhase(id, 'build', 'running')))
      .then([under('p-1', 'UpdatePhase', phaseUpdated(id, 'build', 'pending', 'running'))])
    given([
      created(release),
      phaseUpdated(id, 'build', 'pending', 'completed'),
      phaseUpdated(id, 'push', 'pending', 'completed'),
      phaseUpdated(id, 'migrate_pre', 'pending', 'completed'),
      phaseUpdated(id, 'rollout', 'pending', 'running'),
    ])
      .when(keyed('r-1', recoverRelease(id, 'killed')))
      .then([
        under('r-1', 'RecoverRelease', recoveryUpdated(id, 'rollout', 'running', 'failed', 'killed')),
        under('r-1', 'RecoverRelease', recoveryUpdated(id, 'migrate_post', 'pending', 'skipped', 'killed')),
        under('r-1', 'RecoverRelease', recoveryUpdated(id, 'finalize', 'pending', 'skipped', 'killed')),
      ])
  })
  test('the folded state knows the first use of every id: command, arguments, release', () => {
    const state = given([createdUnder('deploy-42')]).state
    expect(state.requests.get('deploy-42')).toEqual({
      command: 'CreateRelease',
      args: ['prod', 'v1.0.0', 'abc123', null, null],
      releaseId: id,
    })
  })
  test('folded from recorded events, the first use also knows when it was recorded', () => {
    expect(recordedState([createdUnder('deploy-42')], '2025-01-01T12:00:00.250Z').requests.get('deploy-42')?.at).toBe(
      '2025-01-01T12:00:00.250Z',
    )
  })
})

describe('the same request id with the same arguments is a retry: nothing is recorded', () => {
  test('CreateRelease: given a release created under "deploy-42", when created again under it (a later clock), then nothing happens', () => {
    given([createdUnder('deploy-42')])
      .when(keyed('deploy-42', createRelease('2025-01-01T12:05:00Z', { commitSha: 'abc123' })))
      .thenNothingHappens()
  })
  test('CreateRelease: arguments that parse the same are the same (blanks around them)', () => {
    given([createdUnder('deploy-42')])
      .when(create('deploy-42', { environment: ' prod ', version: 'v1.0.0\n' }))
      .thenNothingHappens()
  })
  test('UpdatePhase: a retry after the phase moved on is not a transition (the first call was recorded)', () => {
    given([
      created(release),
      under('p-1', 'UpdatePhase', phaseUpdated(id, 'build', 'pending', 'running')),
      phaseUpdated(id, 'build', 'running', 'completed'),
    ])
      .when(keyed('p-1', updatePhase(id, 'build', 'running')))
      .thenNothingHappens()
  })
  test('RecoverRelease: a retry records nothing', () => {
    const recovered = [
      created(release),
      under('r-1', 'RecoverRelease', phaseUpdated(id, 'build', 'pending', 'skipped', 'killed')),
    ]
    given(recovered)
      .when(keyed('r-1', recoverRelease(id, 'killed')))
      .thenNothingHappens()
  })
})

describe('the same request id with other arguments is INVALID_INPUT naming its first use', () => {
  test('CreateRelease: another version', () => {
    given([createdUnder('deploy-42')])
      .when(create('deploy-42', { version: 'v2.0.0' }))
      .thenFails(
        'INVALID_INPUT',
        'request id "deploy-42" was first used for CreateRelease of release rel-20250101-120000000',
        'version "v1.0.0"',
        'this call gives version "v2.0.0"',
      )
  })
  test('CreateRelease: a note the first call did not give', () => {
    given([createdUnder('deploy-42')])
      .when(create('deploy-42', { note: 'hotfix' }))
      .thenFails('INVALID_INPUT', 'this call gives note "hotfix"')
  })
  test('UpdatePhase: another status', () => {
    given([created(release), under('p-1', 'UpdatePhase', phaseUpdated(id, 'build', 'pending', 'running'))])
      .when(keyed('p-1', updatePhase(id, 'build', 'completed')))
      .thenFails(
        'INVALID_INPUT',
        'request id "p-1" was first used for UpdatePhase',
        'status "running"',
        'this call gives status "completed"',
      )
  })
  test('RecoverRelease: another reason', () => {
    given([created(release), under('r-1', 'RecoverRelease', phaseUpdated(id, 'build', 'pending', 'skipped', 'killed'))])
      .when(keyed('r-1', recoverRelease(id, 'oom')))
      .thenFails('INVALID_INPUT', 'first used for RecoverRelease', 'this call gives reason "oom"')
  })
  test('the message says when the first use was recorded, when the fold knows it', () => {
    given([], recordedState([createdUnder('deploy-42')], '2025-01-01T12:00:00.250Z'))
      .when(create('deploy-42', { version: 'v2.0.0' }))
      .thenFails('INVALID_INPUT', '(recorded 2025-01-01T12:00:00.250Z)')
  })
})

describe('a request id is one write: reused for another command, it is INVALID_INPUT', () => {
  test('the id of a create, given to a phase change of the release it created', () => {
    given([createdUnder('deploy-42')])
      .when(keyed('deploy-42', updatePhase(id, 'build', 'running')))
      .thenFails(
        'INVALID_INPUT',
        'first used for CreateRelease',
        'this call is a UpdatePhase (release "rel-20250101-120000000", phase "build", status "running"',
      )
  })
  test('the id of a phase change, given to a recovery', () => {
    given([created(release), under('p-1', 'UpdatePhase', phaseUpdated(id, 'build', 'pending', 'running'))])
      .when(keyed('p-1', recoverRelease(id, 'killed')))
      .thenFails('INVALID_INPUT', 'first used for UpdatePhase', 'this call is a RecoverRelease')
  })
  test("the id of a phase change, given to another release's create", () => {
    given([created(release), under('p-1', 'UpdatePhase', phaseUpdated(id, 'build', 'pending', 'running'))])
      .when(keyed('p-1', createRelease('2025-01-01T13:00:00Z', { environment: 'staging' })))
      .thenFails('INVALID_INPUT', 'first used for UpdatePhase', 'this call is a CreateRelease (environment "staging"')
  })
})

describe('a request id is 1 to 200 characters of text', () => {
  test.each([
    ['empty', '', /request id is empty/],
    ['blank', '   ', /request id is empty/],
    ['a control character', 'a\u0007b', /request id "a\\u0007b" contains a control character \(U\+0007\)/],
    ['too long', 'k'.repeat(201), /is 201 characters long; the limit is 200/],
    ['not a string', 42, /request id must be a string, got number/],
    // It could not be stored as UTF-8, and PostgreSQL's json refuses it.
    ['a lone surrogate', 'job-\ud800', /request id .* lone surrogate/],
  ])('%s is INVALID_INPUT, and nothing is decided', (_what, key, message) => {
    given([]).when(create(key)).thenFails('INVALID_INPUT', message)
  })
  test('200 characters are accepted', () => {
    given([])
      .when(create('k'.repeat(200)))
      .then([createdUnder('k'.repeat(200))])
  })
})

describe('the fold refuses a request id on an event that cannot record its command', () => {
  test('a ReleaseCreated recorded under an UpdatePhase could not have happened', () => {
    const fold = startFold(initialState)
    expect(fold.apply(under('k', 'UpdatePhase', created(release)))).toBe(
      'a ReleaseCreated event cannot record a UpdatePhase (request id "k")',
    )
  })
})
