/**
 * The snapshot file, `releases.json`: read as bytes, replaced atomically, never edited in place. Not fsynced: the
 * synced event log is the durable record; after a machine crash the next write finds by its SHA-256 an older (or empty)
 * snapshot and regenerates it (docs/decisions/0008).
 */
import { randomBytes } from 'node:crypto'
import { closeSync, promises as fs, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { MAX_SNAPSHOT_BYTES, tooLongProblem } from '../domain/json-limits.js'
import { ioError, isStateError, StateError } from '../domain/state-error.js'
import type { Written } from './replace-file.js'
import type { KeptSnapshot } from './event-store.js'

/**
 * What identifies one version of the file, so that bytes read or written need not be hashed again while it is
 * unchanged: a rewrite gives a new inode, a change of content a new change time (which no one can set back).
 */
export interface Fingerprint {
  readonly ino: bigint
  readonly size: bigint
  readonly mtimeNs: bigint
  readonly ctimeNs: bigint
}

/** Whether two fingerprints are of the same version of the file. */
export const sameFingerprint = (a: Fingerprint | undefined, b: Fingerprint | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.ino === b.ino &&
  a.size === b.size &&
  a.mtimeNs === b.mtimeNs &&
  a.ctimeNs === b.ctimeNs

const fingerprintOfStat = (stat: { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): Fingerprint => ({
  ino: stat.ino,
  size: stat.size,
  mtimeNs: stat.mtimeNs,
  ctimeNs: stat.ctimeNs,
})

/** The fingerprint of the file at `path` if it is still the one `written`: an edit after the rename is not ours. */
export const fingerprintIfStill = (path: string, written: Written): Fingerprint | undefined => {
  const now = fingerprintOf(path)
  return now !== undefined && now.ino === written.ino && now.size === written.size && now.mtimeNs === written.mtimeNs
    ? now
    : undefined
}

/** The fingerprint of the file now, or `undefined` when there is none. */
export const fingerprintOf = (path: string): Fingerprint | undefined => {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false })
  return stat === undefined ? undefined : fingerprintOfStat(stat)
}

/**
 * The file's bytes and the fingerprint they were read at. Bytes, not text, so that a file that is not UTF-8 is refused
 * by its readers yet can be kept aside byte for byte by a restore.
 */
export interface SnapshotFile {
  readonly bytes: Buffer
  readonly fingerprint: Fingerprint
  /** The buffer `bytes` begins, with room after them: a write may splice into it in place. */
  readonly room: Buffer
}

// Read synchronously: a few megabytes at most, once per command, where the thread pool's round trips cost more.
const readOnce = async (path: string): Promise<SnapshotFile | undefined> => {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const stat = fstatSync(fd, { bigint: true })
    // Refused unread: a file past the limit would be refused by its decoder anyway, after filling memory.
    if (stat.size > BigInt(MAX_SNAPSHOT_BYTES))
      throw new StateError(
        'CORRUPT_STATE',
        `${path}: ${tooLongProblem('the file', Number(stat.size), MAX_SNAPSHOT_BYTES)}`,
      )
    const room = readAll(fd, Number(stat.size))
    return { bytes: room.buffer.subarray(0, room.filled), fingerprint: fingerprintOfStat(stat), room: room.buffer }
  } finally {
    closeSync(fd)
  }
}

/** The bytes of an open file, in a buffer with room to spare: a write splices its new records into it in place. */
const readAll = (fd: number, size: number): { readonly buffer: Buffer; readonly filled: number } => {
  let buffer = Buffer.allocUnsafe(Math.ceil(size * 1.25) + 64 * 1024)
  let filled = 0
  for (;;) {
    if (filled === buffer.length) {
      const larger = Buffer.allocUnsafe(buffer.length * 2)
      buffer.copy(larger, 0, 0, filled)
      buffer = larger
    }
    const read = readSync(fd, buffer, filled, buffer.length - filled, filled)
    if (read === 0) return { buffer, filled }
    filled += read
  }
}

/** The bytes of a file, or `undefined` when there is none. */
export const readFileIfThere = async (path: string): Promise<Buffer | undefined> => {
  try {
    return readFileSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Reads the snapshot file, or `undefined` when there is none. */
export const readSnapshotFile = (path: string): TE.TaskEither<StateError, SnapshotFile | undefined> =>
  TE.tryCatch(
    () => readOnce(path),
    (error) => (isStateError(error) ? error : ioError('read the snapshot', path, error)),
  )

/**
 * Keeps a synced copy of the snapshot's bytes in a new side file `<file>.<suffix>-<random>` before they are replaced:
 * random and created exclusively, since the clock may repeat, so that an earlier copy is never lost.
 */
export const keepAside = (path: string, bytes: Buffer, suffix: string): TE.TaskEither<StateError, string> => {
  const aside = `${path}.${suffix}-${randomBytes(3).toString('hex')}`
  return TE.tryCatch(
    async () => {
      const handle = await fs.open(aside, 'wx')
      try {
        await handle.writeFile(bytes)
        await handle.sync()
      } catch (error) {
        // Ours alone (created exclusively), and not a copy: nothing was replaced yet.
        await fs.unlink(aside).catch(() => undefined)
        throw error
      } finally {
        await handle.close()
      }
      return aside
    },
    (error) => ioError('keep a copy of the snapshot in', aside, error),
  )
}

/** A copy of a remote store's projection kept at `path`: rewritten after every write, never guarded. */
export const localCopy = (path: string): KeptSnapshot => ({
  path,
  guarded: false,
  present: () => fingerprintOf(path) !== undefined,
})
