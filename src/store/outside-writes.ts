/**
 * `releases.json` written by another tool since this module last wrote it: the Go Stagecraft, which takes no lock and
 * rewrites the whole file. Its changes are judged by the domain (outside-writes.ts) against the file this module last
 * wrote, found by the records of its writes, and the history now; a reader shows them, a writer records them.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { DomainEvent, ReleaseChange } from '../domain/events.js'
import { evolveAll } from '../domain/evolve.js'
import { adoptOutsideWrite } from '../domain/outside-writes.js'
import { PHASES } from '../domain/phase.js'
import { decodeSnapshotBytes, type Snapshot } from '../domain/snapshot.js'
import type { State } from '../domain/state.js'
import type { StateError } from '../domain/state-error.js'
import { emptyLoaded, type Loaded } from './event-store.js'
import { LOG_ORIGIN } from './event-log.js'
import { foldRead, type Read } from './fold.js'
import type { StorePaths } from './paths.js'
import { type Fingerprint, fingerprintOf, readSnapshotFile, sameFingerprint } from './snapshot-file.js'
import { RECORDS_KEPT, stillRecorded } from './snapshot-record.js'
import { sha256Of } from './snapshot-standing.js'
import { lastRecord, readRecords } from './snapshot-record-read.js'
import type { SnapshotMemory } from './snapshot-owner.js'

/** What another tool's write comes to: the events that record it, and the changes in words. */
export interface OutsideWrite {
  readonly events: ReadonlyArray<DomainEvent>
  readonly summary: string
}

// How many earlier writes of this module the other tool's file may have started from: it may have read the file
// before some of them and renamed its own over it after (the record file keeps as many when it is compacted).
const BASES = RECORDS_KEPT

type Verdict = E.Either<string, ReadonlyArray<DomainEvent>>

// Judges the file against the state at each of `positions` (all before the log's end), in one replay: a state in the
// middle of a fold is read at once, as the next event changes it.
const judgedAt = (
  read: Read,
  positions: ReadonlyArray<number>,
  judge: (base: State, position: number) => Verdict,
): TE.TaskEither<StateError, ReadonlyMap<number, Verdict>> => {
  const verdicts = new Map<number, Verdict>()
  if (positions.length === 0) return TE.right(verdicts)
  const wanted = new Set(positions)
  return pipe(
    foldRead(read, emptyLoaded(LOG_ORIGIN), {
      until: Math.max(...positions) + 1,
      watch: (stored, fold) => {
        if (wanted.has(stored.position - 1)) verdicts.set(stored.position - 1, judge(fold.peek(), stored.position - 1))
        return undefined
      },
    }),
    TE.map(() => verdicts),
  )
}

const changeInWords = (change: ReleaseChange): string => {
  if (change.before.length < change.after.length) {
    const added = change.after.at(-1)
    return `release ${change.releaseId} added (${added?.environment ?? '?'} ${added?.version ?? '?'})`
  }
  const moved = change.after.flatMap((after, i) => {
    const before = change.before[i]
    return PHASES.filter((phase) => before !== undefined && before.phases[phase] !== after.phases[phase]).map(
      (phase) => `${phase} ${before?.phases[phase] ?? '?'} -> ${after.phases[phase]}`,
    )
  })
  return `release ${change.releaseId}: ${moved.join(', ')}`
}

/** The changes of an adoption, in words, at most ten named. */
export const outsideSummary = (events: ReadonlyArray<DomainEvent>): string => {
  const words = events.flatMap((event) =>
    event.type === 'SnapshotReconciled' ? event.data.changes.map(changeInWords) : [],
  )
  return words.length > 10 ? `${words.slice(0, 10).join('; ')}; and ${words.length - 10} more` : words.join('; ')
}

/**
 * Another tool's changes in `snapshot` (whose bytes hash to `sha256`), laid over `loaded`, or why they are not what
 * the Go Stagecraft makes. Each of the last files this module wrote is tried as the one the tool started from, the
 * newest first; a file that adds nothing to one of them (only leaves out what was written since) is a person's.
 */
export const outsideWrite = (
  paths: StorePaths,
  read: Read,
  loaded: Loaded,
  snapshot: Snapshot,
  sha256: string,
): TE.TaskEither<StateError, E.Either<string, OutsideWrite>> => {
  const source = { file: paths.stateFile, sha256 }
  const judge = (base: State, older: boolean): Verdict =>
    pipe(
      adoptOutsideWrite(base, snapshot, loaded.state, source, older),
      E.filterOrElse(
        (events) => events.length > 0,
        () => 'it adds nothing to a file this module wrote, and leaves out what it wrote since',
      ),
    )
  const end = loaded.cursor.position
  return pipe(
    readRecords(paths, loaded, BASES),
    TE.flatMap((records) => {
      // Newest first: only the last file written is the base of a tool that read it after that write.
      const positions = records.map((record) => record.position)
      const newest = positions[0]
      return pipe(
        judgedAt(
          read,
          positions.filter((position) => position < end),
          (base, position) => judge(base, position !== newest),
        ),
        TE.map((earlier) => {
          const verdicts = positions.map((position) =>
            position === end ? judge(loaded.state, position !== newest) : earlier.get(position),
          )
          const chosen = verdicts.find((verdict) => verdict !== undefined && E.isRight(verdict)) ?? verdicts[0]
          if (chosen === undefined) return E.left('this module has no record of the file it last wrote')
          return pipe(
            chosen,
            E.map((events) => ({ events, summary: outsideSummary(events) })),
          )
        }),
      )
    }),
  )
}

/** What a handle of the file store remembers of the last outside write it looked at. */
export interface OutsideMemory {
  outside?: { readonly fingerprint: Fingerprint; readonly position: number; readonly state: State } | undefined
}

/**
 * The store as a reader sees it: with another tool's changes to `releases.json` laid over the log's state (in
 * `state`, the log's own in `beneath`), when they are what the Go Stagecraft makes. A file this module wrote, or one
 * found unchanged since, costs a `stat` and the read of the last record; nothing is written.
 */
export const outsideView = (
  paths: StorePaths,
  memory: SnapshotMemory & OutsideMemory,
  read: Read,
  loaded: Loaded,
): TE.TaskEither<StateError, Loaded> => {
  const fingerprint = fingerprintOf(paths.stateFile)
  if (fingerprint === undefined || loaded.cursor.position === 0 || loaded.foreign !== undefined) return TE.right(loaded)
  if (memory.known !== undefined && sameFingerprint(memory.known.fingerprint, fingerprint)) return TE.right(loaded)
  const seen = memory.outside
  if (seen !== undefined && sameFingerprint(seen.fingerprint, fingerprint) && seen.position === loaded.cursor.position)
    return TE.right(seen.state === loaded.state ? loaded : { ...loaded, state: seen.state, beneath: loaded })
  const remember = (state: State): Loaded => {
    memory.outside = { fingerprint, position: loaded.cursor.position, state }
    return state === loaded.state ? loaded : { ...loaded, state, beneath: loaded }
  }
  return pipe(
    lastRecord(paths),
    TE.flatMap((record) => {
      // A write went on since this read: the file is its own.
      if (record !== undefined && record.position > loaded.cursor.position) return TE.right(loaded)
      if (stillRecorded(record, fingerprint)) return TE.right(remember(loaded.state))
      return pipe(
        readSnapshotFile(paths.stateFile),
        TE.flatMap((file) => {
          const sha256 = file === undefined ? undefined : sha256Of(file.bytes)
          if (file === undefined || sha256 === record?.sha256) return TE.right(remember(loaded.state))
          const decoded = decodeSnapshotBytes(file.bytes, paths.stateFile)
          // An unreadable file is the writer's to report; one that differs only in form adopts nothing.
          if (E.isLeft(decoded)) return TE.right(remember(loaded.state))
          return pipe(
            outsideWrite(paths, read, loaded, decoded.right, sha256 as string),
            TE.map((adopted) =>
              remember(
                E.isRight(adopted) && adopted.right.events.length > 0
                  ? evolveAll(loaded.state, adopted.right.events)
                  : loaded.state,
              ),
            ),
          )
        }),
      )
    }),
  )
}
