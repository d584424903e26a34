/**
 * Appends to a file store's log that take effect together or not at all (a migration): written to a copy of the log
 * beside it, which commit syncs and renames over the log. A process killed before leaves only the staged file, which
 * the next lock holder removes. Cursors stay valid after the commit; readers with the old log open see it replaced.
 */
import { randomBytes } from 'node:crypto'
import { constants, promises as fs, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { ioError, StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import { type LogCursor, type LogReadEnd, readLog } from './event-log.js'
import { encodeLines, syncDirectory, writeFully } from './event-log-append.js'
import type { Visitor } from './event-store.js'

/** Appends staged for one log, under its write lock. */
export interface StagedLog {
  /** Reads the staged log once something was staged (from any cursor into the log), else nothing. */
  readonly read: (cursor: LogCursor, visitor: Visitor) => TE.TaskEither<StateError, LogReadEnd> | undefined
  /** Stages `envelopes` right after `at`, the end of the log and of what was staged so far. */
  readonly append: (at: LogCursor, envelopes: ReadonlyArray<EventEnvelope>) => TE.TaskEither<StateError, LogCursor>
  /** Makes what was staged the log: synced, renamed over it, the directory synced. */
  readonly commit: () => TE.TaskEither<StateError, void>
  readonly discard: () => Promise<void>
}

const STAGED = '.staged-'

const STAGED_NAME = /\.staged-(\d+)-[0-9a-f]{8}$/

/** Removes the staged files a migration killed holding the lock left beside `eventLog` (of `pids`, or any). */
export const removeAbandonedStaging = (
  eventLog: string,
  pids: ReadonlyArray<number> | undefined,
): TE.TaskEither<StateError, void> =>
  attempt('remove abandoned staged files beside', eventLog, async () => {
    const log = basename(eventLog)
    const isLeft = (name: string): boolean => {
      const by = STAGED_NAME.exec(name)
      return (
        by !== null &&
        name.slice(0, by.index) === log &&
        (pids === undefined || pids.some((pid) => by[1] === String(pid)))
      )
    }
    const names = await fs.readdir(dirname(eventLog)).catch(() => [] as string[])
    await Promise.all(
      names.filter(isLeft).map((name) => fs.unlink(join(dirname(eventLog), name)).catch(() => undefined)),
    )
    return E.right(undefined)
  })

const changed = (eventLog: string, size: number, at: LogCursor): StateError =>
  new StateError(
    'CORRUPT_STATE',
    `${eventLog}: the event log changed while this process held the write lock (${size} bytes, expected ` +
      `${at.offset}); nothing was appended`,
  )

interface Staged {
  readonly path: string
  end: LogCursor
}

/** Staging for the log at `eventLog`; nothing is written until the first append. */
export const stageLog = (eventLog: string): StagedLog => {
  let staged: Staged | undefined

  /** The staged file, made on the first append: a copy of the log, which must end where `at` says. */
  const begin = async (at: LogCursor): Promise<E.Either<StateError, Staged>> => {
    const log = statSync(eventLog, { throwIfNoEntry: false })
    if ((log?.size ?? 0) !== at.offset || (at.ino !== undefined && log?.ino !== at.ino))
      return E.left(changed(eventLog, log?.size ?? 0, at))
    const path = `${eventLog}${STAGED}${process.pid}-${randomBytes(4).toString('hex')}`
    if (log === undefined || log.size === 0) await fs.writeFile(path, '', { flag: 'wx' })
    else await fs.copyFile(eventLog, path, constants.COPYFILE_EXCL)
    staged = { path, end: { ...at, ino: statSync(path).ino } }
    return E.right(staged)
  }

  const append = (at: LogCursor, envelopes: ReadonlyArray<EventEnvelope>): TE.TaskEither<StateError, LogCursor> =>
    envelopes.length === 0
      ? TE.right(at)
      : attempt('stage events for', eventLog, async () => {
          let into = staged
          if (into === undefined) {
            const begun = await begin(at)
            if (E.isLeft(begun)) return begun
            into = begun.right
          }
          if (at.position !== into.end.position || at.hash !== into.end.hash)
            return E.left(changed(eventLog, into.end.offset, at))
          const { buffer, hash } = encodeLines(at.hash, envelopes)
          const handle = await fs.open(into.path, 'r+')
          try {
            await writeFully(handle, buffer, into.end.offset)
          } finally {
            await handle.close()
          }
          into.end = {
            position: at.position + envelopes.length,
            hash,
            offset: into.end.offset + buffer.length,
            ino: into.end.ino,
          }
          return E.right(into.end)
        })

  return {
    // The staged file begins with the log's bytes, so a cursor into the log is one into it too.
    read: (cursor, visitor) =>
      staged === undefined ? undefined : readLog(staged.path, { ...cursor, ino: undefined }, visitor),
    append,
    commit: () => {
      const committing = staged
      if (committing === undefined) return TE.right(undefined)
      return TE.tryCatch(
        async () => {
          const handle = await fs.open(committing.path, 'r+')
          await handle.datasync().finally(() => handle.close())
          await fs.rename(committing.path, eventLog)
          staged = undefined
          await syncDirectory(dirname(eventLog))
        },
        (error) => ioError('put the staged events in place as', eventLog, error),
      )
    },
    discard: async () => {
      const left = staged
      staged = undefined
      if (left !== undefined) await fs.unlink(left.path).catch(() => undefined)
    },
  }
}
