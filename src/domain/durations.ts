/** The median, 90th percentile and maximum of a set of durations, by nearest rank (an observed value, never a mean). */
import type { DurationSummary } from './deploy-stats.js'

/** The ⌈q·n⌉-th smallest of sorted values (q in (0, 1]). */
const nearestRank = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number

/** The summary of `durations` (not changed: sorted on a copy). */
export const summarize = (durations: ReadonlyArray<number>): DurationSummary => {
  if (durations.length === 0) return { count: 0, medianMs: null, p90Ms: null, maxMs: null }
  const sorted = Float64Array.from(durations).sort()
  const values = Array.from(sorted)
  return {
    count: values.length,
    medianMs: nearestRank(values, 0.5),
    p90Ms: nearestRank(values, 0.9),
    maxMs: values[values.length - 1] as number,
  }
}
