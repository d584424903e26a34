/** Quoting for the commands the CLI suggests, so that they paste into a POSIX shell as printed. */
import { hasUnsafe, visible } from './format/visible.js'

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

// An id holding ESC or CR is printed escaped, in bash's $'...' (zsh and ksh read it too), which turns each escape back
// into the character: pasted, the command names the release it should.
const ansiC = (argument: string): string => `$'${visible(argument.replace(/[\\']/g, (c) => `\\${c}`))}'`

/** One argument, quoted only when a shell would otherwise split or expand it. */
export const shellQuote = (argument: string): string =>
  SAFE.test(argument) ? argument : hasUnsafe(argument) ? ansiC(argument) : `'${argument.replaceAll("'", `'\\''`)}'`

/** A whole command line. */
export const shellCommand = (words: ReadonlyArray<string>): string => words.map(shellQuote).join(' ')
