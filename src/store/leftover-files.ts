/** Removing the temporary files a killed process left beside the store's files; each caller says which names. */
import { readdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'

/** Removes the files of `directory` that `isLeftover` picks (one gone meanwhile is skipped); returns their paths. */
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
