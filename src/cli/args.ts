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

/** The index of the command name: the first argument that is neither an option nor an option's value. */
const commandIndex = (argv: ReadonlyArray<string>): number | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string
    if (token === '--') return i + 1 < argv.length ? i + 1 : undefined
    if (token.startsWith('--')) {
      if (!token.includes('=') && VALUE_OPTIONS.has(token.slice(2))) i++
    } else if (token.length === 2 && token.startsWith('-') && VALUE_SHORTS.has(token.slice(1))) i++
    else if (!(token.startsWith('-') && token.length > 1)) return i
  }
  return undefined
}

const quoted = (message: string): string => /'(-[^' ]+)/.exec(message)?.[1] ?? '?'

const parseArgsProblem = (error: unknown, command: string | undefined): UsageError => {
  const code = (error as { code?: string }).code
  const message = error instanceof Error ? error.message : String(error)
  const option = quoted(message)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return usageError(`unknown option ${option}`, command)
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
        spec.short === undefined ? { type: spec.type } : { type: spec.type, short: spec.short },
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
      if (token.kind !== 'option' || options[token.name]?.type === 'boolean') continue
      if (seen.has(token.name)) return E.left(usageError(`--${token.name} is given more than once`, command))
      seen.add(token.name)
    }
    return E.right({ values: values as ParsedArgs['values'], positionals })
  } catch (error) {
    return E.left(parseArgsProblem(error, command))
  }
}

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] as number
}

const unknownCommand = (name: string): UsageError => {
  const near = COMMANDS.map((command) => command.name).filter(
    (candidate) => distance(name, candidate) <= 2 || candidate.startsWith(name),
  )
  return usageError(
    `unknown command ${JSON.stringify(name)}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''}`,
  )
}

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
