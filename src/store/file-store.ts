/**
 * The file store: the event log beside the state file, written under the lock file. It keeps no
 * state of its own between calls (each read starts from the caller's cursor), so any number of
 * managers and processes can share one store.
 */
import { promises as fs } from 'node:fs'
import { basename, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { StateError } from '../errors.js'
import { attempt } from './attempt.js'
import { LOG_ORIGIN, type LogCursor, readLog } from './event-log.js'
import { appendLog, setAsideTail } from './event-log-append.js'
import { describeIncompleteTail, type EventStore, type StagedSession, type WriteSession } from './event-store.js'
import { acquireLock } from './file-lock.js'
import { removeAbandonedTemporaries } from './snapshot-file.js'
import type { StorePaths } from './paths.js'
import { removeAbandonedStaging, type StagedLog, stageLog } from './staged-log.js'

/** How a file store behaves. */
export interface FileStoreOptions {
  /** How long a write waits for another writer's lock before `LOCK_TIMEOUT`. */
  readonly lockTimeoutMs: number
  /** Told about recoveries that changed files (a torn last line set aside). */
  readonly onWarning: (message: string) => void
  /** The clock, for naming side files. */
  readonly now: () => Date
}

const GITIGNORE = '# Written by stagecraft-state: release history is deployment state, not source.\n*\n'

/** Creates the state directory if needed; a directory this module creates gets a `.gitignore`. */
const ensureDirectory = (paths: StorePaths): TE.TaskEither<StateError, void> =>
  attempt('create the state directory', paths.directory, async () => {
    const created = await fs.mkdir(paths.directory, { recursive: true })
    if (created !== undefined) await fs.writeFile(join(paths.directory, '.gitignore'), GITIGNORE, { flag: 'wx' }).catch(() => undefined)
    return E.right(undefined)
  })

const session = (paths: StorePaths, options: FileStoreOptions): WriteSession => ({
  read: (cursor, visitor) =>
    pipe(
      readLog(paths.eventLog, cursor as LogCursor, visitor),
      TE.chain((end) => {
        if (end.incompleteTail === undefined) return TE.right(end)
        const { incompleteTail: tail, cursor: complete } = end
        return pipe(
          setAsideTail(paths.eventLog, tail.offset, options.now()),
          TE.map((aside) => {
            options.onWarning(`${tail.location}: ${describeIncompleteTail(tail)} (an append interrupted by a crash, never acknowledged) was moved to ${aside}`)
            return { cursor: complete }
          }),
        )
      }),
    ),
  append: (cursor, events) => appendLog(paths.eventLog, cursor as LogCursor, events),
})

/** Runs `work` holding the lock of the store at `paths`, and gives the lock up whatever happens. */
const locked = <A>(paths: StorePaths, options: FileStoreOptions, work: TE.TaskEither<StateError, A>): TE.TaskEither<StateError, A> =>
  pipe(
    ensureDirectory(paths),
    TE.chain(() => acquireLock(paths.lock, { timeoutMs: options.lockTimeoutMs })),
    TE.chain((lock) => async () => {
      try {
        // Only a writer killed while holding the lock leaves temporary or staged files behind.
        if (lock.recovered) {
          const removed = await pipe(removeAbandonedTemporaries(paths.stateFile), TE.chain(() => removeAbandonedStaging(paths.eventLog)))()
          if (E.isLeft(removed)) return removed
        }
        return await work()
      } finally {
        // Given up whatever the work did, even if it threw (a bug).
        const warning = await lock.release()
        if (warning !== undefined) options.onWarning(warning)
      }
    }),
  )

/** A session whose appends go to a staged log, which `commit` puts in place of the log. */
const stagedSession = (paths: StorePaths, options: FileStoreOptions, staging: StagedLog): StagedSession => {
  const direct = session(paths, options)
  return {
    read: (cursor, visitor) => staging.read(cursor as LogCursor, visitor) ?? direct.read(cursor, visitor),
    append: (cursor, events) => staging.append(cursor as LogCursor, events),
    commit: staging.commit,
  }
}

/** The file store whose files are `paths`. */
export const fileStore = (paths: StorePaths, options: FileStoreOptions): EventStore => ({
  description: `file store ${paths.stateFile}`,
  origin: LOG_ORIGIN,
  read: (cursor, visitor) => readLog(paths.eventLog, cursor as LogCursor, visitor),
  // The work is built once the lock is held: it may capture what the caller knows at that moment.
  write: (work) => locked(paths, options, () => work(session(paths, options))()),
  writeStaged: (work) =>
    locked(paths, options, async () => {
      const staging = stageLog(paths.eventLog)
      try {
        return await work(stagedSession(paths, options, staging))()
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
  leftovers: () =>
    attempt('list the state directory', paths.directory, async () => {
      const names = await fs.readdir(paths.directory).catch(() => [] as string[])
      const log = basename(paths.eventLog)
      return E.right(names.filter((name) => name.startsWith(`${log}.torn-`)).map((name) => join(paths.directory, name)))
    }),
  close: async () => undefined,
})
