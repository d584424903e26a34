/** How values appear in messages: quoted, every control character escaped, so a message cannot move the cursor. */
import { terminalSafeJson } from './unsafe-text.js'

const escapeControl = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`

/** Text from elsewhere (an error's message) with every control character escaped: one line, however many it quoted. */
export const withoutControls = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, escapeControl)

// JSON.stringify escapes C0 controls and lone surrogates; terminalSafeJson the rest (DEL, C1, bidi, zero-width).
/** A string as a JSON string literal with every control, bidi and zero-width character escaped: `"pr\u0085od"`. */
export const quote = (value: string): string => terminalSafeJson(JSON.stringify(value))

/** A name a caller gave, as it is when plain, else quoted with escapes: `prod`, `"pro\u200bd"`. */
export const named = (value: string): string => {
  const quoted = quote(value)
  return quoted === `"${value}"` ? value : quoted
}

/** Any value as JSON (or its name, when JSON has none), control characters escaped, cut at `limit` characters. */
export const showValue = (value: unknown, limit = 80): string => {
  if (value === undefined) return 'nothing'
  let text: string
  try {
    text = terminalSafeJson(JSON.stringify(value) ?? String(value))
  } catch {
    text = Object.prototype.toString.call(value) // a cycle, or a BigInt
  }
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text
}

/** What kind of value a caller passed instead of the one expected: `nothing`, `null`, `an array`, `number`, ... */
export const kindOf = (raw: unknown): string =>
  raw === undefined ? 'nothing' : raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw
