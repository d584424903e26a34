/** What a command is: its name, its help, how its arguments parse into a typed input, and what it does. */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { StateManager, StateManagerOptions } from '../index.js'
import type { OnProgress } from '../internals.js'
import type { Output } from './output.js'
import { type ExitCode, type UsageError, usageError } from './usage.js'

/** One option as `util.parseArgs` takes it, with what the help says about it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly short?: string
  /** The placeholder of its value in the help (`E`, `PATH`). */
  readonly value?: string
  readonly help: string
  /** A string option that may be given more than once (`--trust A --trust B`): its value is then a list. */
  readonly multiple?: true
}

/** Options by long name. */
export type OptionTable = Readonly<Record<string, OptionSpec>>

/** A command line after `util.parseArgs`: option values by long name, and the positionals. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | ReadonlyArray<string> | undefined>>
  readonly positionals: ReadonlyArray<string>
}

/** What a running command is given. */
export interface CommandContext {
  readonly manager: StateManager
  readonly out: Output
  readonly now: () => Date
  readonly cwd?: string | undefined
  readonly lockTimeoutMs?: number | undefined
  /** Told how far long work has got (a progress line on a terminal). */
  readonly onProgress?: OnProgress | undefined
}

/** The name of every command: the command table and the implementations are both typed by it. */
export type CommandName =
  | 'create'
  | 'phase'
  | 'show'
  | 'diff'
  | 'current'
  | 'list'
  | 'history'
  | 'replay'
  | 'verify'
  | 'rollback-target'
  | 'recover'
  | 'import'
  | 'reconcile'
  | 'migrate'
  | 'completion'
  | 'stats'
  | 'report'
  | 'keygen'
  | 'seal'

/** A command as the help shows it: plain data, so that parsing and help load nothing else. */
export interface Command {
  readonly name: CommandName
  readonly summary: string
  readonly synopsis: string
  readonly description: string
  /** The names of its positional arguments, all required, in order. */
  readonly positionals?: ReadonlyArray<string>
  readonly options?: OptionTable
  readonly examples?: ReadonlyArray<string>
}

/** What a command does, typed by the input its arguments parse into. */
export interface CommandSpec<I> {
  readonly parse: (args: ParsedArgs, now: Date) => E.Either<UsageError, I>
  /** Options of the state manager this input asks for (such as the abandoned threshold). */
  readonly managerOptions?: (input: I) => Partial<StateManagerOptions>
  /** It opens the stores it works on itself (migrate): no default store is chosen, checked or named. */
  readonly ownStores?: boolean
  readonly run: (input: I, context: CommandContext) => Promise<ExitCode>
}

/** A command whose arguments are parsed and which is ready to run. */
export interface PreparedCommand {
  readonly managerOptions: Partial<StateManagerOptions>
  readonly run: (context: CommandContext) => Promise<ExitCode>
}

/** What a command does, with its input type hidden, so that all commands fit one table. */
export interface CommandImplementation {
  readonly prepare: (args: ParsedArgs, now: Date) => E.Either<UsageError, PreparedCommand>
  readonly ownStores: boolean
}

/** Hides a command's input type behind `prepare`. */
export const defineCommand = <I>({ parse, managerOptions, ownStores, run }: CommandSpec<I>): CommandImplementation => ({
  ownStores: ownStores === true,
  prepare: (args, now) =>
    pipe(
      parse(args, now),
      E.map((input) => ({
        managerOptions: managerOptions?.(input) ?? {},
        run: (context: CommandContext) => run(input, context),
      })),
    ),
})

/** The value of a string option, if given. */
export const stringOption = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name]
  return typeof value === 'string' ? value : undefined
}

/** The value of a string option the command cannot do without. */
export const requiredOption = (
  args: ParsedArgs,
  name: string,
  command: string,
  placeholder: string,
): E.Either<UsageError, string> => {
  const value = stringOption(args, name)
  return value === undefined ? E.left(usageError(`missing --${name} ${placeholder}`, command)) : E.right(value)
}

/** The values of an option given any number of times (`multiple`), in order. */
export const listOption = (args: ParsedArgs, name: string): ReadonlyArray<string> => {
  const value = args.values[name]
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
}

/** Whether a boolean option was given. */
export const flag = (args: ParsedArgs, name: string): boolean => args.values[name] === true

/** The value of an optional string option, parsed. */
export const optionalWith = <A>(
  args: ParsedArgs,
  name: string,
  parse: (raw: string) => E.Either<UsageError, A>,
): E.Either<UsageError, A | undefined> => {
  const raw = stringOption(args, name)
  return raw === undefined ? E.right(undefined) : parse(raw)
}
