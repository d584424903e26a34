/** Bounds on the JSON read from files: damage is refused where read, not in recursive code after an append. */

/** How deeply arrays and objects may nest in `releases.json` (a record is at 3 levels). */
export const MAX_SNAPSHOT_DEPTH = 64

/**
 * How deeply they may nest in a log or checkpoint line: a snapshot's value travels up to 4 levels deeper in an event,
 * so every value a snapshot may hold can be recorded and read back.
 */
export const MAX_LINE_DEPTH = MAX_SNAPSHOT_DEPTH + 8

/**
 * The largest `releases.json`, in bytes: 256 MiB, about 570,000 deploys (100,000 make 45 MB). Its text is one string,
 * and V8 holds no string past 2^29 - 24 characters (512 MiB of ASCII).
 */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024

/** The longest line of an event that is not an import or a reconcile (a create, a phase update: under 10 KiB each). */
export const MAX_LOG_LINE_BYTES = 1024 * 1024

/** The longest line of an event that carries a whole `releases.json`: its records take about the file's room. */
export const MAX_SNAPSHOT_LINE_BYTES = 2 * MAX_SNAPSHOT_BYTES

/** The longest checkpoint line: one release (its stored form and facts), or the header. */
export const MAX_CHECKPOINT_LINE_BYTES = MAX_SNAPSHOT_LINE_BYTES

/** Where a text nests too deeply: the 1-based line of the bracket that goes past the limit. */
export interface TooDeep {
  readonly line: number
  readonly limit: number
}

/** Where arrays and objects in `text` nest past `limit`, or `undefined`: a loop, so no depth exhausts the stack. */
export const tooDeep = (text: string, limit: number): TooDeep | undefined => {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      // The closing quote is the first one after an even run of backslashes.
      let end = text.indexOf('"', i + 1)
      while (end !== -1) {
        let run = 0
        while (text.charCodeAt(end - 1 - run) === 92) run++
        if (run % 2 === 0) break
        end = text.indexOf('"', end + 1)
      }
      if (end === -1) return undefined // an unterminated string: JSON.parse words that
      i = end
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return { line: lineOf(text, i), limit }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return undefined
}

const lineOf = (text: string, offset: number): number => {
  let line = 1
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++
  return line
}

/** The problem, in words, for a message that names the file and line before it. */
export const tooDeepProblem = (found: TooDeep): string =>
  `arrays and objects nest more than ${found.limit} deep here, deeper than stagecraft-state reads (a ` +
  'limit that keeps a damaged or hostile file from exhausting its stack): flatten or remove that value'

/** The problem of a text of `bytes` bytes past `limit`, in words. */
export const tooLongProblem = (what: string, bytes: number, limit: number): string =>
  `${what} is ${bytes} bytes long, more than the ${limit} bytes stagecraft-state reads (a limit that ` +
  'keeps a damaged or hostile file from exhausting its memory)'
