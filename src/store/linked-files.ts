/**
 * A store's files must be files, not symbolic links: the store replaces releases.json, its record and its checkpoint by
 * renaming over them, and appends to its log and record in place, so a link would either rewrite the file it points at
 * (another project's releases.json, a config file) or be silently replaced by a plain file. A link is refused before
 * anything is read or written. The directory holding them may be a link (`.stagecraft` -> a CI cache): only the files
 * are checked.
 */
import { lstatSync, readlinkSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../errors.js'
import { attempt } from './attempt.js'
import type { StorePaths } from './paths.js'

const target = (path: string): string => {
  try {
    return readlinkSync(path)
  } catch {
    return 'somewhere it no longer says'
  }
}

/** The error for the store file at `path`, a symbolic link; `what` names the file's role. */
export const linkRefused = (path: string, what: string): StateError =>
  new StateError(
    'IO_ERROR',
    `${path} (${what}) is a symbolic link to ${target(path)}; stagecraft-state does not write through ` +
      'links, which would rewrite the file it points at: ' +
      'replace the link with the file itself, or choose the state file where it really is (a linked ' +
      'directory, such as a CI cache, is fine)',
  )

/** Whether `path` is a symbolic link (not whether what it names exists). */
export const isLink = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true

/** The store's files, each with its role in words. */
const filesOf = (paths: StorePaths): ReadonlyArray<readonly [string, string]> => [
  [paths.stateFile, 'the state file'],
  [paths.eventLog, 'the event log'],
  [paths.checkpoint, 'the checkpoint'],
  [paths.snapshotRecord, 'the record of the snapshot'],
  [paths.lock, 'the write lock'],
]

/** `IO_ERROR` for the first of the store's files that is a symbolic link, if one is. */
export const refuseLinks = (paths: StorePaths): TE.TaskEither<StateError, void> =>
  attempt('look at the files of the store in', paths.directory, async () => {
    for (const [path, what] of filesOf(paths)) if (isLink(path)) return E.left(linkRefused(path, what))
    return E.right(undefined)
  })
