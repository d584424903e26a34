/**
 * What a directory holds, down to the last byte and time stamp: to show that an operation left it
 * exactly as it was (no file added or removed, none rewritten, not even a lock file made and
 * removed again, which would change the directory's own time stamp).
 */
import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One entry: its path below the root, its kind, and for a file its size and a hash of its bytes. */
export interface TreeEntry {
  readonly path: string
  readonly kind: 'file' | 'directory' | 'other'
  readonly mtimeNs: bigint
  readonly bytes?: string
}

/** Every entry below `root` (the root itself included), or none when it does not exist. */
export const treeOf = (root: string): ReadonlyArray<TreeEntry> => {
  const entries: TreeEntry[] = []
  const walk = (path: string, relative: string): void => {
    const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false })
    if (stat === undefined) return
    if (stat.isDirectory()) {
      entries.push({ path: relative, kind: 'directory', mtimeNs: stat.mtimeNs })
      for (const name of readdirSync(path).sort()) walk(join(path, name), join(relative, name))
    } else if (stat.isFile()) {
      entries.push({
        path: relative,
        kind: 'file',
        mtimeNs: stat.mtimeNs,
        bytes: `${stat.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`,
      })
    } else entries.push({ path: relative, kind: 'other', mtimeNs: stat.mtimeNs })
  }
  walk(root, '.')
  return entries
}
