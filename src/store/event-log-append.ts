/**
 * The event log file, appended to: lines chained on from the cursor of a read, written and synced in one append per
 * command, and the torn end of an interrupted append set aside. Only under the write lock.
 */
import { randomBytes } from 'node:crypto'
import { constants, promises as fs } from 'node:fs'
import { dirname } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import { ioError, type StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'
import { corrupt, type LogCursor } from './event-log.js'
import { encodeLogLine, hashLine } from './log-line.js'
import { sideFileStamp } from './paths.js'

/** Writes all of `buffer` at `at` (a write may take less than it is given). */
export const writeFully = async (handle: fs.FileHandle, buffer: Buffer, at: number): Promise<void> => {
  for (let written = 0; written < buffer.length;) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, at + written)
    written += bytesWritten
  }
}

/** Syncs a directory, so that a file just created or renamed in it keeps its name through a crash. */
export const syncDirectory = async (directory: string): Promise<void> => {
  const handle = await fs.open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** The lines of `envelopes` chained on from `prev`, each ending with its newline, and the hash of the last. */
export const encodeLines = (
  prev: string,
  envelopes: ReadonlyArray<EventEnvelope>,
): { readonly buffer: Buffer; readonly hash: string } => {
  let hash = prev
  const lines: string[] = []
  for (const envelope of envelopes) {
    const line = encodeLogLine(envelope, hash)
    hash = hashLine(line)
    lines.push(line)
  }
  return { buffer: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), hash }
}

const appendAt = async (
  path: string,
  at: LogCursor,
  envelopes: ReadonlyArray<EventEnvelope>,
): Promise<E.Either<StateError, LogCursor>> => {
  const { buffer, hash } = encodeLines(at.hash, envelopes)
  // O_NOFOLLOW: a log that is a link (to another store's log) is refused, never appended through.
  const handle = await fs.open(
    path,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o666,
  )
  try {
    const stat = await handle.stat()
    if (stat.size !== at.offset || (at.ino !== undefined && stat.ino !== at.ino)) {
      return E.left(
        corrupt(
          `${path}: the event log changed while this process held the write lock (${stat.size} bytes, ` +
            `expected ${at.offset}); nothing was appended`,
        ),
      )
    }
    try {
      await writeFully(handle, buffer, at.offset)
      await handle.datasync()
    } catch (error) {
      // Leave no half-written line behind for the next reader.
      await handle.truncate(at.offset).catch(() => undefined)
      throw error
    }
    if (at.offset === 0) await syncDirectory(dirname(path)) // the new file's name must survive a crash too
    return E.right({ position: at.position + envelopes.length, hash, offset: at.offset + buffer.length, ino: stat.ino })
  } finally {
    await handle.close()
  }
}

/** Appends events right after `at` (which must be the end of the log), durably (fdatasync). */
export const appendLog = (
  path: string,
  at: LogCursor,
  envelopes: ReadonlyArray<EventEnvelope>,
): TE.TaskEither<StateError, LogCursor> =>
  envelopes.length === 0 ? TE.right(at) : attempt('append to the event log', path, () => appendAt(path, at, envelopes))

/**
 * Moves the torn end of the log (a partial line, and complete lines of the same command) into a side file, and cuts the
 * log back to its last whole command at `tailOffset`. Only under the write lock.
 */
export const setAsideTail = (path: string, tailOffset: number, now: Date): TE.TaskEither<StateError, string> =>
  TE.tryCatch(
    async () => {
      const handle = await fs.open(path, constants.O_RDWR | constants.O_NOFOLLOW)
      try {
        const { size, atime, mtime } = await handle.stat()
        const tail = Buffer.alloc(size - tailOffset)
        await handle.read(tail, 0, tail.length, tailOffset)
        // The clock may repeat (a fixed test clock): the random part keeps two side files apart.
        const aside = `${path}.torn-${sideFileStamp(now)}-${process.pid}-${randomBytes(3).toString('hex')}`
        await fs.writeFile(aside, tail, { flag: 'wx' })
        const asideHandle = await fs.open(aside, 'r')
        await asideHandle.sync().finally(() => asideHandle.close())
        await handle.truncate(tailOffset)
        // The log keeps the time of its torn append: a releases.json a crash left is never newer than the log, while
        // one edited by hand since is (snapshot-standing.ts).
        await handle.utimes(atime, mtime)
        await handle.datasync()
        return aside
      } finally {
        await handle.close()
      }
    },
    (error) => ioError('set aside the incomplete end of the event log', path, error),
  )
