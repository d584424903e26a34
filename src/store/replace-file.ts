/**
 * Replacing a file whole and atomically: its new bytes are written to a temporary file beside it, then renamed over it,
 * so that a reader sees the old file or the new one, never a part. Not synced: what this module replaces this way
 * (releases.json, its record, the checkpoint) is made again from the synced event log after a machine crash
 * (docs/decisions/0008).
 *
 * The temporary file has a name no person would give a file (`.<name>.stagecraft-tmp-<pid>-<hex>`), so that the writer
 * that recovers a dead writer's lock removes only what such a writer left. The file's mode, and its owner when this
 * process may set it, are kept. A path that is a symbolic link is refused: following it would rewrite another file, and
 * renaming over it would lose the link.
 *
 * Synchronous: a write runs under the lock, one at a time, and each round trip through the thread pool costs more than
 * the call (docs/decisions/0009).
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

/**
 * The file a replacement put in place, as it was before the rename: a later look tells whether it is still that file.
 */
export interface Written {
  readonly ino: bigint
  readonly size: bigint
  readonly mtimeNs: bigint
}

const TEMPORARY = /^\.(.+)\.stagecraft-tmp-(\d+)-[0-9a-f]{12}$/

/** The temporary file a replacement of `path` writes first. */
const temporaryFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.stagecraft-tmp-${process.pid}-${randomBytes(6).toString('hex')}`)

/**
 * Replaces the file at `path` with `bytes`, atomically (see the module's comment). With `stillAsFound`, asked once the
 * new bytes are written, just before the rename: a file that someone changed meanwhile is left as it is, and undefined
 * returned. A rename cannot be conditional: a change between that last look and the rename (one system call) is still
 * lost.
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

/**
 * Removes the temporary files a writer killed in the middle of a replacement left beside the files `names` (their base
 * names) in `directory`: those of the killed holders' `pids`, or any when unknown. Only under the write lock, taken
 * after that writer: no live writer has one then. Returns what it removed.
 */
export const removeAbandonedTemporaries = (
  directory: string,
  names: ReadonlyArray<string>,
  pids: ReadonlyArray<number> | undefined,
): ReadonlyArray<string> =>
  removeLeftovers(directory, (entry) => {
    const [, of, by] = TEMPORARY.exec(entry) ?? []
    return of !== undefined && names.includes(of) && (pids === undefined || pids.some((pid) => by === String(pid)))
  })
