/**
 * Quoting for commands the CLI suggests (a rollback to record, a recovery to run), so that a
 * version or reason with blanks or quotes can be pasted into a POSIX shell as printed.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** One argument, quoted only when a shell would otherwise split or expand it. */
export const shellQuote = (argument: string): string => (SAFE.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`)

/** A whole command line. */
export const shellCommand = (words: ReadonlyArray<string>): string => words.map(shellQuote).join(' ')
