import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect } from 'vitest'
import {
  allReleases,
  compareInstants,
  type Instant,
  parseInstant,
  type CommandInput,
  decodeSnapshot,
  type DomainEvent,
  ERROR_CODES,
  formatTimestamp,
  MAX_ID_EPOCH_MS,
  type Release,
  releaseIdEpochMs,
  releaseRecordText,
  type Snapshot,
  startFold,
  type State,
} from '../../src/domain/index.js'
import {
  anyText,
  blockingReleaseId,
  clock,
  commandScenario,
  environmentInput,
  epochMs,
  generatedState,
  historyScenario,
  importedRelease,
  snapshot,
} from '../arbitraries.js'
import { runScenario } from '../scenario.js'
import { failure, importedState, right } from './helpers.js'
import { stateAfter, decideInput } from './specification.js'

const createdReleases = (events: ReturnType<typeof runScenario>['events']): ReadonlyArray<Release> =>
  events.flatMap((event) => (event.type === 'ReleaseCreated' ? [event.data.release] : []))

/** The ids met walking an environment's chain back from its current release. */
const chainOf = (state: State, environment: string): ReadonlyArray<string> => {
  const chain: string[] = []
  let release = state.current.get(environment)
  while (release !== undefined && chain.length <= 10_000) {
    chain.push(release.id)
    const previousId = release.previousId
    release = previousId === undefined ? undefined : state.releases.get(previousId)?.[0]
  }
  return chain
}

describe('release ids and previousId chains, for any command sequence and any clock', () => {
  it.prop([commandScenario], { numRuns: 300 })(
    'ids are unique and strictly increasing in creation order',
    (scenario) => {
      const ids = createdReleases(runScenario(scenario).events).map((r) => r.id)
      for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true)
    },
  )

  it.prop([commandScenario], { numRuns: 300 })(
    'each id encodes the clock reading, or the last id plus one ms when the clock repeats or went back; the timestamp is that instant',
    (scenario) => {
      let last: number | undefined
      for (const step of runScenario(scenario).steps) {
        if (step.command.type !== 'CreateRelease' || E.isLeft(step.decision)) continue
        const release = createdReleases(step.decision.right)[0] as Release
        const expected = last === undefined ? step.command.now : Math.max(step.command.now, last + 1)
        expect(releaseIdEpochMs(release.id)).toBe(expected)
        expect(release.timestamp).toBe(formatTimestamp(expected))
        last = expected
      }
    },
  )

  it.prop([commandScenario], { numRuns: 300 })(
    "every environment's previousId chain covers its releases exactly once, in id order",
    (scenario) => {
      const { state } = runScenario(scenario)
      const byEnvironment = new Map<string, string[]>()
      for (const release of allReleases(state))
        byEnvironment.set(release.environment, [...(byEnvironment.get(release.environment) ?? []), release.id])
      for (const [environment, ids] of byEnvironment) {
        expect(chainOf(state, environment)).toEqual([...ids].sort().reverse())
      }
    },
  )

  it.prop([commandScenario], { numRuns: 200 })(
    'the events of every successful command apply to the state they were decided on',
    (scenario) => {
      for (const step of runScenario(scenario).steps) expect(step.problems).toEqual([])
    },
  )
})

describe('new releases after an imported file', () => {
  it.prop([snapshot, epochMs, environmentInput], { numRuns: 300 })(
    'a new release comes after every imported instant, with a new id, and every imported record is still there',
    (file, now, environment) => {
      const state = importedState(file)
      const events = right(
        decideInput({ type: 'CreateRelease', environment: environment.input, version: 'v9', now }, state),
      )
      const release = createdReleases(events)[0] as Release
      const at = parseInstant(release.timestamp) as Instant
      for (const r of file.releases) {
        expect(compareInstants(at, parseInstant(r.timestamp) as Instant)).toBeGreaterThan(0)
        expect(release.id).not.toBe(r.id)
      }
      expect(at.epochMs).toBeGreaterThanOrEqual(now)
      const after = stateAfter(events, state)
      const texts = [...allReleases(after)].map(releaseRecordText)
      expect(texts).toHaveLength(file.releases.length + 1)
      for (const r of file.releases) expect(texts).toContain(releaseRecordText(r))
    },
  )
  it.prop([snapshot, importedRelease, blockingReleaseId, epochMs], { numRuns: 200 })(
    'an id no id can sort after ("zzz") no longer blocks creating: instants order releases',
    (file, extra, blocking, now) => {
      const withBlocking: Snapshot = { ...file, releases: [...file.releases, { ...extra, id: blocking }] }
      right(
        decideInput({ type: 'CreateRelease', environment: 'prod', version: 'v9', now }, importedState(withBlocking)),
      )
    },
  )
})

const rawString = fc.oneof(
  anyText(80),
  fc.constantFrom('', ' ', '\u0000', 'build', 'completed', 'rel-20250101-120000000', '__proto__', 'x'.repeat(2000)),
)
const rawNow = fc.oneof(
  epochMs,
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, MAX_ID_EPOCH_MS, MAX_ID_EPOCH_MS + 1),
)
const optional = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })

/** Commands of the right shape with any contents at all. */
const anyCommand: fc.Arbitrary<CommandInput> = fc.oneof(
  fc.record({
    type: fc.constant('CreateRelease' as const),
    environment: rawString,
    version: rawString,
    commitSha: optional(rawString),
    rollbackOf: optional(rawString),
    note: optional(rawString),
    now: rawNow,
  }),
  fc.record({
    type: fc.constant('UpdatePhase' as const),
    releaseId: rawString,
    phase: rawString,
    status: rawString,
    reason: optional(rawString),
  }),
  fc.record({ type: fc.constant('RecoverRelease' as const), releaseId: rawString, reason: rawString }),
  fc.record({ type: fc.constant('ImportSnapshot' as const), snapshot }),
  fc.record({ type: fc.constant('ReconcileSnapshot' as const), snapshot }),
)

describe('decide never throws', () => {
  it.prop([generatedState, anyCommand], { numRuns: 500 })(
    'any command on any state gives events or a domain error with a known code and a message',
    (state, command) => {
      let decision: ReturnType<typeof decideInput> | undefined
      expect(() => {
        decision = decideInput(command, state)
      }).not.toThrow()
      if (decision !== undefined && E.isLeft(decision)) {
        expect(ERROR_CODES).toContain(decision.left.code)
        expect(decision.left.message.length).toBeGreaterThan(0)
      }
    },
  )
  it.prop([historyScenario], { numRuns: 200 })(
    'nor does any history scenario, imports and hand edits included, and its events always apply',
    (scenario) => {
      const run = runScenario(scenario)
      for (const step of run.steps) expect(step.problems).toEqual([])
    },
  )
  it.prop([clock], { numRuns: 50 })(
    'the same clock reading decided twice gives the same events (decide is pure)',
    (readings) => {
      const command: CommandInput = { type: 'CreateRelease', environment: 'prod', version: 'v1', now: readings[0] ?? 0 }
      const state = runScenario({
        intents: [{ kind: 'create', environment: 'prod', version: 'v0' }],
        clock: readings,
      }).state
      expect(decideInput(command, state)).toEqual(decideInput(command, state))
    },
  )
})

describe('commands and events of another shape, from a JavaScript caller', () => {
  it.prop(
    [fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer(), fc.string(), fc.record({ type: fc.string() }))],
    { numRuns: 100 },
  )('decide refuses anything that is not a command with INVALID_INPUT, never throwing', (raw) => {
    failure(
      decideInput(raw as unknown as CommandInput, stateAfter([])),
      'INVALID_INPUT',
      /a command must be an object|unknown command type/,
    )
  })
  it.prop([fc.oneof(fc.constant(null), fc.integer(), fc.record({ type: fc.string(), data: fc.object() }))], {
    numRuns: 100,
  })('a fold says why it cannot apply anything that is not an event, and changes nothing', (raw) => {
    const state = stateAfter([])
    const fold = startFold(state)
    expect(fold.apply(raw as unknown as DomainEvent)).toMatch(/an event must be an object|an event of unknown type/)
    expect(fold.result()).toBe(state)
  })
  it('decodeSnapshot refuses a text that is not a string with INVALID_INPUT', () => {
    failure(
      decodeSnapshot(Buffer.from('{}') as unknown as string, 'releases.json'),
      'INVALID_INPUT',
      'the text of releases.json must be a string, got object',
    )
  })
})
