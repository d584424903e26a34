/** Durations as people read them, one way everywhere (the CLI, the report, verify's messages). */

/** A span of time in its two largest units: `45s`, `12m`, `3h 5m`, `2d 4h` (the sign dropped). */
export const formatSpan = (ms: number): string => {
  const seconds = Math.floor(Math.abs(ms) / 1000)
  const [d, h, m, s] = [
    Math.floor(seconds / 86_400),
    Math.floor(seconds / 3600) % 24,
    Math.floor(seconds / 60) % 60,
    seconds % 60,
  ]
  const parts =
    d > 0
      ? [`${d}d`, h > 0 ? `${h}h` : '']
      : h > 0
        ? [`${h}h`, m > 0 ? `${m}m` : '']
        : m > 0
          ? [`${m}m`, s > 0 ? `${s}s` : '']
          : [`${s}s`]
  return parts.filter((part) => part !== '').join(' ')
}

/** A measured duration: milliseconds under a second (`420ms`), else {@link formatSpan} (`3m 5s`). */
export const formatDuration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)}ms` : formatSpan(ms))
