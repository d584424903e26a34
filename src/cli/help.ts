/** The help texts, generated from the command table so they cannot drift, wrapped to the terminal (80 on a pipe). */
import type { Command, OptionTable } from './command.js'
import { COMMANDS } from './commands/index.js'
import type { Style } from './format/style.js'
import { displayWidth, renderTable } from './format/table.js'
import { GLOBAL_OPTIONS, VERSION_OPTION } from './globals.js'

/** The width help is wrapped to when the output is not a terminal that says its own. */
export const DEFAULT_HELP_WIDTH = 80

// Narrower than this, wrapping would only make the help harder to read.
const MIN_TEXT_WIDTH = 24

/** A word wider than the line, in pieces: after a `/`, `?`, `&`, `=` or `@` where one fits (a URL), else at the end. */
const pieces = (word: string, width: number): string[] => {
  const parts: string[] = []
  let rest = [...word]
  while (displayWidth(rest.join('')) > width) {
    let cut = 1
    while (cut < rest.length && displayWidth(rest.slice(0, cut + 1).join('')) <= width) cut++
    const at = rest.slice(0, cut).findLastIndex((character) => '/?&=@'.includes(character))
    const end = at > 0 ? at + 1 : cut
    parts.push(rest.slice(0, end).join(''))
    rest = rest.slice(end)
  }
  return [...parts, rest.join('')]
}

/** Breaks a paragraph into lines of at most `width` cells, at blanks (inside a word only when wider than a line). */
export const wrap = (text: string, width = DEFAULT_HELP_WIDTH): string[] => {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).flatMap((w) => (w === '' ? [] : pieces(w, width)))) {
    if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  return line === '' ? lines : [...lines, line]
}

/** The words of a synopsis, a bracketed or parenthesised group counting as one: `[--note TEXT]`. */
const synopsisWords = (synopsis: string): string[] => {
  const words: string[] = []
  let depth = 0
  for (const word of synopsis.split(' ').filter((w) => w !== '')) {
    if (depth > 0) words[words.length - 1] += ` ${word}`
    else words.push(word)
    depth += (word.match(/[[(]/g)?.length ?? 0) - (word.match(/[\])]/g)?.length ?? 0)
  }
  return words
}

/** The usage line, continued on lines indented by four, breaking between options, not inside one. */
const usageLines = (command: Command, width: number): string[] => {
  const lines = [`Usage: stagecraft-state ${command.name}`]
  for (const word of [...synopsisWords(command.synopsis), '[global options]']) {
    const last = lines[lines.length - 1] as string
    if (displayWidth(last) + 1 + displayWidth(word) <= width) lines[lines.length - 1] = `${last} ${word}`
    else lines.push(...wrap(word, width - 4).map((part) => `    ${part}`))
  }
  return lines
}

/** Two columns, indented by two: a term, and its text wrapped to what the width leaves, under itself. */
const termRows = (rows: ReadonlyArray<readonly [string, string]>, style: Style, width: number): string[] => {
  const termWidth = Math.max(0, ...rows.map(([term]) => displayWidth(term)))
  const textWidth = Math.max(MIN_TEXT_WIDTH, width - 2 - termWidth - 2)
  return renderTable(
    undefined,
    rows.flatMap(([term, text]) => wrap(text, textWidth).map((line, i) => ['', i === 0 ? term : '', line])),
    style,
  )
}

const optionTerm = (name: string, spec: OptionTable[string]): string =>
  `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`

const optionRows = (table: OptionTable, style: Style, width: number): string[] =>
  termRows(
    Object.entries(table).map(([name, spec]) => [optionTerm(name, spec), spec.help] as const),
    style,
    width,
  )

const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['STAGECRAFT_STATE_FILE', 'the state file, when --state-file is not given'],
  ['STAGECRAFT_STATE_URL', 'a postgres:// URL: the PostgreSQL store, when --store is not given'],
  ['STAGECRAFT_ACTOR', 'who records the events, when --actor is not given'],
  ['NO_COLOR', 'set and not empty: never colour the output'],
  ['FORCE_COLOR', 'set to anything but empty, 0 or false: colour even on a pipe (NO_COLOR still wins)'],
  ['STAGECRAFT_DEBUG', 'print stack traces with errors'],
]

const EXIT_CODES: ReadonlyArray<readonly [string, string]> = [
  ['0', 'success'],
  [
    '1',
    'the operation failed (not found, invalid transition, corrupt state, drift, lock timeout, verify found problems)',
  ],
  ['2', 'usage error (unknown command or option, missing argument, malformed value)'],
]

/** `stagecraft-state --help`, wrapped to `width` columns. */
export const generalHelp = (style: Style, width = DEFAULT_HELP_WIDTH): string[] => [
  ...wrap(
    "stagecraft-state: operate, inspect and audit Stagecraft's release history (an append-only event log, " +
      'with releases.json as its projection)',
    width,
  ).map((line, i) => (i === 0 ? `${style.bold('stagecraft-state')}${line.slice('stagecraft-state'.length)}` : line)),
  '',
  `Usage: stagecraft-state <command> [options]`,
  '',
  'Commands:',
  ...termRows(
    [
      ...COMMANDS.map((command) => [command.name, command.summary] as const),
      ['help', 'Show the help of a command (same as COMMAND --help)'],
    ],
    style,
    width,
  ),
  '',
  'Global options (before or after the command):',
  ...optionRows({ ...GLOBAL_OPTIONS, ...VERSION_OPTION }, style, width),
  '',
  'Environment:',
  ...termRows(ENVIRONMENT, style, width),
  '',
  'Exit codes:',
  ...termRows(EXIT_CODES, style, width),
  '',
  ...wrap(
    'Run "stagecraft-state COMMAND --help" for the options of a command; docs/cli.md has the whole manual.',
    width,
  ),
]

/** `stagecraft-state COMMAND --help`, wrapped to `width` columns. */
export const commandHelp = (command: Command, style: Style, width = DEFAULT_HELP_WIDTH): string[] => [
  ...usageLines(command, width),
  '',
  style.bold(`${command.summary}.`),
  '',
  ...wrap(command.description, width),
  ...(command.options === undefined ? [] : ['', 'Options:', ...optionRows(command.options, style, width)]),
  '',
  'Global options:',
  ...optionRows(GLOBAL_OPTIONS, style, width),
  ...(command.examples === undefined ? [] : ['', 'Examples:', ...command.examples.map((example) => `  ${example}`)]),
  '',
  'Exit codes: 0 success, 1 the operation failed, 2 usage error.',
]
