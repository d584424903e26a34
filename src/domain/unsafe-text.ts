/**
 * Characters a new value may not hold, and how messages show them: controls a terminal obeys, bidi and zero-width
 * characters that make one name look like another, lone surrogates no UTF-8 can hold. New writes refuse them; stored
 * values are read as they are and shown escaped (src/cli/format/visible.ts has the same sets).
 */

/** Bidi controls: they reorder what follows them on screen (U+202E shows `dorp` as `prod`). */
export const BIDI_CONTROLS = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'
/** Characters that take no cell: `pro\u200bd` looks like `prod`. */
export const ZERO_WIDTH = '\u200b-\u200d\u2060\ufeff'
/** The line and paragraph separators, which some terminals and viewers break lines at. */
const SEPARATORS = '\u2028\u2029'
// Without the `u` flag a pattern sees UTF-16 units, so a lone surrogate is one unit with no partner.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const HIDDEN = new RegExp(`[${BIDI_CONTROLS}${ZERO_WIDTH}]`)
// What JSON.stringify leaves raw and a terminal obeys or hides (it escapes C0 and lone surrogates itself).
const RAW_IN_JSON = new RegExp(`[\u007f-\u009f${BIDI_CONTROLS}${ZERO_WIDTH}${SEPARATORS}]`, 'g')

/** JSON text with DEL, C1, bidi, zero-width and U+2028/2029 written as `\uXXXX`: the same values, all printable. */
export const terminalSafeJson = (json: string): string =>
  json.replace(RAW_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** A character found where it may not be: itself, and its position (1-based, in characters). */
export interface FoundCharacter {
  readonly character: string
  readonly position: number
}

const firstMatch = (pattern: RegExp, text: string): FoundCharacter | undefined => {
  const found = pattern.exec(text)
  return found === null ? undefined : { character: found[0], position: [...text.slice(0, found.index)].length + 1 }
}

/** The first lone surrogate of `text`, which UTF-8 (a file, PostgreSQL) cannot hold. */
export const firstLoneSurrogate = (text: string): FoundCharacter | undefined => firstMatch(LONE_SURROGATE, text)

/** The first bidi control or zero-width character of `text`: what makes a name pass for another. */
export const firstHiddenCharacter = (text: string): FoundCharacter | undefined => firstMatch(HIDDEN, text)

/** `U+202E`: how a message names a character. */
export const codePointName = (character: string): string =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
