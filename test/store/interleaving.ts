/**
 * Any interleaving of commands from several managers on one store keeps the domain's invariants,
 * whatever the store (each store's test file runs the property): generated create / update-phase / recover commands
 * (valid and invalid inputs, from the shared generators), issued by 2 to 4 managers with their own skewed clocks, in
 * batches whose commands run concurrently (Promise.all), batch after batch.
 *
 * Afterwards: ids unique and strictly increasing, each environment's previousId chain whole and in
 * id order, every manager's view (after its refresh) equal to a fresh manager's replay, every
 * acknowledged effect present, only domain errors for refused commands, and verify sound (and
 * what the store itself must show, such as a file store's releases.json).
 */
import { fc, it } from '@fast-check/vitest'
import { afterAll, describe, expect } from 'vitest'
import { isStateError, type PhaseStatus, type Release, type ReleasePhase, type StateManager } from '../../src/index.js'
import { clock, commandIntent, environmentInput, versionInput } from '../arbitraries.js'
import { type Intent, MISSING_RELEASE_ID, type ReleaseTarget } from '../scenario.js'
import { Acknowledged } from './children/harness.js'
import type { StoreFactory } from './store-subject.js'

const MAX_MANAGERS = 4

const step = fc.record({ who: fc.nat({ max: MAX_MANAGERS - 1 }), intent: commandIntent })

/** A first batch of valid creates, so that later commands find releases to act on. */
const seedBatch = fc.array(
  fc.record({
    who: fc.nat({ max: MAX_MANAGERS - 1 }),
    intent: fc.record({
      kind: fc.constant('create' as const),
      environment: environmentInput.map((e) => e.input),
      version: versionInput.map((v) => v.input),
    }),
  }),
  { maxLength: 4 },
)

/** How many managers, the clock of each, and batches of steps: a batch runs at once, batches in turn. */
const plan = fc.record({
  managers: fc.integer({ min: 2, max: MAX_MANAGERS }),
  clocks: fc.array(clock, { minLength: MAX_MANAGERS, maxLength: MAX_MANAGERS }),
  batches: fc
    .tuple(seedBatch, fc.array(fc.array(step, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }))
    .map(([first, rest]) => [first, ...rest]),
})

/** The errors a refused command may give: the domain's, never a store failure. */
const DOMAIN_REFUSALS = ['INVALID_INPUT', 'RELEASE_NOT_FOUND', 'INVALID_TRANSITION'] as const

/** The id a target names in a manager's current view (as the domain scenarios resolve it). */
const idOf = async (manager: StateManager, target: ReleaseTarget): Promise<string> => {
  if ('id' in target) return target.id
  const ids = (await manager.listAllReleases()).map((release) => release.id as string).sort()
  return ids.length === 0 ? MISSING_RELEASE_ID : (ids[target.pick % ids.length] as string)
}

type Outcome =
  | { readonly intent: Intent; readonly ok: true; readonly release: Release; readonly args: { id?: string } }
  | { readonly intent: Intent; readonly ok: false; readonly error: unknown }

/** Issues an intent on a manager, resolving its target against what that manager sees right now. */
const issue = async (manager: StateManager, intent: Intent): Promise<Outcome> => {
  let id: string | undefined
  try {
    switch (intent.kind) {
      case 'create': {
        const rollbackOf = intent.rollbackOf === undefined ? undefined : await idOf(manager, intent.rollbackOf)
        return {
          intent,
          ok: true,
          // Interleaved managers deploy over each other's running releases on purpose: they supersede them.
          release: (
            await manager.createRelease(intent.environment, intent.version, intent.commitSha, {
              rollbackOf,
              note: intent.note,
              supersede: true,
            })
          ).release,
          args: {},
        }
      }
      case 'update':
        id = await idOf(manager, intent.target)
        return {
          intent,
          ok: true,
          // Generated inputs include unknown phases and statuses, which the manager refuses at run time.
          release: (
            await manager.updatePhase(id, intent.phase as ReleasePhase, intent.status as PhaseStatus, {
              reason: intent.reason,
            })
          ).release,
          args: { id },
        }
      case 'recover':
        id = await idOf(manager, intent.target)
        return { intent, ok: true, release: (await manager.recoverRelease(id, intent.reason)).release, args: { id } }
      default:
        throw new Error(`not a command intent: ${intent.kind}`)
    }
  } catch (error) {
    return { intent, ok: false, error }
  }
}

/**
 * Runs the property on the stores `open` makes (a fresh one per run), `numRuns` times; over all
 * runs, the generated commands must have reached every kind of outcome.
 */
export const interleavingProperty = (name: string, open: StoreFactory, numRuns = 50): void => {
  describe(`interleaved commands from several managers on ${name}`, () => {
    // Over all runs, the generated commands must have exercised every kind of outcome.
    const seen = {
      runs: 0,
      creates: 0,
      updates: 0,
      recovers: 0,
      refused: new Map<string, number>(),
      concurrentWrites: 0,
    }
    afterAll(() => {
      console.info('interleaving property, outcomes over all runs:', {
        ...seen,
        refused: Object.fromEntries(seen.refused),
      })
      if (seen.runs < numRuns) return // a failing run ended the property early: its own error says why
      expect(seen.creates).toBeGreaterThan(numRuns * 0.6)
      expect(seen.updates).toBeGreaterThan(numRuns * 0.6)
      expect(seen.recovers).toBeGreaterThan(0)
      expect(seen.concurrentWrites).toBeGreaterThan(numRuns * 0.6)
      for (const code of DOMAIN_REFUSALS)
        expect(seen.refused.get(code) ?? 0, `commands refused with ${code}`).toBeGreaterThan(0)
    })

    it.prop([plan], { numRuns })(
      'keep ids increasing, chains whole, every view equal to a fresh replay, every acknowledged effect, and verify sound',
      async ({ managers: count, clocks, batches }) => {
        const store = await open()
        try {
          const managers = Array.from({ length: count }, (_, n) => {
            const readings = clocks[n] as ReadonlyArray<number>
            let tick = 0
            return store.manager({
              actor: `manager-${n}`,
              now: () => new Date(readings[tick++ % readings.length] as number),
              lockTimeoutMs: 60_000,
            })
          })
          const acknowledged = new Acknowledged()
          let creates = 0
          for (const batch of batches) {
            const outcomes = await Promise.all(
              batch.map(({ who, intent }) => issue(managers[who % count] as StateManager, intent)),
            )
            if (outcomes.filter((outcome) => outcome.ok).length > 1) seen.concurrentWrites++
            for (const outcome of outcomes) {
              if (!outcome.ok) {
                const code = isStateError(outcome.error) ? outcome.error.code : String(outcome.error)
                seen.refused.set(code, (seen.refused.get(code) ?? 0) + 1)
                expect(
                  DOMAIN_REFUSALS,
                  `${outcome.intent.kind} refused with ${code}: ${String(outcome.error)}`,
                ).toContain(code)
                continue
              }
              const { intent, release } = outcome
              seen[intent.kind === 'create' ? 'creates' : intent.kind === 'update' ? 'updates' : 'recovers']++
              if (intent.kind === 'create') {
                creates++
                acknowledged.add({
                  t: 'ack',
                  op: 'create',
                  environment: intent.environment.trim(),
                  version: intent.version.trim(),
                  release,
                })
              } else if (intent.kind === 'update') {
                // Phases and statuses are trimmed like every other argument.
                acknowledged.add({
                  t: 'ack',
                  op: 'update',
                  id: outcome.args.id as string,
                  phase: intent.phase.trim(),
                  status: intent.status.trim() as Release['phases']['build'],
                  release,
                })
              } else {
                expect(release.id).toBe(outcome.args.id)
                acknowledged.add({ t: 'ack', op: 'recover', id: outcome.args.id as string, release })
              }
            }
          }

          const fresh = store.manager()
          const releases = await store.expectSound()
          // Nothing lost and nothing extra: one release per acknowledged create.
          expect(releases).toHaveLength(creates)
          acknowledged.expectIn(releases)
          // Every manager, refreshed, sees what a fresh replay of the log sees.
          for (const manager of managers) {
            expect(await manager.listAllReleases()).toEqual(releases)
            for (const environment of new Set(releases.map((r) => r.environment))) {
              expect(await manager.getCurrentRelease(environment)).toEqual(await fresh.getCurrentRelease(environment))
            }
          }
          seen.runs++
        } finally {
          await store.remove()
        }
      },
      240_000,
    )
  })
}
