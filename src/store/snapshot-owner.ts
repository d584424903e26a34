/**
 * The file store's `releases.json`, kept in step with the event log by its writers, under the lock. Before a command
 * is decided, the snapshot is judged against the log (snapshot-standing.ts):
 * - no events yet and a snapshot: prepared as the import that starts the history, its bytes left as they are;
 * - missing, empty, or behind (an interrupted write): regenerated after the command;
 * - changed outside this module: `STATE_DRIFT`, nothing written, until a person reconciles.
 * Preparing writes nothing. After the append, the snapshot is rewritten and its SHA-256 recorded beside it; once the
 * events are durable the command has succeeded, so a snapshot that cannot be written is a warning.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { decide, snapshotChanges } from '../domain/decide.js'
import type { DomainEvent } from '../domain/events.js'
import { evolve, evolveAll } from '../domain/evolve.js'
import { changedFields, decodeSnapshotBytes, type RecordsRead, type Snapshot } from '../domain/snapshot.js'
import type { OnProgress } from './progress.js'
import { initialState, type State } from '../domain/state.js'
import { ioError, StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import type { Intent, Loaded, Prepared, ReconcileOutcome } from './event-store.js'
import { LOG_ORIGIN, type LogCursor } from './event-log.js'
import type { Read } from './fold.js'
import type { StorePaths } from './paths.js'
import { prefixHashes, type PrefixHashes } from './prefix-hash.js'
import {
  type Fingerprint,
  fingerprintIfStill,
  fingerprintOf,
  keepAside,
  readSnapshotFile,
  sameFingerprint,
  type SnapshotFile,
} from './snapshot-file.js'
import { appendSnapshotRecord, recordedFile, type SnapshotRecord } from './snapshot-record.js'
import { readRecord } from './snapshot-record-read.js'
import { outsideWrite } from './outside-writes.js'
import { heldBytes, type HeldSnapshot, projectFrom } from './snapshot-splice.js'
import { replaceFileSync, type Written } from './replace-file.js'
import { differencesOf, type Standing, standingOf } from './snapshot-standing.js'
import { sideFileStamp } from './paths.js'

/** The snapshot as this handle last wrote or read it, while its file is unchanged. */
export interface KnownSnapshot {
  readonly bytes: Uint8Array
  /** Its bytes and the state they are the projection of, when they are one (not a Go-formatted import). */
  readonly held: HeldSnapshot | undefined
  readonly sha256: string
  readonly hashes: PrefixHashes
  readonly fingerprint: Fingerprint | undefined
  readonly position: number
}

/** What a handle of the file store remembers of its snapshot between writes. */
export interface SnapshotMemory {
  known?: KnownSnapshot | undefined
  /** The state of a `releases.json` no event log holds yet, as reads see it. */
  unimported?: { readonly fingerprint: Fingerprint; readonly state: State } | undefined
}

interface Found {
  readonly bytes: Uint8Array
  /** A buffer `bytes` begin, with room after them, when they were just read. */
  readonly room?: Uint8Array | undefined
  readonly sha256: string
  readonly hashes: PrefixHashes
  readonly fingerprint: Fingerprint | undefined
  /** Held already: its bytes are known to be the projection of `held.state`. */
  readonly held?: HeldSnapshot | undefined
}

/** What a write does with the snapshot once its events are appended. */
export interface SnapshotPlan {
  /** Rewrite it from the log even if nothing is recorded. */
  readonly regenerate: boolean
  /** Its bytes, as the projection of the loaded state, to splice the next one from. */
  readonly base: { readonly held: HeldSnapshot; readonly hashes: PrefixHashes } | undefined
  /** Leave it as it is when only `pending` is recorded (an import or accepted changes): it shows the history then. */
  readonly keepAsIs: Found | undefined
  /** The file when the write began, checked again before it is replaced: one changed meanwhile is left alone. */
  readonly startedFrom: Fingerprint | 'absent' | undefined
  readonly notes: ReadonlyArray<string>
}

const noPlan = (
  notes: ReadonlyArray<string> = [],
  regenerate = false,
  startedFrom?: Fingerprint | 'absent',
): SnapshotPlan => ({ regenerate, base: undefined, keepAsIs: undefined, startedFrom, notes })

/** Rewrite the snapshot from the log, whatever it holds: for a write no prepare was made for. */
export const REGENERATE: SnapshotPlan = noPlan([], true)

const foundOf = (known: KnownSnapshot): Found => ({
  bytes: known.bytes,
  sha256: known.sha256,
  hashes: known.hashes,
  fingerprint: known.fingerprint,
  held: known.held,
})

/** The snapshot file now: known (unchanged since this handle wrote or read it), read, or missing. */
const findSnapshot = (paths: StorePaths, memory: SnapshotMemory): TE.TaskEither<StateError, Found | undefined> => {
  const known = memory.known
  if (
    known !== undefined &&
    known.fingerprint !== undefined &&
    sameFingerprint(fingerprintOf(paths.stateFile), known.fingerprint)
  )
    return TE.right(foundOf(known))
  return pipe(
    readSnapshotFile(paths.stateFile),
    TE.map((file) => {
      if (file === undefined) return undefined
      const hashes = prefixHashes(file.bytes)
      return { bytes: file.bytes, room: file.room, sha256: hashes.sha256, hashes, fingerprint: file.fingerprint }
    }),
  )
}

// A hand edit of releases.json and an edit of the log's last line (which the chain cannot show) look the same from
// here, so the message says they disagree, and what to do in either case.
const driftError = (paths: StorePaths, state: State, snapshot: Snapshot, notAdopted?: string): StateError => {
  const { named } = differencesOf(state, snapshot)
  const why = notAdopted === undefined ? '' : ` They are not what the Go Stagecraft writes (${notAdopted}).`
  return new StateError(
    'STATE_DRIFT',
    `${paths.stateFile} and ${paths.eventLog} disagree: the snapshot differs from the log's projection at ${named}.` +
      `${why} ` +
      'One of them was changed outside stagecraft-state: the snapshot (by hand, or by a tool that writes ' +
      'only it), or the last line of the log (an edit its hash chain cannot show). Nothing was written. ' +
      'If the snapshot was changed, run "stagecraft-state reconcile --accept" to record its changes in ' +
      'the history, or "reconcile --restore" to rewrite it from the log (the changed file is kept aside); ' +
      `if the log was, restore it from a backup (compare the chain head "stagecraft-state verify" printed before).`,
  )
}

const decodeFound = (paths: StorePaths, found: Found, read?: RecordsRead): E.Either<StateError, Snapshot> =>
  pipe(decodeSnapshotBytes(found.bytes, paths.stateFile, read), E.mapLeft(StateError.fromDomain))

/** The events that record a snapshot file: an import, when the log is empty, else its differences from the log. */
const recordingEvents = (
  paths: StorePaths,
  loaded: Loaded,
  found: Found,
  onProgress: OnProgress | undefined,
): E.Either<StateError, ReadonlyArray<DomainEvent>> =>
  pipe(
    // An import reads every release of the file: a long one shows how far it has got.
    decodeFound(
      paths,
      found,
      onProgress === undefined || loaded.cursor.position > 0
        ? undefined
        : (done) => onProgress({ task: 'import', done }),
    ),
    E.chain((snapshot) =>
      pipe(
        decide(
          {
            type: loaded.cursor.position === 0 ? 'ImportSnapshot' : 'ReconcileSnapshot',
            snapshot,
            source: { file: paths.stateFile, sha256: found.sha256 },
          },
          loaded.state,
        ),
        E.mapLeft(StateError.fromDomain),
      ),
    ),
  )

// An existing but empty log beside a releases.json may be a history emptied by mistake: the new import must be noticed.
const emptyLogNotes = (paths: StorePaths, loaded: Loaded): ReadonlyArray<string> => {
  if (loaded.cursor.position > 0 || fingerprintOf(paths.eventLog)?.size !== 0n) return []
  return [
    `${paths.eventLog} was empty (0 bytes) beside ${paths.stateFile}: the history starts again from an ` +
      `import of ${paths.stateFile}; if the log was emptied by mistake, restore it from a backup`,
  ]
}

const prepared = (loaded: Loaded, pending: ReadonlyArray<DomainEvent>): Prepared => ({
  loaded,
  state: pending.length === 0 ? loaded.state : evolveAll(loaded.state, pending),
  pending,
})

const planFor = (
  paths: StorePaths,
  loaded: Loaded,
  found: Found,
  standing: Standing,
): E.Either<StateError, SnapshotPlan> => {
  const { fingerprint } = found
  switch (standing.kind) {
    case 'current': {
      // The bytes are the projection of the state at this position, whichever object holds it.
      const held =
        found.held !== undefined
          ? { ...found.held, state: loaded.state }
          : standing.projection
            ? { buffer: found.room ?? found.bytes, length: found.bytes.length, state: loaded.state }
            : undefined
      return E.right({
        regenerate: false,
        base: held === undefined ? undefined : { held, hashes: found.hashes },
        keepAsIs: undefined,
        startedFrom: fingerprint,
        notes: [],
      })
    }
    case 'empty':
      return E.right(
        noPlan(
          [`${paths.stateFile} was empty (left so by a crash); it is regenerated from the event log`],
          true,
          fingerprint,
        ),
      )
    case 'behind':
      return E.right(
        noPlan(
          [
            `${paths.stateFile} was behind the event log (it held what an earlier write left, byte for ` +
              'byte: a write was interrupted before the snapshot was replaced); it is regenerated from the log',
          ],
          true,
          fingerprint,
        ),
      )
    case 'differs':
      return E.left(driftError(paths, loaded.state, standing.snapshot))
    case 'unreadable':
      return E.left(standing.error)
  }
}

// Another tool's changes are recorded first, and the file is then rewritten from the log; any other change is drift.
const adopted = (
  paths: StorePaths,
  read: Read,
  loaded: Loaded,
  found: Found,
  snapshot: Snapshot,
): TE.TaskEither<StateError, { readonly prepared: Prepared; readonly plan: SnapshotPlan }> =>
  pipe(
    outsideWrite(paths, read, loaded, snapshot, found.sha256),
    TE.flatMapEither((outside) => {
      if (E.isLeft(outside)) return E.left(driftError(paths, loaded.state, snapshot, outside.left))
      const { events, summary } = outside.right
      const notes =
        events.length === 0
          ? []
          : [
              `${paths.stateFile} was changed by another tool (${summary}); the changes are recorded in the ` +
                `history as adopted from it, and the file is rewritten from the log`,
            ]
      return E.right({ prepared: prepared(loaded, events), plan: noPlan(notes, true, found.fingerprint) })
    }),
  )

/**
 * Judges the snapshot before a command (or `accept`) is decided: what to record first, and what to do after. With
 * `adopt`, changes another tool made that are only what the Go Stagecraft makes are recorded rather than refused.
 */
export const prepareSnapshot = (
  paths: StorePaths,
  memory: SnapshotMemory,
  read: Read,
  loaded: Loaded,
  intent: Intent,
  adopt: boolean,
  onProgress?: OnProgress,
): TE.TaskEither<StateError, { readonly prepared: Prepared; readonly plan: SnapshotPlan }> => {
  const known = memory.known
  // The file this handle wrote or checked at this very position, unchanged since: in step.
  if (
    known?.held !== undefined &&
    known.position === loaded.cursor.position &&
    known.position > 0 &&
    intent === 'command' &&
    sameFingerprint(fingerprintOf(paths.stateFile), known.fingerprint)
  ) {
    return TE.fromEither(
      pipe(
        planFor(paths, loaded, foundOf(known), { kind: 'current', projection: true }),
        E.map((plan) => ({ prepared: prepared(loaded, []), plan })),
      ),
    )
  }
  return pipe(
    findSnapshot(paths, memory),
    TE.chain((found) => {
      const position = loaded.cursor.position
      if (found === undefined) {
        if (intent === 'accept')
          return TE.left(
            new StateError(
              'INVALID_INPUT',
              `${paths.stateFile} does not exist; there is nothing to accept (restore rewrites it from the event log)`,
            ),
          )
        return TE.right({
          prepared: prepared(loaded, []),
          plan: noPlan(
            position > 0 ? [`${paths.stateFile} was missing; it is regenerated from the event log`] : [],
            position > 0,
            'absent',
          ),
        })
      }
      const asIs = (pending: ReadonlyArray<DomainEvent>, notes: ReadonlyArray<string>) => ({
        prepared: prepared(loaded, pending),
        plan: { ...noPlan(notes, false, found.fingerprint), keepAsIs: found },
      })
      if (position === 0 || intent === 'accept')
        return TE.fromEither(
          pipe(
            recordingEvents(paths, loaded, found, onProgress),
            E.map((pending) => asIs(pending, emptyLogNotes(paths, loaded))),
          ),
        )
      return pipe(
        readRecord(paths, loaded),
        TE.chain((record) =>
          standingOf({
            path: paths.stateFile,
            bytes: found.bytes,
            sha256: found.sha256,
            record,
            state: loaded.state,
            position,
            read,
            origin: LOG_ORIGIN,
          }),
        ),
        TE.flatMap((standing) =>
          standing.kind === 'differs' && adopt
            ? adopted(paths, read, loaded, found, standing.snapshot)
            : TE.fromEither(
                pipe(
                  planFor(paths, loaded, found, standing),
                  E.map((plan) => ({ prepared: prepared(loaded, []), plan })),
                ),
              ),
        ),
      )
    }),
  )
}

const writeRecord = (paths: StorePaths, record: SnapshotRecord): void =>
  appendSnapshotRecord(paths.snapshotRecord, record)

/** The steps of a snapshot's replacement a test can act at: its new bytes written beside it, then renamed over it. */
export type SnapshotStep = 'snapshot staged' | 'snapshot written'

// A file someone changed (or created) since the write began is left as it is: the next write meets it.
const stillAsStarted = (path: string, startedFrom: Fingerprint | 'absent' | undefined): boolean =>
  startedFrom === undefined ||
  (startedFrom === 'absent' ? fingerprintOf(path) === undefined : sameFingerprint(fingerprintOf(path), startedFrom))

/** Brings the snapshot up to date after the append, as `plan` says; failures are warnings (events are durable). */
export const settleSnapshot = (
  paths: StorePaths,
  memory: SnapshotMemory,
  plan: SnapshotPlan,
  after: Loaded,
  recorded: number,
  own: number,
  warn: (message: string) => void,
  step: (step: SnapshotStep) => void = () => undefined,
): void => {
  const cursor = after.cursor as LogCursor
  const record = (sha256: string, bytes: number, projection: boolean, file?: Fingerprint): void => {
    try {
      writeRecord(paths, {
        sha256,
        bytes,
        position: cursor.position,
        offset: cursor.offset,
        hash: cursor.hash,
        projection,
        ...recordedFile(file),
      })
    } catch (error) {
      warn(
        `${ioError('record the SHA-256 of the snapshot in', paths.snapshotRecord, error).message}; the ` +
          `events are recorded, and the next write judges ${paths.stateFile} without it`,
      )
    }
  }
  if (plan.keepAsIs !== undefined && own === 0) {
    // An import or accepted changes alone: the file shows the history as it is.
    const { bytes, sha256, hashes, fingerprint } = plan.keepAsIs
    if (recorded > 0) record(sha256, bytes.length, false, fingerprint)
    memory.known = { bytes, held: undefined, sha256, hashes, fingerprint, position: cursor.position }
    return
  }
  if (recorded === 0 && !plan.regenerate) return
  // The known bytes are spliced in place from here: they are the file's again only once it is written.
  memory.known = undefined
  let written: {
    readonly held: HeldSnapshot
    readonly bytes: Uint8Array
    readonly hashes: PrefixHashes
    readonly replaced: Written | undefined
  }
  try {
    // The projection too: the events are durable, so nothing may turn the command into a failure now.
    const { held, unchanged } = projectFrom(plan.base?.held, after.state)
    const bytes = heldBytes(held)
    const hashes = prefixHashes(
      bytes,
      plan.base === undefined || unchanged === 0 ? undefined : { hashes: plan.base.hashes, unchanged },
    )
    const replaced = replaceFileSync(paths.stateFile, bytes, () => {
      step('snapshot staged')
      return stillAsStarted(paths.stateFile, plan.startedFrom)
    })
    written = { held, bytes, hashes, replaced }
  } catch (error) {
    warn(
      `${ioError('write the snapshot', paths.stateFile, error).message}; the events are recorded, and the ` +
        `next write brings ${paths.stateFile} up to date`,
    )
    return
  }
  const { held, bytes, hashes, replaced } = written
  if (replaced === undefined) {
    warn(
      `${paths.stateFile} was changed by someone else while this write was in progress; the events are ` +
        'recorded, and the changed file is left as it is (the next write reports how it differs)',
    )
    return
  }
  step('snapshot written')
  const fingerprint = fingerprintIfStill(paths.stateFile, replaced)
  memory.known = { bytes, held, sha256: hashes.sha256, hashes, fingerprint, position: cursor.position }
  record(hashes.sha256, bytes.length, true, fingerprint)
}

/** Rewrites the file from the log, keeping the file it replaces aside. */
export const restoreSnapshot = (
  paths: StorePaths,
  memory: SnapshotMemory,
  loaded: Loaded,
  now: Date,
): TE.TaskEither<StateError, ReconcileOutcome> =>
  pipe(
    readSnapshotFile(paths.stateFile),
    TE.chain((file: SnapshotFile | undefined) => {
      const projected = projectFrom(undefined, loaded.state).held
      const bytes = heldBytes(projected)
      if (file !== undefined && file.bytes.equals(bytes)) return TE.right({ changed: [], fields: [] })
      const decoded = file === undefined ? undefined : decodeSnapshotBytes(file.bytes, paths.stateFile)
      const edit = decoded !== undefined && E.isRight(decoded) ? decoded.right : undefined
      const changed =
        edit === undefined ? [] : snapshotChanges(loaded.state, edit.releases).map((change) => change.releaseId)
      const fields = edit === undefined ? [] : changedFields(loaded.state.otherFields, edit.otherFields)
      const kept: TE.TaskEither<StateError, string | undefined> =
        file === undefined
          ? TE.right(undefined)
          : keepAside(paths.stateFile, file.bytes, `rejected-${sideFileStamp(now)}`)
      return pipe(
        kept,
        TE.chainFirst(() =>
          attempt('write the snapshot', paths.stateFile, async () => {
            const hashes = prefixHashes(bytes)
            const replaced = replaceFileSync(paths.stateFile, bytes)
            const cursor = loaded.cursor as LogCursor
            const fingerprint = replaced === undefined ? undefined : fingerprintIfStill(paths.stateFile, replaced)
            memory.known = {
              bytes,
              held: projected,
              sha256: hashes.sha256,
              hashes,
              fingerprint,
              position: cursor.position,
            }
            writeRecord(paths, {
              sha256: hashes.sha256,
              bytes: bytes.length,
              position: cursor.position,
              offset: cursor.offset,
              hash: cursor.hash,
              projection: true,
              ...recordedFile(fingerprint),
            })
            return E.right(undefined)
          }),
        ),
        TE.map((keptAside): ReconcileOutcome =>
          keptAside === undefined ? { changed, fields } : { changed, fields, keptAside },
        ),
      )
    }),
  )

/** The state of a snapshot no event log holds yet, as reads see it (nothing is written). */
export const readUnimported = (paths: StorePaths, memory: SnapshotMemory): TE.TaskEither<StateError, State> => {
  const fingerprint = fingerprintOf(paths.stateFile)
  if (fingerprint === undefined) return TE.right(initialState)
  const cached = memory.unimported
  if (cached !== undefined && sameFingerprint(fingerprint, cached.fingerprint)) return TE.right(cached.state)
  return pipe(
    readSnapshotFile(paths.stateFile),
    TE.chainEitherK((file) => {
      if (file === undefined) return E.right(initialState)
      return pipe(
        decodeSnapshotBytes(file.bytes, paths.stateFile),
        E.mapLeft(StateError.fromDomain),
        E.map((snapshot) => {
          const state = evolve(initialState, { type: 'SnapshotImported', data: snapshot })
          memory.unimported = { fingerprint: file.fingerprint, state }
          return state
        }),
      )
    }),
  )
}
