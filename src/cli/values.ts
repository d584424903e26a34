/** Option values beyond strings (durations, instants, counts); a refusal names the option and the value. */
import * as E from 'fp-ts/lib/Either.js'
import { compareInstants, parseInstant } from '../internals.js'
import { type UsageError, usageError } from './usage.js'

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/** A duration such as `90s`, `1.5h`, `2d` or `0`, in ms; a bare "30" is refused (seconds, or minutes?). */
export const parseDuration = (option: string, raw: string, command?: string): E.Either<UsageError, number> => {
  const text = raw.trim()
  if (text === '0') return E.right(0)
  const match = DURATION.exec(text)
  if (match === null)
    return E.left(
      usageError(
        `--${option} ${JSON.stringify(raw)} is not a duration; give a number and a unit: 500ms, 30s, 15m, 2h, 1d`,
        command,
      ),
    )
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number)
  return Number.isSafeInteger(Math.round(ms))
    ? E.right(Math.round(ms))
    : E.left(usageError(`--${option} ${JSON.stringify(raw)} is too long`, command))
}

/** A positive whole number, such as a `--limit`. */
export const parsePositiveInteger = (option: string, raw: string, command?: string): E.Either<UsageError, number> => {
  const text = raw.trim()
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  return Number.isSafeInteger(value) && value > 0
    ? E.right(value)
    : E.left(usageError(`--${option} ${JSON.stringify(raw)} is not a whole number of 1 or more`, command))
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
// RFC 3339 (section 5.6) lets the T and the Z be lowercase; the domain parses them uppercase.
const LOWERCASE_LETTERS = /(^\d{4}-\d{2}-\d{2}t)|(z$)/

/** An RFC 3339 timestamp as the domain takes it: `t` and `z` uppercased. */
const timestampOf = (text: string): string | undefined => {
  const upper = LOWERCASE_LETTERS.test(text) ? text.toUpperCase() : text
  return parseInstant(upper) === undefined ? undefined : upper
}

/** An instant for `--since`, `--until` or `--at`: RFC 3339, a date, or a duration ago (`2h`), as RFC 3339. */
export const parseInstantOption = (
  option: string,
  raw: string,
  now: Date,
  command?: string,
): E.Either<UsageError, string> => {
  const text = raw.trim()
  const timestamp = timestampOf(text)
  if (timestamp !== undefined) return E.right(timestamp)
  if (DATE_ONLY.test(text) && parseInstant(`${text}T00:00:00Z`) !== undefined) return E.right(`${text}T00:00:00Z`)
  if (DURATION.test(text)) {
    return E.map((ms: number) => new Date(now.getTime() - ms).toISOString())(parseDuration(option, text, command))
  }
  return E.left(
    usageError(
      `--${option} ${JSON.stringify(raw)} is not a time; give an RFC 3339 timestamp ` +
        '(2025-01-01T14:02:00Z), a date (2025-01-01) or a duration ago (2h)',
      command,
    ),
  )
}

/** A `--since`/`--until` range, refused when empty: that is a mistake (the two swapped), not an empty question. */
export const checkTimeRange = <R extends { readonly since?: string | undefined; readonly until?: string | undefined }>(
  range: R,
  command?: string,
): E.Either<UsageError, R> => {
  const since = range.since === undefined ? undefined : parseInstant(range.since)
  const until = range.until === undefined ? undefined : parseInstant(range.until)
  return since !== undefined && until !== undefined && compareInstants(since, until) > 0
    ? E.left(
        usageError(
          `--since ${range.since ?? ''} is later than --until ${range.until ?? ''}: no event can match ` +
            '(are they swapped?)',
          command,
        ),
      )
    : E.right(range)
}
