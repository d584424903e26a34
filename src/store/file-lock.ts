/**
 * The write lock of a file store: an advisory lock the kernel holds on `<log>.lock` (Linux: an open-file-description
 * `fcntl` lock; macOS: `flock`; Windows: `LockFileEx`), given up when its holder closes it or dies, so liveness is
 * never guessed (decisions/0014). The file is never replaced, and removed only by a holder whose store has no log yet:
 * a lock is on an inode, so a taker checks the file is still the one at the path. While held, it names its holder for a
 * person reading `LOCK_TIMEOUT`; an empty file means nobody was killed holding it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import { StateError } from '../domain/state-error.js'
import { attempt } from './attempt.js'

export interface LockOptions {
  readonly timeoutMs: number
}

/** Holders killed holding the lock: their pids, when the name left can be read. */
export interface KilledHolder {
  readonly pids: ReadonlyArray<number> | undefined
}

export interface HeldLock {
  /** The last holder, when it was killed holding the lock: it may have left temporary files behind. */
  readonly killedHolder: KilledHolder | undefined
  /**
   * Gives the lock up; with `remove`, the file goes too, removed while held, so a taker that opened it meanwhile opens
   * anew. Resolves to a warning when the holder's name could not be cleared.
   */
  readonly release: (remove?: boolean) => Promise<string | undefined>
}

/** Takes the kernel's exclusive lock on an open file: false when another open file holds it. */
type TryLock = (fd: number) => boolean

const isHeldElsewhere = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'EAGAIN' || code === 'EACCES' || code === 'EWOULDBLOCK'
}

type Binding = { tryLock: (fd: number, offset: number, length: number, exclusive: boolean) => void }

const fromBinding =
  (binding: Binding): TryLock =>
  (fd) => {
    try {
      binding.tryLock(fd, 0, 0, true)
      return true
    } catch (error) {
      if (isHeldElsewhere(error)) return false
      throw error
    }
  }

/** The addon's prebuilt binary, loaded directly (its entry's require-addon is slow), else the entry; musl: none. */
const loadTryLock = (): TryLock => {
  const require = createRequire(import.meta.url)
  const platform = `${process.platform}-${process.arch}`
  try {
    return fromBinding(require(`fs-native-extensions/prebuilds/${platform}/fs-native-extensions.node`) as Binding)
  } catch (direct) {
    try {
      const entry = require('fs-native-extensions') as { tryLock: (fd: number) => boolean }
      return (fd) => entry.tryLock(fd)
    } catch {
      const why = direct instanceof Error ? direct.message.split('\n')[0] : String(direct)
      throw new StateError(
        'IO_ERROR',
        'the write lock needs the native addon fs-native-extensions, which has no binary that loads on ' +
          `${platform} here (${why}); on musl (Alpine) there is none: use a glibc-based image`,
      )
    }
  }
}

// Loaded by the first write of a process: reads never pay for the addon.
let loadedTryLock: TryLock | undefined
const tryLock = (fd: number): boolean => (loadedTryLock ??= loadTryLock())(fd)

// `after`: the killed holders whose leftovers this one clears first (`unknown`: any), so that its own death during that
// leaves them named.
const holderName = (after: ReadonlyArray<number> | 'unknown'): string =>
  JSON.stringify({
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(after.length === 0 ? {} : { after }),
  })

// A name is a line of JSON; a file longer than this was not written by a holder, and names nobody.
const MAX_NAME_BYTES = 4096

/** The name in the lock file at `fd` (at most its first MAX_NAME_BYTES), parsed; throws if it is none. */
const nameIn = (fd: number): { pid?: unknown; host?: unknown; since?: unknown; after?: unknown } => {
  const name = Buffer.alloc(Math.min(fstatSync(fd).size, MAX_NAME_BYTES))
  readSync(fd, name, 0, name.length, 0)
  return JSON.parse(name.toString('utf8')) as { pid?: unknown; host?: unknown; since?: unknown; after?: unknown }
}

const describeHolder = (fd: number): string => {
  try {
    const holder = nameIn(fd)
    return `process ${String(holder.pid)} on ${String(holder.host)} since ${String(holder.since)}`
  } catch {
    return 'a process that has not named itself yet'
  }
}

// O_NOFOLLOW: a lock file that is a symlink would lock whatever it points at.
const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0)

const releaser = (path: string, fd: number) => {
  let open = true
  return async (remove = false): Promise<string | undefined> => {
    // Closing a descriptor twice could close a file opened meanwhile under the same number.
    if (!open) return undefined
    open = false
    return clearAndClose(path, fd, remove)
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

// Given up after the work, whatever it did: a failure here is a warning, never the write's outcome.
const clearAndClose = (path: string, fd: number, remove: boolean): string | undefined => {
  let warning: string | undefined
  try {
    // Cleared before the lock goes: an empty file tells the next holder nobody died holding it.
    if (remove) unlinkSync(path)
    else ftruncateSync(fd, 0)
  } catch (error) {
    warning =
      `${path}: could not clear the lock holder's name (${reasonOf(error)}); ` +
      'the next writer will look for leftover files'
  }
  try {
    closeSync(fd) // the kernel gives the lock up even when close reports an error (EIO on NFS)
  } catch (error) {
    warning ??= `${path}: closing the lock file failed (${reasonOf(error)}); the lock was given up`
  }
  return warning
}

const killedHolderOf = (fd: number): KilledHolder | undefined => {
  if (fstatSync(fd).size === 0) return undefined
  try {
    const { pid, after = [] } = nameIn(fd)
    const pids = [pid, ...(Array.isArray(after) ? after : [undefined])]
    return { pids: pids.every((one) => Number.isSafeInteger(one)) ? (pids as number[]) : undefined }
  } catch {
    return { pids: undefined }
  }
}

const holdOn = (path: string, fd: number): HeldLock => {
  const killedHolder = killedHolderOf(fd)
  try {
    ftruncateSync(fd, 0)
    writeSync(fd, holderName(killedHolder === undefined ? [] : (killedHolder.pids ?? 'unknown')), 0)
  } catch {
    // The name is only for a person reading LOCK_TIMEOUT: a full disk must not stop the write.
  }
  return { killedHolder, release: releaser(path, fd) }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// The file at `path` is still the one `fd` locked: a last holder may have removed it after we opened it.
const stillNamed = (path: string, fd: number): boolean => {
  const named = statSync(path, { throwIfNoEntry: false })
  const locked = fstatSync(fd)
  return named !== undefined && named.ino === locked.ino && named.dev === locked.dev
}

const waitForLock = async (path: string, options: LockOptions): Promise<E.Either<StateError, HeldLock>> => {
  let fd = openSync(path, OPEN_FLAGS, 0o666)
  try {
    const deadline = Date.now() + options.timeoutMs
    for (let delayMs = 2; ; delayMs = Math.min(delayMs * 2, 50)) {
      if (tryLock(fd)) {
        if (stillNamed(path, fd)) return E.right(holdOn(path, fd))
        closeSync(fd)
        fd = -1 // closed: a failing open must not close it again (its number may be another file's by then)
        fd = openSync(path, OPEN_FLAGS, 0o666)
        continue
      }
      if (Date.now() >= deadline) break
      await sleep(Math.min(delayMs, Math.max(1, deadline - Date.now())) * (0.5 + Math.random()))
    }
  } catch (error) {
    if (fd >= 0) closeSync(fd)
    throw error
  }
  const holder = describeHolder(fd)
  closeSync(fd)
  return E.left(
    new StateError(
      'LOCK_TIMEOUT',
      `${path}: gave up after ${options.timeoutMs} ms waiting for the write lock, held by ${holder}`,
    ),
  )
}

/** Takes the lock at `path`, waiting up to `timeoutMs` for its holder. */
export const acquireLock = (path: string, options: LockOptions): TE.TaskEither<StateError, HeldLock> =>
  attempt('take the write lock', path, () => waitForLock(path, options))
