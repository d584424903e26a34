/**
 * `verify`: a full check of a store, independent of any cached state. Every problem found is
 * reported with its place; the store is sound when none of them is an error.
 *
 * Errors: a line that does not decode, a broken hash chain, an event that could not have happened
 * (a duplicate id, a release before the latest one, a wrong previous release, an impossible
 * transition), an incomplete last line, a `releases.json` that is not the projection of the log,
 * and a checkpoint that differs from a replay at its position.
 * Warnings: what an imported file brought in and the module keeps on purpose (duplicate ids, a
 * dangling or broken `previous_id` chain, ids the Go tool wrote from a local clock), a checkpoint
 * that is not used, side files of earlier recoveries, and events of a newer version of this module
 * (not damage: this version cannot check them, nor the events after them that need them, nor what
 * was made from them).
 */
import type { OnProgress } from '../store/index.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { recordsAFile } from '../domain/events.js'
import { describeForeign, upgradeTo, whyForeign } from '../domain/foreign.js'
import { groupByEnvironment } from '../domain/queries.js'
import type { Release } from '../domain/release.js'
import { releaseCount, type State } from '../domain/state.js'
import { idClockProblems } from './verify-ids.js'
import { type SealCheck, sealChecker, type SealReport } from './verify-seals.js'
import type { StateError } from '../domain/state-error.js'
import {
  type CheckpointCheck,
  describeIncompleteTail,
  emptyLoaded,
  type EventStore,
  foldRead,
  type ForeignEvent,
  guardedSnapshotPath,
  type Loaded,
  type ReadEnd,
  type StoreProblem,
} from '../store/index.js'

/** One problem `verify` found. */
export interface VerifyProblem extends StoreProblem {}

/** What `verify` found. */
export interface VerifyReport {
  /** True when no problem is an error. */
  readonly sound: boolean
  readonly problems: ReadonlyArray<VerifyProblem>
  /** The number of events read. */
  readonly events: number
  /** The number of releases the log folds into. */
  readonly releases: number
  /** The head of the hash chain; absent for a store that holds no event. */
  readonly head?: ChainHead
  /** What was found of seals: present when the log holds any, or trusted keys or a head to check were given. */
  readonly seals?: SealReport
}

/**
 * The last event of the store and the SHA-256 of its line: what the next line would name as its
 * `prev`. The chain shows an edit of any line but the last, and a line deleted or moved inside the
 * log; it cannot show the log cut back by whole lines (with releases.json edited to match). An
 * auditor who records the head can: later, line `position + 1` must name `sha256` as its `prev`
 * (or, while it is still the last line, the head must be the same).
 */
export interface ChainHead {
  /** The position of the last event: its line, in the file store. */
  readonly position: number
  /** The SHA-256 of its line, in hexadecimal. */
  readonly sha256: string
}

/**
 * Walks each environment's `previous_id` chain from its current release; reports what is off it.
 * Replay already refuses a created release whose previous is not the environment's current, so a
 * break can only come from an imported file or an accepted outside edit: a warning then, kept as
 * it was given; in a history of created releases only, an error.
 */
const chainProblems = (state: State, inherited: boolean, where: string): VerifyProblem[] => {
  const problems: VerifyProblem[] = []
  const severity = (): VerifyProblem['severity'] => (inherited ? 'warning' : 'error')
  for (const [id, group] of state.releases) {
    if (group.length > 1)
      problems.push({
        severity: 'warning',
        location: `${where} (release ${id})`,
        message:
          `release id ${id} is held by ${group.length} releases ` +
          `(versions ${group.map((r) => r.version).join(', ')}), as an imported file had it; all are kept`,
      })
  }
  const byEnvironment = groupByEnvironment(state)
  for (const [environment, current] of state.current) {
    const visited = new Set<Release>()
    for (let release: Release | undefined = current; release !== undefined && !visited.has(release);) {
      visited.add(release)
      if (release.previousId === undefined) break
      const previous: ReadonlyArray<Release> | undefined = state.releases.get(release.previousId)
      const next = previous?.length === 1 ? previous[0] : undefined
      if (next === undefined || next.environment !== environment || visited.has(next)) {
        const why =
          previous === undefined
            ? 'which is not in the history'
            : previous.length > 1
              ? 'an id held by several releases'
              : next?.environment !== environment
                ? `a release of ${next?.environment ?? '?'}`
                : 'which closes a loop'
        problems.push({
          severity: severity(),
          location: `${where} (release ${release.id})`,
          message: `the previous_id chain of ${environment} breaks here: previous_id is ${release.previousId}, ${why}`,
        })
        break
      }
      release = next
    }
    for (const release of byEnvironment.get(environment) ?? []) {
      if (!visited.has(release)) {
        problems.push({
          severity: severity(),
          location: `${where} (release ${release.id})`,
          message:
            `release ${release.id} of ${environment} is not on the previous_id chain ` +
            `from the current release ${current.id}`,
        })
      }
    }
  }
  return problems
}

/** What a replay of part of the store found. */
interface Replayed {
  readonly loaded: Loaded
  readonly end: ReadEnd
  /** Whether it stopped at the event asked for (else it read to the end: that event was damaged, or is not there). */
  readonly stopped: boolean
}

const notCheckedAfterForeign = (problem: string): string =>
  `not checked: it cannot be folded after the events of a newer version skipped above (${problem}), ` +
  'and probably depends on them'

const foreignNotChecked = (event: ForeignEvent): string =>
  `${describeForeign(event.foreign)}: not checked, and skipped (${whyForeign(event.foreign)}); ` +
  `this version refuses to write to this store: upgrade to ${upgradeTo(event.foreign)}`

/**
 * Checks the whole store: every line, the chain, every event, and what the store keeps beside the
 * log (its `releases.json`, its checkpoint at the checkpoint's position).
 */
export const verifyStore = (
  store: EventStore,
  onProgress?: OnProgress,
  check: SealCheck = { nowMs: Date.now() },
): TE.TaskEither<StateError, VerifyReport> => {
  const problems: VerifyProblem[] = []
  const seals = sealChecker(check, store.description)
  // What the replay itself found wrong: the log is damaged, and what is compared with it is not judged.
  let logErrors = 0
  // Imports and accepted reconciles folded: the history inherited what a file held.
  let inherited = 0
  let events = 0
  // Events of a newer version: skipped, with what could not be folded after them; what is compared
  // with the replay was then made by a version that folded them, and is not judged either.
  let foreign = 0

  /** Replays from `from`, reporting every problem and going on; stops after event `stopAt`, if given. */
  const replay = (from: Loaded, stopAt?: number): TE.TaskEither<StateError, Replayed> => {
    // The last event read (not a damaged record): the replay stopped where asked only if it is `stopAt`.
    let lastEvent = from.cursor.position
    return pipe(
      foldRead(store.read, from, {
        until: stopAt,
        lineHash: seals.lineHash,
        watch: (stored) => {
          const { envelope, position } = stored
          seals.event(stored)
          events++
          onProgress?.({ task: 'verify', done: events })
          lastEvent = position
          if (recordsAFile(envelope)) inherited++
          return undefined
        },
        unfolded: ({ envelope, location }, problem) => {
          if (recordsAFile(envelope)) inherited--
          if (foreign > 0) problems.push({ severity: 'warning', location, message: notCheckedAfterForeign(problem) })
          else {
            logErrors++
            problems.push({ severity: 'error', location, message: problem })
          }
        },
        problem: ({ location, message }) => {
          events++
          logErrors++
          problems.push({ severity: 'error', location, message })
        },
        foreign: (event) => {
          events++
          lastEvent = event.position
          foreign++
          problems.push({ severity: 'warning', location: event.location, message: foreignNotChecked(event) })
        },
      }),
      TE.map(({ state, cursor, lastRecordedAt, end }) => ({
        loaded: { state, cursor, lastRecordedAt },
        end,
        stopped: lastEvent === stopAt,
      })),
    )
  }

  const throughCheckpoint = (check: CheckpointCheck): TE.TaskEither<StateError, Replayed> => {
    problems.push(...check.problems)
    const compare = check.compare
    if (compare === undefined) return replay(emptyLoaded(store.origin))
    return pipe(
      replay(emptyLoaded(store.origin), compare.position),
      TE.chain((upTo) => {
        // Compared only where the log read clean up to there: else the replay is what is wrong.
        if (logErrors === 0 && foreign === 0 && upTo.loaded.cursor.position === compare.position)
          problems.push(...compare.with(upTo.loaded))
        return upTo.stopped ? replay(upTo.loaded) : TE.right(upTo)
      }),
    )
  }

  return pipe(
    store.besides === undefined
      ? replay(emptyLoaded(store.origin))
      : pipe(store.besides.checkpoint(), TE.chain(throughCheckpoint)),
    TE.chain(({ loaded, end }) => {
      // A snapshot compared with the fold of a damaged log would differ from it, and the advice
      // for a snapshot that differs (reconcile) is wrong while the log itself is damaged. (A torn
      // last command is no damage: it was never acknowledged, and the snapshot never showed it.)
      const logDamaged = logErrors > 0
      if (end.incompleteTail !== undefined) {
        const tail = end.incompleteTail
        problems.push({
          severity: 'error',
          location: tail.location,
          message:
            `${describeIncompleteTail(tail)} (an append interrupted by a crash, never acknowledged); ` +
            'the next write moves it aside',
        })
      }
      const { state } = loaded
      const where = store.snapshotFile?.path ?? store.description
      // Skipped events may be what the chain goes through: a break is then not this version's to judge.
      problems.push(...chainProblems(state, inherited > 0 || foreign > 0, where))
      problems.push(...idClockProblems(state, where))
      const snapshotPath = guardedSnapshotPath(store)
      const notCompared: VerifyProblem[] =
        snapshotPath === undefined
          ? []
          : [
              {
                severity: 'warning',
                location: snapshotPath,
                message:
                  'not compared with the event log, which has the errors above: ' +
                  'repair the log first (from a backup), then verify again',
              },
            ]
      const notInterpreted: VerifyProblem[] =
        snapshotPath === undefined
          ? []
          : [
              {
                severity: 'warning',
                location: snapshotPath,
                message:
                  'not compared with the event log, which holds events of a newer stagecraft-state (above) ' +
                  'that this version cannot fold',
              },
            ]
      return pipe(
        store.besides?.snapshot === undefined || snapshotPath === undefined
          ? TE.right([])
          : logDamaged
            ? TE.right(notCompared)
            : foreign > 0
              ? TE.right(notInterpreted)
              : store.besides.snapshot(loaded),
        TE.chain((found) => {
          problems.push(...found)
          return store.leftovers()
        }),
        TE.map((leftovers): VerifyReport => {
          for (const file of leftovers)
            problems.push({
              severity: 'warning',
              location: file,
              message: 'an incomplete line an earlier recovery set aside; inspect it, then delete it',
            })
          const sealed = seals.finish(end.cursor.position)
          problems.push(...sealed.problems)
          const asked = check.trust !== undefined || check.head !== undefined || sealed.report.count > 0
          const report = {
            sound: problems.every((p) => p.severity !== 'error'),
            problems,
            events,
            releases: releaseCount(state),
            ...(asked ? { seals: sealed.report } : {}),
          }
          return end.cursor.position === 0
            ? report
            : { ...report, head: { position: end.cursor.position, sha256: end.cursor.hash } }
        }),
      )
    }),
  )
}
