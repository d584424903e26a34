/**
 * Replacing a file whole and atomically: a temporary file beside it, then a rename, so a reader sees the old file or
 * the new one. Not synced: what is replaced this way is made again from the synced log after a crash (decisions/0008).
 * The temporary name (`.<name>.stagecraft-tmp-<pid>-<hex>`) lets the next lock holder remove only a dead writer's
 * leftovers. Mode and owner are kept; a symbolic link is refused. Synchronous: writes run one at a time under the lock,
 * and the thread pool's round trip costs more than the call (decisions/0009).
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { removeLeftovers } from './leftover-files.js'
import { isLink, linkRefused } from './linked-files.js'

/** The file a replacement put in place, as it was before the rename: a later look tells if it still is. */
export interface Written {
  readonly ino: bigint
  readonly size: bigint
  readonly mtimeNs: bigint
}

const TEMPORARY = /^\.(.+)\.stagecraft-tmp-(\d+)-[0-9a-f]{12}$/

const temporaryFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.stagecraft-tmp-${process.pid}-${randomBytes(6).toString('hex')}`)

/**
 * Replaces the file at `path` with `bytes`, atomically. With `stillAsFound`, asked just before the rename: a file
 * someone changed meanwhile is left as it is, and undefined returned (a change within that last system call is lost).
 */
export const replaceFileSync = (path: string, bytes: Uint8Array, stillAsFound?: () => boolean): Written | undefined => {
  // A link is refused, not followed: following it would rewrite the file it names (linked-files.ts).
  if (isLink(path)) throw linkRefused(path, 'a file a write replaces')
  const target = path
  const before = statSync(target, { throwIfNoEntry: false })
  const temporary = temporaryFor(target)
  const fd = openSync(temporary, 'wx', before === undefined ? 0o666 : before.mode & 0o7777)
  let written: Written
  try {
    try {
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written)
      if (before !== undefined) {
        fchmodSync(fd, before.mode & 0o7777)
        if (process.getuid?.() === 0 && (before.uid !== 0 || before.gid !== 0)) fchownSync(fd, before.uid, before.gid)
      }
      const { ino, size, mtimeNs } = fstatSync(fd, { bigint: true })
      written = { ino, size, mtimeNs }
    } finally {
      closeSync(fd)
    }
    if (stillAsFound !== undefined && !stillAsFound()) {
      unlinkSync(temporary)
      return undefined
    }
    renameSync(temporary, target)
    return written
  } catch (error) {
    try {
      unlinkSync(temporary)
    } catch {
      // already gone
    }
    throw error
  }
}

/** Removes what a killed writer left beside `names` (its `pids`', or any), under the write lock; returns them. */
export const removeAbandonedTemporaries = (
  directory: string,
  names: ReadonlyArray<string>,
  pids: ReadonlyArray<number> | undefined,
): ReadonlyArray<string> =>
  removeLeftovers(directory, (entry) => {
    const [, of, by] = TEMPORARY.exec(entry) ?? []
    return of !== undefined && names.includes(of) && (pids === undefined || pids.some((pid) => by === String(pid)))
  })
