/**
 * Line numbers inside JSON text, for error messages that point at the place to fix.
 */

/** The 1-based line of a character offset. */
export const lineAt = (text: string, offset: number): number => {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/**
 * The line on which each element of the top-level `"releases"` array starts, in order. The text
 * must be valid JSON; only used to report errors, so a plain scan is enough.
 */
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
 * The offset of the first character that makes `text` invalid JSON (its end, for a text cut
 * short), for parser messages that give none. A prefix that stops before the fault only ever fails for ending too early, so the
 * shortest prefix that fails otherwise ends with the fault: found by bisection.
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
