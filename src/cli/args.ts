/**
 * The command line, parsed with `util.parseArgs` in two passes, because `--version` is the program's before a command
 * and the release's after `create`: the first finds the command name, the second parses the rest with exactly that
 * command's options, so another command's option is an error.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import type { Command, OptionTable, ParsedArgs } from './command.js'
import { COMMANDS, commandNamed } from './commands/index.js'
import * as E from './either.js'
import { GLOBAL_OPTIONS, type Globals, globalsOf, VERSION_OPTION } from './globals.js'
import { didYouMean } from './suggest.js'
import { type UsageError, usageError } from './usage.js'

/** What the command line asks for. */
export type Invocation =
  | { readonly kind: 'help'; readonly command?: Command | undefined }
  | { readonly kind: 'version'; readonly json: boolean }
  | { readonly kind: 'run'; readonly command: Command; readonly args: ParsedArgs; readonly globals: Globals }

// Before the command name, the option tables of all commands say which options take a value.
const VALUE_SPECS = [GLOBAL_OPTIONS, ...COMMANDS.map((command) => command.options ?? {})].flatMap((table) =>
  Object.entries(table).filter(([name, spec]) => spec.type === 'string' && name !== 'version'),
)
const VALUE_OPTIONS: ReadonlySet<string> = new Set(VALUE_SPECS.map(([name]) => name))
const VALUE_SHORTS: ReadonlySet<string> = new Set(VALUE_SPECS.flatMap(([, spec]) => spec.short ?? []))

// In a group of short options (`-qe prod`), the first taking a value takes the rest or the next.

const takesNext = (token: string): boolean => {
  if (token.startsWith('--')) return !token.includes('=') && VALUE_OPTIONS.has(token.slice(2))
  const at = [...token.slice(1)].findIndex((letter) => VALUE_SHORTS.has(letter))
  return at !== -1 && at === token.length - 2
}

/** The index of the command name: the first argument that is neither an option nor an option's value. */
const commandIndex = (argv: ReadonlyArray<string>): number | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string
    if (token === '--') return i + 1 < argv.length ? i + 1 : undefined
    if (!(token.startsWith('-') && token.length > 1)) return i
    if (takesNext(token)) i++
  }
  return undefined
}

// "Option '-e, --env <value>' argument missing" names the long option after the short one.
const quoted = (message: string): string => /'(?:-[^-' ], )?(-[^' ]+)/.exec(message)?.[1] ?? '?'

/** An unknown option, with the options of this command it may be a typo of, or the commands that take it. */
const unknownOption = (option: string, options: OptionTable, command: string | undefined): UsageError => {
  const names = Object.keys(options).map((name) => `--${name}`)
  const near = option.startsWith('--') ? didYouMean(option, names) : ''
  const elsewhere = COMMANDS.filter((other) => other.options?.[option.slice(2)] !== undefined).map((c) => c.name)
  const owners =
    near === '' && option.startsWith('--') && elsewhere.length > 0 ? ` (an option of ${elsewhere.join(', ')})` : ''
  return usageError(`unknown option ${option}${owners}${near}`, command)
}

const parseArgsProblem = (error: unknown, options: OptionTable, command: string | undefined): UsageError => {
  const code = (error as { code?: string }).code
  const message = error instanceof Error ? error.message : String(error)
  const option = quoted(message)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownOption(option, options, command)
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return usageError(`unexpected argument ${JSON.stringify(/'([^']*)'/.exec(message)?.[1] ?? '')}`, command)
  if (/argument missing/.test(message)) return usageError(`${option} needs a value`, command)
  if (/does not take an argument/.test(message)) return usageError(`${option} takes no value`, command)
  if (/ambiguous/.test(message))
    return usageError(`${option} needs a value; to give one that starts with "-", write ${option}=VALUE`, command)
  return usageError(message, command)
}

const parse = (
  argv: ReadonlyArray<string>,
  options: OptionTable,
  allowPositionals: boolean,
  command: string | undefined,
): E.Either<UsageError, ParsedArgs> => {
  try {
    const config: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [
        name,
        {
          type: spec.type,
          ...(spec.short === undefined ? {} : { short: spec.short }),
          ...(spec.multiple === true ? { multiple: true } : {}),
        },
      ]),
    )
    const { values, positionals, tokens } = parseArgs({
      args: [...argv],
      options: config,
      allowPositionals,
      strict: true,
      tokens: true,
    })
    // A value given twice is ambiguous; a flag given twice (a script building its line in pieces) asks the same.
    const seen = new Set<string>()
    for (const token of tokens) {
      if (token.kind !== 'option') continue
      const spec = options[token.name]
      if (spec?.type === 'boolean' || spec?.multiple === true) continue
      if (seen.has(token.name)) return E.left(usageError(`--${token.name} is given more than once`, command))
      seen.add(token.name)
    }
    return E.right({ values: values as ParsedArgs['values'], positionals })
  } catch (error) {
    return E.left(parseArgsProblem(error, options, command))
  }
}

const unknownCommand = (name: string): UsageError =>
  usageError(`unknown command ${JSON.stringify(name)}${didYouMean(name, [...COMMANDS.map((c) => c.name), 'help'])}`)

// --help wins over every other mistake on the line: whoever asks for help gets it.
const asksForHelp = (argv: ReadonlyArray<string>): boolean => {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some((token) => token === '--help' || token === '-h')
}

/** What the command line asks for, or the usage error in it. */
export const parseCommandLine = (argv: ReadonlyArray<string>): E.Either<UsageError, Invocation> => {
  const index = commandIndex(argv)
  if (index === undefined) {
    if (asksForHelp(argv)) return E.right({ kind: 'help' })
    const parsed = parse(argv, { ...GLOBAL_OPTIONS, ...VERSION_OPTION }, false, undefined)
    if (E.isLeft(parsed)) return parsed
    if (parsed.right.values['version'] === true)
      return E.right({ kind: 'version', json: parsed.right.values['json'] === true })
    return E.left(usageError(`missing a command (one of ${COMMANDS.map((command) => command.name).join(', ')})`))
  }
  const name = argv[index] as string
  const rest = [...argv.slice(0, index), ...argv.slice(index + 1)].filter(
    (token, i) => !(token === '--' && i === index - 1),
  )
  if (name === 'help') {
    const topic = rest.find((token) => !token.startsWith('-'))
    if (topic === undefined) return E.right({ kind: 'help' })
    const command = commandNamed(topic)
    return command === undefined ? E.left(unknownCommand(topic)) : E.right({ kind: 'help', command })
  }
  const command = commandNamed(name)
  if (command === undefined) return E.left(unknownCommand(name))
  if (asksForHelp(rest)) return E.right({ kind: 'help', command })
  const parsed = parse(rest, { ...GLOBAL_OPTIONS, ...command.options }, true, command.name)
  if (E.isLeft(parsed)) return parsed
  const expected = command.positionals ?? []
  const { positionals } = parsed.right
  if (positionals.length < expected.length)
    return E.left(usageError(`missing ${expected.slice(positionals.length).join(' ')}`, command.name))
  if (positionals.length > expected.length)
    return E.left(usageError(`unexpected argument ${JSON.stringify(positionals[expected.length])}`, command.name))
  return E.right({ kind: 'run', command, args: parsed.right, globals: globalsOf(parsed.right) })
}
