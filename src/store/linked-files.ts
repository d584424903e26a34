/**
 * A store's files must not be symbolic links: replacing or appending through one would rewrite the file it points at,
 * or silently replace the link. Refused before anything is read or written; the directory may be a link (a CI cache).
 */
import { lstatSync, readlinkSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { StateError } from '../domain/state-error.js'
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
