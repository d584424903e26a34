/** "Did you mean ...?" for a mistyped command, option, phase or status: the names within a small edit distance. */

/** The edit distance of two strings: insertions, deletions, substitutions and swaps of two neighbours, one each. */
export const editDistance = (a: string, b: string): number => {
  // Rows i-2, i-1 and i of the table of distances between prefixes of a and b (optimal string alignment).
  let before: number[] = []
  let above = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] as number) + 1)
      row.push(best)
    }
    before = above
    above = row
  }
  return above[b.length] as number
}

// One edit per four characters, at least one: "lsit" is list, but "deploy" is not replay (two edits in six).
const tolerance = (name: string): number => Math.max(1, Math.floor(name.length / 4))

/**
 * The candidates near `name`: those it begins (`hist` for history), if any, as the clearest sign of what was meant;
 * else those within a small edit distance, closest first.
 */
export const nearest = (name: string, candidates: ReadonlyArray<string>): ReadonlyArray<string> => {
  const lower = name.toLowerCase()
  const begun = candidates.filter((candidate) => lower.length >= 2 && candidate.toLowerCase().startsWith(lower))
  if (begun.length > 0) return begun
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= tolerance(name))
    .sort((a, b) => a.distance - b.distance)
    .map(({ candidate }) => candidate)
}

/** `; did you mean build?` (or `build or push?`, at most three), or nothing when no candidate is near. */
export const didYouMean = (name: string, candidates: ReadonlyArray<string>): string => {
  const near = nearest(name, candidates).slice(0, 3)
  return near.length === 0 ? '' : `; did you mean ${near.join(' or ')}?`
}
