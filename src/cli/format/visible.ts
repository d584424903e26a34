/**
 * Text that cannot attack a terminal: every value the CLI shows passes through `visible`, which escapes controls, bidi
 * and zero-width characters, separators and lone surrogates (an id holding ESC [2J cannot clear the screen, and
 * `pro\u200bd` does not pass for `prod`). The sets repeat src/domain/unsafe-text.ts so that --help loads nothing of the
 * library; test/cli/visible.test.ts checks that they agree.
 */

const BIDI_CONTROLS = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'
const ZERO_WIDTH = '\u200b-\u200d\u2060\ufeff'
const SEPARATORS = '\u2028\u2029'
// Without the `u` flag a pattern sees UTF-16 units, so a lone surrogate is one unit with no partner.
const LONE_SURROGATE = '[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]'
const UNSAFE = new RegExp(
  `[\u0000-\u001f\u007f-\u009f${BIDI_CONTROLS}${ZERO_WIDTH}${SEPARATORS}]|${LONE_SURROGATE}`,
  'g',
)
// CR too: JSON.stringify never writes one, but a top-level field kept as the file wrote it may hold one as whitespace.
const RAW_IN_JSON = new RegExp(`[\r\u007f-\u009f${BIDI_CONTROLS}${ZERO_WIDTH}${SEPARATORS}]`, 'g')

const SHORT: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' }

const hex = (unit: number, digits: number): string => unit.toString(16).padStart(digits, '0')

/** The escape of one unsafe character (`\t`, `\x1b`, `\u202e`), as Bash's `$'...'` reads it back. */
export const escapeCharacter = (character: string): string => {
  const unit = character.charCodeAt(0)
  return SHORT[character] ?? (unit < 0x80 ? `\\x${hex(unit, 2)}` : `\\u${hex(unit, 4)}`)
}

/**
 * `text` with every unsafe character escaped. A backslash is left as it is, so `visible(visible(t)) === visible(t)`,
 * and text escaped once passes the final check of a line unchanged.
 */
export const visible = (text: string): string => text.replace(UNSAFE, escapeCharacter)

/** Whether `visible` would change `text`. */
export const hasUnsafe = (text: string): boolean => text.search(UNSAFE) !== -1

/**
 * JSON text with what `JSON.stringify` leaves raw (DEL, C1 controls, bidi, zero-width, U+2028/2029, and a CR kept as
 * whitespace) written as `\uXXXX`: the same values when parsed.
 */
export const terminalSafeJson = (json: string): string =>
  json.replace(RAW_IN_JSON, (character) => `\\u${hex(character.charCodeAt(0), 4)}`)
