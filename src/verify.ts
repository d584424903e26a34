/**
 * `verify`: a full check of a store, independent of any cached state. Every problem found is
 * reported with its place; the store is sound when none of them is an error.
 *
 * Errors: a line that does not decode, a broken hash chain, an event that could not have happened
 * (duplicate or decreasing ids, a wrong previous release, an impossible transition), an
 * incomplete last line, and a `releases.json` that is not the projection of the log.
 * Warnings: what an imported file brought in and the module keeps on purpose (duplicate ids, a
 * dangling or broken `previous_id` chain), and side files of earlier recoveries.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { decodeSnapshotBytes } from './domain/snapshot.js'
import { startFold } from './domain/evolve.js'
import { groupByEnvironment } from './domain/queries.js'
import type { Release } from './domain/release.js'
import { initialState, releaseCount, type State } from './domain/state.js'
import type { StateError } from './errors.js'
import { type Differences, differencesOf, standingOf } from './snapshot-standing.js'
import { describeIncompleteTail, type EventStore } from './store/event-store.js'
import { readSnapshotFile } from './store/snapshot-file.js'

/** One problem `verify` found. */
export interface VerifyProblem {
  /** `error` makes the store unsound; `warning` is worth knowing but kept on purpose. */
  readonly severity: 'error' | 'warning'
  /** Where: a file and line, or a file and release. */
  readonly location: string
  readonly message: string
}

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
    if (group.length > 1) problems.push({ severity: 'warning', location: `${where} (release ${id})`, message: `release id ${id} is held by ${group.length} releases (versions ${group.map((r) => r.version).join(', ')}), as an imported file had it; all are kept` })
  }
  const byEnvironment = groupByEnvironment(state)
  for (const [environment, current] of state.current) {
    const visited = new Set<Release>()
    for (let release: Release | undefined = current; release !== undefined && !visited.has(release); ) {
      visited.add(release)
      if (release.previousId === undefined) break
      const previous: ReadonlyArray<Release> | undefined = state.releases.get(release.previousId)
      const next = previous?.length === 1 ? previous[0] : undefined
      if (next === undefined || next.environment !== environment || visited.has(next)) {
        const why = previous === undefined ? 'which is not in the history' : previous.length > 1 ? 'an id held by several releases' : next?.environment !== environment ? `a release of ${next?.environment ?? '?'}` : 'which closes a loop'
        problems.push({ severity: severity(), location: `${where} (release ${release.id})`, message: `the previous_id chain of ${environment} breaks here: previous_id is ${release.previousId}, ${why}` })
        break
      }
      release = next
    }
    for (const release of byEnvironment.get(environment) ?? []) {
      if (!visited.has(release)) {
        problems.push({ severity: severity(), location: `${where} (release ${release.id})`, message: `release ${release.id} of ${environment} is not on the previous_id chain from the current release ${current.id}` })
      }
    }
  }
  return problems
}

/** A refusal to read a snapshot, placed as `file:line` when it names a line, like every other problem. */
const unreadableAt = (snapshotPath: string, message: string): VerifyProblem => {
  if (!message.startsWith(snapshotPath)) return { severity: 'error', location: snapshotPath, message }
  const rest = message.slice(snapshotPath.length)
  const placed = /^:(\d+)(?::\d+)?:\s*/.exec(rest)
  return placed === null
    ? { severity: 'error', location: snapshotPath, message: rest.replace(/^:\s*/, '') }
    : { severity: 'error', location: `${snapshotPath}:${placed[1] as string}`, message: rest.slice(placed[0].length) }
}

const differsMessage = ({ named, onlyInSnapshot }: Differences): string =>
  `differs from the projection of the event log at ${named}: the two files disagree, and either may have been changed outside stagecraft-state ` +
  `(this file, or the last line of the log, which the hash chain cannot show). ` +
  (onlyInSnapshot > 0
    ? `${onlyInSnapshot === 1 ? 'One release is' : `${onlyInSnapshot} releases are`} in this file and in no event of the log: if the log lost its end, "reconcile --restore" would drop ${onlyInSnapshot === 1 ? 'it' : 'them'}; compare the log with a backup (and the chain head verify printed before) first. `
    : '') +
  'If this file was changed, run reconcile; if the log was, restore it from a backup'

const snapshotProblems = (store: EventStore, snapshotPath: string, eventLog: string | undefined, state: State, events: number): TE.TaskEither<StateError, VerifyProblem[]> =>
  pipe(
    readSnapshotFile(snapshotPath),
    TE.chain((file) => {
      const at = (message: string, severity: VerifyProblem['severity'] = 'error'): VerifyProblem[] => [{ severity, location: snapshotPath, message }]
      const unreadable = (message: string) => [unreadableAt(snapshotPath, message)]
      if (file === undefined) return TE.right(events === 0 ? [] : at('missing: it is not the projection of the event log; the next write regenerates it'))
      if (events === 0) {
        const decoded = decodeSnapshotBytes(file.bytes, snapshotPath)
        return TE.right(E.isLeft(decoded) ? unreadable(decoded.left.message) : at('has no event log yet: it becomes the start of the history on the first write (or with import)', 'warning'))
      }
      return pipe(
        standingOf({ read: store.read, origin: store.origin, path: snapshotPath, eventLog, state, file, skipDamaged: true }),
        TE.map((standing) => {
          switch (standing.kind) {
            case 'current':
              return []
            case 'empty':
              return at('empty (left so by a crash): it is not the projection of the event log; the next write regenerates it')
            case 'behind':
              return at('is behind the event log (it holds what an earlier write left, byte for byte: a write was interrupted before the snapshot was replaced); the next write regenerates it')
            case 'differs':
              return at(differsMessage(differencesOf(state, standing.snapshot)))
            case 'unreadable':
              return unreadable(standing.error.message)
          }
        }),
      )
    }),
  )

/**
 * Checks the whole store, and the snapshot at `snapshotPath` when there is one (`eventLog`, the
 * file store's log beside it, tells a snapshot left behind by a crash from one edited since).
 */
export const verifyStore = (store: EventStore, snapshotPath: string | undefined, eventLog?: string): TE.TaskEither<StateError, VerifyReport> => {
  const problems: VerifyProblem[] = []
  let inherited = false
  const fold = startFold(initialState)
  let events = 0
  return pipe(
    store.read(store.origin, {
      event: (stored) => {
        events++
        const problem = fold.apply(stored.envelope)
        if (problem !== undefined) problems.push({ severity: 'error', location: stored.location, message: problem })
        else if (stored.envelope.type === 'SnapshotImported' || stored.envelope.type === 'SnapshotReconciled') inherited = true
        return undefined
      },
      problem: ({ location, message }) => {
        events++
        problems.push({ severity: 'error', location, message })
      },
    }),
    TE.chain((end) => {
      // A snapshot compared with the fold of a damaged log would differ from it, and the advice
      // for a snapshot that differs (reconcile) is wrong while the log itself is damaged. (A torn
      // last command is no damage: it was never acknowledged, and the snapshot never showed it.)
      const logDamaged = problems.length > 0
      if (end.incompleteTail !== undefined) {
        const tail = end.incompleteTail
        problems.push({ severity: 'error', location: tail.location, message: `${describeIncompleteTail(tail)} (an append interrupted by a crash, never acknowledged); the next write moves it aside` })
      }
      const state = fold.result()
      problems.push(...chainProblems(state, inherited, snapshotPath ?? store.description))
      const notCompared: VerifyProblem[] =
        snapshotPath === undefined ? [] : [{ severity: 'warning', location: snapshotPath, message: 'not compared with the event log, which has the errors above: repair the log first (from a backup), then verify again' }]
      return pipe(
        snapshotPath === undefined ? TE.right([]) : logDamaged ? TE.right(notCompared) : snapshotProblems(store, snapshotPath, eventLog, state, events),
        TE.chain((found) => {
          problems.push(...found)
          return store.leftovers()
        }),
        TE.map((leftovers): VerifyReport => {
          for (const file of leftovers) problems.push({ severity: 'warning', location: file, message: 'an incomplete line an earlier recovery set aside; inspect it, then delete it' })
          const report = { sound: problems.every((p) => p.severity !== 'error'), problems, events, releases: releaseCount(state) }
          return end.cursor.position === 0 ? report : { ...report, head: { position: end.cursor.position, sha256: end.cursor.hash } }
        }),
      )
    }),
  )
}
