/**
 * The help texts, generated from the command table so they cannot drift from what is parsed.
 */
import type { Command, OptionTable } from './command.js'
import { COMMANDS } from './commands/index.js'
import type { Style } from './format/style.js'
import { renderTable } from './format/table.js'
import { GLOBAL_OPTIONS, VERSION_OPTION } from './globals.js'

const optionRows = (table: OptionTable, style: Style): string[] =>
  renderTable(
    undefined,
    Object.entries(table).map(([name, spec]) => ['', `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`, spec.help]),
    style,
  )

const ENVIRONMENT = [
  '  STAGECRAFT_STATE_FILE  the state file, when --state-file is not given',
  '  STAGECRAFT_STATE_URL   a postgres:// URL: the PostgreSQL store, when --store is not given',
  '  STAGECRAFT_ACTOR       who records the events, when --actor is not given',
  '  NO_COLOR               never colour the output (FORCE_COLOR colours it on a pipe)',
  '  STAGECRAFT_DEBUG       print stack traces with errors',
]

const EXIT_CODES = ['  0  success', '  1  the operation failed (not found, invalid transition, corrupt state, drift, lock timeout, verify found problems)', '  2  usage error (unknown command or option, missing argument, malformed value)']

/** Breaks a paragraph into lines of at most `width` characters, at blanks. */
export const wrap = (text: string, width = 100): string[] => {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  return line === '' ? lines : [...lines, line]
}

/** `stagecraft-state --help`. */
export const generalHelp = (style: Style): string[] => [
  `${style.bold('stagecraft-state')}: operate, inspect and audit Stagecraft's release history`,
  '(an append-only event log, with releases.json as its projection)',
  '',
  `Usage: stagecraft-state <command> [options]`,
  '',
  'Commands:',
  ...renderTable(undefined, [...COMMANDS.map((command) => ['', command.name, command.summary]), ['', 'help', 'Show the help of a command (same as COMMAND --help)']], style),
  '',
  'Global options (before or after the command):',
  ...optionRows({ ...GLOBAL_OPTIONS, ...VERSION_OPTION }, style),
  '',
  'Environment:',
  ...ENVIRONMENT,
  '',
  'Exit codes:',
  ...EXIT_CODES,
  '',
  'Run "stagecraft-state COMMAND --help" for the options of a command; docs/cli.md has the whole manual.',
]

/** `stagecraft-state COMMAND --help`. */
export const commandHelp = (command: Command, style: Style): string[] => [
  `Usage: stagecraft-state ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`} [global options]`,
  '',
  `${style.bold(command.summary)}.`,
  ...wrap(command.description),
  ...(command.options === undefined ? [] : ['', 'Options:', ...optionRows(command.options, style)]),
  '',
  'Global options:',
  ...optionRows(GLOBAL_OPTIONS, style),
  ...(command.examples === undefined ? [] : ['', 'Examples:', ...command.examples.map((example) => `  ${example}`)]),
  '',
  'Exit codes: 0 success, 1 the operation failed, 2 usage error.',
]
