/**
 * Text that cannot attack a terminal. Every value the CLI shows a person passes through `visible`: C0 and C1 controls,
 * DEL, bidi controls, zero-width characters, U+2028/2029 and lone surrogates become escapes (`\x1b`, `\r`, `\u202e`,
 * `\ud800`), so an imported id holding ESC [2J or OSC 0 cannot clear the screen or retitle the window, CR LF cannot
 * forge a table row, and `pro\u200bd` does not pass for `prod`.
 *
 * The sets are the domain's (src/domain/unsafe-text.ts), written again here because --help and a usage error load
 * nothing of the library (docs/performance.md, "Fast start"); test/cli/visible.test.ts checks that the two agree on
 * every UTF-16 unit.
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

/**
 * The escape of one unsafe character: `\t`, `\n`, `\r`; `\x1b` for the other C0 controls and DEL; `\u009b`, `\u202e`,
 * `\ud800` for the rest. Bash's `$'...'` reads each back as the character.
 */
export const escapeCharacter = (character: string): string => {
  const unit = character.charCodeAt(0)
  return SHORT[character] ?? (unit < 0x80 ? `\\x${hex(unit, 2)}` : `\\u${hex(unit, 4)}`)
}

/**
 * `text` with every unsafe character escaped. A backslash is left as it is, so nothing in the result is unsafe:
 * `visible(visible(t)) === visible(t)`, and text escaped once (a table's cell, a quoted value in a message) passes the
 * final check of a line unchanged.
 */
export const visible = (text: string): string => text.replace(UNSAFE, escapeCharacter)

/** Whether `visible` would change `text`. */
export const hasUnsafe = (text: string): boolean => text.search(UNSAFE) !== -1

/**
 * JSON text (as `JSON.stringify` writes it, which escapes C0 controls and lone surrogates) with what it leaves raw
 * written as `\uXXXX`: DEL, the C1 controls (U+009B is a CSI), bidi controls, zero-width characters, U+2028/2029. The
 * same values, parsed; only printable text on a screen. A raw CR (only in text kept as a file wrote it, where it is
 * whitespace) is shown as `\u000d` too.
 */
export const terminalSafeJson = (json: string): string =>
  json.replace(RAW_IN_JSON, (character) => `\\u${hex(character.charCodeAt(0), 4)}`)
