/**
 * The file store: the event log beside the state file, written under the lock file, with `releases.json` (in step after
 * every write), the record of its SHA-256, and a checkpoint (a cache). Any number of handles and processes share one
 * store; a handle's memory of the files is checked against them before it is used.
 */
import { existsSync, promises as fs, mkdirSync, type Stats, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import { checkLogEnd, checkpointDue, type HeldCheckpoint, openCheckpoint, writeCheckpoint } from './checkpoint-file.js'
import { LOG_ORIGIN, type LogCursor, readLog } from './event-log.js'
import { appendLog, setAsideTail } from './event-log-append.js'
import {
  describeIncompleteTail,
  emptyLoaded,
  type EventStore,
  type Intent,
  type Loaded,
  type Prepared,
  type StagedSession,
  type Visitor,
  type WriteSession,
} from './event-store.js'
import { acquireLock } from './file-lock.js'
import { fileBesides } from './file-besides.js'
import { refuseLinks } from './linked-files.js'
import { foldAppending, foldRead, type Read } from './fold.js'
import type { StorePaths } from './paths.js'
import { removeAbandonedTemporaries } from './replace-file.js'
import {
  prepareSnapshot,
  readUnimported,
  REGENERATE,
  restoreSnapshot,
  type SnapshotMemory,
  type SnapshotPlan,
  type SnapshotStep,
  settleSnapshot,
} from './snapshot-owner.js'
import { removeAbandonedStaging, type StagedLog, stageLog } from './staged-log.js'
import { fingerprintOf } from './snapshot-file.js'
import { fileAbsence } from './file-absence.js'
import { countingWatch, type OnProgress } from './progress.js'
import { type OutsideMemory, outsideView } from './outside-writes.js'

/** How a file store behaves. */
export interface FileStoreOptions {
  readonly lockTimeoutMs: number
  /** Told about recoveries that changed files, and about a checkpoint that could not be used. */
  readonly onWarning: (message: string) => void
  readonly now: () => Date
  /** How far the log may grow past the checkpoint before a writer writes a new one (tests make it small). */
  readonly checkpointTailBytes?: number | undefined
  /** Told as a write passes each of its steps (tests stop a process there, to kill it, or edit a file). */
  readonly onStep?: ((step: WriteStep) => void) | undefined
  /** Refuse, as `STATE_DRIFT`, even the changes to `releases.json` the Go Stagecraft makes, rather than adopt them. */
  readonly refuseOutsideWrites?: boolean | undefined
  /** Where the default state file is looked for when this one does not exist (default: the working directory). */
  readonly cwd?: string | undefined
  /** Told how far a cold open's replay has got. */
  readonly onProgress?: OnProgress | undefined
}

/** Whether another tool's changes to releases.json that the Go Stagecraft makes are adopted, not refused. */
const adopts = (options: FileStoreOptions): boolean => options.refuseOutsideWrites !== true

/** Judges the snapshot before a write (snapshot-owner.ts), with the store's options. */
const prepareWith = (
  paths: StorePaths,
  options: FileStoreOptions,
  memory: SnapshotMemory,
  loaded: Loaded,
  intent: Intent,
): ReturnType<typeof prepareSnapshot> =>
  prepareSnapshot(paths, memory, readerRead(paths), loaded, intent, adopts(options), options.onProgress)

/** The steps of a write, after each of which a crash leaves something different behind. */
export type WriteStep =
  'snapshot checked' | 'appended' | 'staged log committed' | SnapshotStep | 'snapshot recorded' | 'checkpoint written'

/** What a handle remembers between calls: the snapshot and the checkpoint as it last saw them. */
interface Memory extends SnapshotMemory, OutsideMemory {
  checkpoint?: HeldCheckpoint | undefined
}

const GITIGNORE = '# Written by stagecraft-state: release history is deployment state, not source.\n*\n'

/** Creates the state directory if needed; a directory this module creates gets a `.gitignore`. */
const ensureDirectory = (paths: StorePaths): TE.TaskEither<StateError, void> =>
  attempt('create the state directory', paths.directory, async () => {
    const created = mkdirSync(paths.directory, { recursive: true })
    if (created !== undefined)
      await fs.writeFile(join(paths.directory, '.gitignore'), GITIGNORE, { flag: 'wx' }).catch(() => undefined)
    return E.right(undefined)
  })

/** A writer's read: an incomplete last command (an append torn by a crash) is set aside first. */
const writerRead =
  (paths: StorePaths, options: FileStoreOptions): Read =>
  (cursor, visitor) =>
    pipe(
      readLog(paths.eventLog, cursor as LogCursor, visitor),
      TE.chain((end) => {
        if (end.incompleteTail === undefined) return TE.right(end)
        const { incompleteTail: tail, cursor: complete } = end
        return pipe(
          setAsideTail(paths.eventLog, tail.offset, options.now()),
          TE.map((aside) => {
            options.onWarning(
              `${tail.location}: ${describeIncompleteTail(tail)} (an append interrupted by a crash, never ` +
                `acknowledged) was moved to ${aside}`,
            )
            return { cursor: complete }
          }),
        )
      }),
    )

// A read from the start (a cold open, verify, history) first refuses files that are links.
const readerRead =
  (paths: StorePaths): Read =>
  (cursor, visitor) =>
    (cursor as LogCursor).offset === 0
      ? pipe(
          refuseLinks(paths),
          TE.chain(() => readLog(paths.eventLog, cursor as LogCursor, visitor)),
        )
      : readLog(paths.eventLog, cursor as LogCursor, visitor)

/**
 * The store read from nothing: from its checkpoint and the lines after it, else the whole log (saying why). With no
 * log, a reader sees the `releases.json` no log holds yet; a writer imports it.
 */
const loadCold = (
  paths: StorePaths,
  options: FileStoreOptions,
  memory: Memory,
  read: Read,
  forReader: boolean,
): TE.TaskEither<StateError, Loaded> => {
  const replay = (why: string): TE.TaskEither<StateError, Loaded> => {
    options.onWarning(
      `${paths.checkpoint} ${why}; the whole event log is read instead (the next write writes a new checkpoint)`,
    )
    return foldRead(read, emptyLoaded(LOG_ORIGIN), { watch: countingWatch('replay', options.onProgress) })
  }
  const fromCheckpoint = (log: Stats): TE.TaskEither<StateError, Loaded> =>
    pipe(
      checkLogEnd(paths, log.size),
      TE.chain(() => openCheckpoint(paths, log.size, log.ino)),
      TE.chain((opened) => {
        switch (opened.kind) {
          case 'none':
            return replay('does not exist')
          case 'mistrusted':
            return replay(`is not used: ${opened.why}`)
          case 'usable':
            memory.checkpoint = opened.held
            return foldRead(read, opened.loaded, { watch: countingWatch('replay', options.onProgress) })
        }
      }),
    )
  const withoutLog: TE.TaskEither<StateError, Loaded> = pipe(
    checkLogEnd(paths, 0),
    TE.chain(() => (forReader ? readUnimported(paths, memory) : TE.right(emptyLoaded(LOG_ORIGIN).state))),
    TE.map((state) => ({ ...emptyLoaded(LOG_ORIGIN), state })),
  )
  return pipe(
    refuseLinks(paths),
    TE.chain(() =>
      attempt('read the event log', paths.eventLog, async () =>
        E.right(statSync(paths.eventLog, { throwIfNoEntry: false })),
      ),
    ),
    TE.chain((log) => (log === undefined || log.size === 0 ? withoutLog : fromCheckpoint(log))),
  )
}

// A reader sees what another tool wrote to releases.json, as the next write will record it; the log goes on beneath.
const loadWith =
  (paths: StorePaths, options: FileStoreOptions, memory: Memory, read: Read, forReader: boolean) =>
  (given: Loaded): TE.TaskEither<StateError, Loaded> => {
    const from = given.beneath ?? given
    const loaded = from.cursor.position > 0 ? foldRead(read, from) : loadCold(paths, options, memory, read, forReader)
    return forReader && adopts(options)
      ? pipe(
          loaded,
          TE.flatMap((log) => outsideView(paths, memory, read, log)),
        )
      : loaded
  }

/** After an append: a new checkpoint when the log has grown enough past the last one (a failure only warns). */
const refreshCheckpoint = (
  paths: StorePaths,
  options: FileStoreOptions,
  memory: Memory,
  after: Loaded,
): TE.TaskEither<StateError, Loaded> =>
  !checkpointDue(paths, memory.checkpoint, after, options.checkpointTailBytes)
    ? TE.right(after)
    : async () => {
        const written = await writeCheckpoint(paths, memory.checkpoint, after)()
        if (E.isRight(written)) {
          memory.checkpoint = written.right
          options.onStep?.('checkpoint written')
        } else options.onWarning(`${written.left.message}; it is only a cache: the next write tries again`)
        return E.right(after)
      }

/** The files a write replaces whole, under either name (`X`, `X.json`): where a killed holder leaves temporaries. */
const replacedFiles = (paths: StorePaths): ReadonlyArray<string> => {
  const other = paths.stateFile.endsWith('.json')
    ? paths.stateFile.slice(0, -'.json'.length)
    : `${paths.stateFile}.json`
  return [paths.stateFile, paths.snapshotRecord, other, `${other}.sha256`, paths.checkpoint]
}

const locked = <A>(
  paths: StorePaths,
  options: FileStoreOptions,
  work: TE.TaskEither<StateError, A>,
): TE.TaskEither<StateError, A> =>
  pipe(
    ensureDirectory(paths),
    TE.chain(() => refuseLinks(paths)),
    TE.chain(() => acquireLock(paths.lock, { timeoutMs: options.lockTimeoutMs })),
    TE.chain((lock) => async () => {
      try {
        // Only a writer killed while holding the lock leaves temporary or staged files behind.
        if (lock.killedHolder !== undefined) {
          const { pids } = lock.killedHolder
          removeAbandonedTemporaries(
            paths.directory,
            replacedFiles(paths).map((file) => basename(file)),
            pids,
          )
          const removed = await removeAbandonedStaging(paths.eventLog, pids)()
          if (E.isLeft(removed)) return removed
        }
        return await work()
      } finally {
        // Given up even if the work threw; a store still without a log (a refused first command) keeps no lock file.
        const warning = await lock.release(!existsSync(paths.eventLog))
        if (warning !== undefined) options.onWarning(warning)
      }
    }),
  )

/** A write session on the log (or a staged one), settling the snapshot after each append unless `deferred`. */
const sessionOf = (
  paths: StorePaths,
  options: FileStoreOptions,
  memory: Memory,
  read: Read,
  appendTo: (cursor: LogCursor, events: Parameters<WriteSession['append']>[1]) => TE.TaskEither<StateError, LogCursor>,
  deferred: boolean,
) => {
  // What prepare found, for the append of the same prepared command.
  let planned: { readonly prepared: Prepared; readonly plan: SnapshotPlan } | undefined
  const session: WriteSession = {
    read,
    load: loadWith(paths, options, memory, read, false),
    prepare: (loaded, intent) =>
      pipe(
        prepareWith(paths, options, memory, loaded, intent),
        TE.map((found) => {
          planned = found
          options.onStep?.('snapshot checked')
          return found.prepared
        }),
      ),
    append: (prepared, envelopes) => {
      const plan = planned?.prepared === prepared ? planned.plan : REGENERATE
      planned = undefined
      for (const note of plan.notes) options.onWarning(note)
      return pipe(
        TE.fromEither(foldAppending(prepared.loaded, envelopes, paths.eventLog)),
        TE.chain((after) =>
          pipe(
            envelopes.length === 0
              ? TE.right(prepared.loaded.cursor as LogCursor)
              : appendTo(prepared.loaded.cursor as LogCursor, envelopes),
            TE.map(after),
          ),
        ),
        TE.chain((after) => {
          if (deferred) return TE.right(after)
          if (envelopes.length > 0) options.onStep?.('appended')
          settleSnapshot(
            paths,
            memory,
            plan,
            after,
            envelopes.length,
            envelopes.length - prepared.pending.length,
            options.onWarning,
            (step) => options.onStep?.(step),
          )
          options.onStep?.('snapshot recorded')
          return envelopes.length === 0 ? TE.right(after) : refreshCheckpoint(paths, options, memory, after)
        }),
      )
    },
    restore: (loaded, now) => restoreSnapshot(paths, memory, loaded, now),
  }
  return session
}

/** Brings the snapshot and checkpoint up to an unchanged log: what a killed migration left undone. */
const settleUnchanged = (
  paths: StorePaths,
  options: FileStoreOptions,
  memory: Memory,
  loaded: Loaded,
): TE.TaskEither<StateError, void> =>
  pipe(
    prepareWith(paths, options, memory, loaded, 'command'),
    TE.chain(({ plan }) => {
      for (const note of plan.notes) options.onWarning(note)
      settleSnapshot(paths, memory, plan, loaded, 0, 0, options.onWarning)
      return refreshCheckpoint(paths, options, memory, loaded)
    }),
    TE.map(() => undefined),
  )

/** A session whose appends go to a staged log, put in place of the log by `commit`; the snapshot follows. */
const stagedSession = (
  paths: StorePaths,
  options: FileStoreOptions,
  memory: Memory,
  staging: StagedLog,
): StagedSession => {
  const direct = writerRead(paths, options)
  const read: Read = (cursor, visitor: Visitor) => staging.read(cursor as LogCursor, visitor) ?? direct(cursor, visitor)
  const inner = sessionOf(paths, options, memory, read, (cursor, events) => staging.append(cursor, events), true)
  // releases.json as it was then, so that a file someone edits while the copy runs is left alone.
  let loaded: Loaded | undefined
  let last: Loaded | undefined
  let startedFrom: SnapshotPlan['startedFrom']
  return {
    ...inner,
    load: (from) =>
      pipe(
        inner.load(from),
        TE.map((caughtUp) => {
          startedFrom = fingerprintOf(paths.stateFile) ?? 'absent'
          return (loaded = caughtUp)
        }),
      ),
    append: (prepared, envelopes) =>
      pipe(
        inner.append(prepared, envelopes),
        TE.map((after) => {
          last = after
          return after
        }),
      ),
    commit: () =>
      pipe(
        staging.commit(),
        TE.chain(() => {
          if (last === undefined)
            return loaded === undefined || loaded.cursor.position === 0
              ? TE.right(undefined)
              : settleUnchanged(paths, options, memory, loaded)
          options.onStep?.('staged log committed')
          settleSnapshot(paths, memory, { ...REGENERATE, startedFrom }, last, 1, 1, options.onWarning)
          return pipe(
            refreshCheckpoint(paths, options, memory, last),
            TE.map(() => undefined),
          )
        }),
      ),
  }
}

/** The file store whose files are `paths`. */
export const fileStore = (paths: StorePaths, options: FileStoreOptions): EventStore => {
  const memory: Memory = {}
  return {
    description: `file store ${paths.stateFile}`,
    snapshotFile: {
      path: paths.stateFile,
      guarded: true,
      present: () => fingerprintOf(paths.stateFile) !== undefined,
    },
    besides: fileBesides(paths, readerRead(paths), adopts(options)),
    origin: LOG_ORIGIN,
    read: readerRead(paths),
    load: loadWith(paths, options, memory, readerRead(paths), true),
    // The work is built once the lock is held: it may capture what the caller knows at that moment.
    write: (work) =>
      locked(paths, options, () =>
        work(
          sessionOf(
            paths,
            options,
            memory,
            writerRead(paths, options),
            (cursor, events) => appendLog(paths.eventLog, cursor, events),
            false,
          ),
        )(),
      ),
    writeStaged: (work) =>
      locked(paths, options, async () => {
        const staging = stageLog(paths.eventLog)
        try {
          return await work(stagedSession(paths, options, memory, staging))()
        } finally {
          await staging.discard()
        }
      }),
    identity: () =>
      attempt('find the state directory', paths.directory, async () => {
        // A directory that does not exist yet can only be named one way here: as resolved.
        const directory = await fs.realpath(paths.directory).catch(() => paths.directory)
        return E.right(`file ${join(directory, basename(paths.stateFile))}`)
      }),
    absence: () => fileAbsence(paths, options.cwd ?? process.cwd()),
    leftovers: () =>
      attempt('list the state directory', paths.directory, async () => {
        const names = await fs.readdir(paths.directory).catch(() => [] as string[])
        const log = basename(paths.eventLog)
        return E.right(
          names.filter((name) => name.startsWith(`${log}.torn-`)).map((name) => join(paths.directory, name)),
        )
      }),
    close: async () => undefined,
  }
}
