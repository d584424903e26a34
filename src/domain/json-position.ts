/** Line numbers inside JSON text, for error messages that point at the place to fix. */

/** The 1-based line of a character offset. */
export const lineAt = (text: string, offset: number): number => {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** The line on which each element of the top-level `"releases"` array starts, in a valid JSON text. */
export const releaseRecordLines = (text: string): ReadonlyArray<number> => {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let stringStart = 0
  let lastKeyAtDepth1 = ''
  let inReleases = false
  let expectElement = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') line++
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') {
        inString = false
        if (depth === 1) lastKeyAtDepth1 = JSON.parse(text.slice(stringStart, i + 1)) as string
      }
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue
    if (inReleases && depth === 2 && expectElement && c !== ']') {
      lines.push(line)
      expectElement = false
    }
    if (c === '"') {
      inString = true
      stringStart = i
    } else if (c === '{' || c === '[') {
      depth++
      if (depth === 2 && c === '[' && lastKeyAtDepth1 === 'releases') {
        inReleases = true
        expectElement = true
      }
    } else if (c === '}' || c === ']') {
      depth--
      if (depth === 1) inReleases = false
    } else if (c === ',' && inReleases && depth === 2) {
      expectElement = true
    }
  }
  return lines
}

const faultBefore = (text: string, length: number): boolean => {
  try {
    JSON.parse(text.slice(0, length))
    return false
  } catch (error) {
    const message = error instanceof Error ? error.message : ''
    if (message.includes('Unexpected end of JSON input')) return false
    const position = /position (\d+)/.exec(message)?.[1]
    return position === undefined || Number(position) < length
  }
}

/**
 * The offset of the first character that makes `text` invalid JSON, for parser messages that give none: the shortest
 * prefix that fails for another reason than ending early ends with the fault, found by bisection.
 */
export const jsonErrorOffset = (text: string): number | undefined => {
  try {
    JSON.parse(text)
    return undefined
  } catch {
    // invalid: find where
  }
  if (!faultBefore(text, text.length)) return text.length // it only ends too early: the fault is the end
  let low = 1
  let high = text.length
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    if (faultBefore(text, middle)) high = middle
    else low = middle + 1
  }
  return low - 1
}

/** A key that an object of a JSON text holds twice: where, and what. */
export interface DuplicateKey {
  readonly key: string
  /** The 1-based line of its second occurrence. */
  readonly line: number
  /** The object holding it, as a path from the top (`releases[3].phases`); empty for the top level. */
  readonly path: string
}

const SHORT_OBJECT = 16

/** The first key some object of valid JSON `text` holds twice (`JSON.parse` keeps the last), or `undefined`. */
export const firstDuplicateKey = (text: string): DuplicateKey | undefined => {
  const keys: string[] = []
  // Per open container, by depth: where its keys start in `keys` (-1: an array), its key set once long, its key.
  const starts: number[] = []
  const sets: Array<Set<string> | undefined> = []
  const current: string[] = []
  const index: number[] = []
  let depth = -1
  let line = 1
  const found = (key: string): DuplicateKey => {
    let path = ''
    for (let d = 0; d < depth; d++)
      path +=
        (starts[d] as number) < 0
          ? `[${index[d] as number}]`
          : path === ''
            ? (current[d] as string)
            : `.${current[d] as string}`
    return { key, line, path }
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      // The closing quote is the first one after an even run of backslashes.
      let end = text.indexOf('"', i + 1)
      for (let run = 0; text.charCodeAt(end - 1) === 92; run = 0) {
        while (text.charCodeAt(end - 1 - run) === 92) run++
        if (run % 2 === 0) break
        end = text.indexOf('"', end + 1)
      }
      let next = end + 1
      let after = text.charCodeAt(next)
      while (after === 32 || after === 10 || after === 9 || after === 13) {
        if (after === 10) line++
        after = text.charCodeAt(++next)
      }
      const start = starts[depth] ?? -1
      if (after === 58 /* : */ && start >= 0) {
        const raw = text.slice(i + 1, end)
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw
        const set = sets[depth]
        if (set !== undefined) {
          if (set.has(key)) return found(key)
          set.add(key)
        } else {
          for (let k = start; k < keys.length; k++) if (keys[k] === key) return found(key)
          keys.push(key)
          if (keys.length - start > SHORT_OBJECT) {
            sets[depth] = new Set(keys.slice(start))
            keys.length = start
          }
        }
        current[depth] = key
      }
      i = next - 1
    } else if (c === 10) line++
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++
      starts[depth] = c === 123 ? keys.length : -1
      sets[depth] = undefined
      index[depth] = 0
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      const start = starts[depth] as number
      if (start >= 0) keys.length = start
      sets[depth] = undefined
      depth--
    } else if (c === 44 /* , */) index[depth] = (index[depth] as number) + 1
  }
  return undefined
}
