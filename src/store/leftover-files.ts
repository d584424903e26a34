/**
 * Removing what a killed process left beside the store's files: the temporary file of a replacement. Each caller says
 * which names are such leftovers.
 */
import { readdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Removes the files of `directory` that `isLeftover` picks (by name and path; it may throw for a file gone meanwhile,
 * which is then skipped). Returns the paths removed.
 */
export const removeLeftovers = (
  directory: string,
  isLeftover: (name: string, path: string) => boolean,
): ReadonlyArray<string> => {
  let names: string[]
  try {
    names = readdirSync(directory)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const path = join(directory, name)
    try {
      if (!isLeftover(name, path)) continue
      unlinkSync(path)
      removed.push(path)
    } catch {
      // removed meanwhile
    }
  }
  return removed
}
