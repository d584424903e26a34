/** A state file under a path part that is a file: names the culprit and the fix, before anything opens. */
import { type Stats, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { StateError } from '../index.js'

/** What `path` is, when it can be told: a missing path, or one under a file, is `undefined`. */
const statOf = (path: string): Stats | 'unknown' | undefined => {
  try {
    return statSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // Missing, or under something that is not a directory: look further up.
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : 'unknown'
  }
}

/** `IO_ERROR` naming the part of the state file's path that is not a directory, if one is. */
export const stateFileBlocked = (stateFile: string, cwd: string): StateError | undefined => {
  const path = resolve(cwd, stateFile)
  for (let directory = dirname(path); ; directory = dirname(directory)) {
    const stats = statOf(directory)
    // A directory (all is well), or something the store will report better than a guess here.
    if (stats === 'unknown' || stats?.isDirectory() === true) return undefined
    if (stats !== undefined) {
      return new StateError(
        'IO_ERROR',
        `${directory} is not a directory, so the state file ${path} cannot be kept under it; choose ` +
          'another --state-file (or STAGECRAFT_STATE_FILE)',
      )
    }
    if (dirname(directory) === directory) return undefined
  }
}
