/**
 * `stagecraft-state completion bash|zsh|fish`: a completion script generated from the command and option tables, so it
 * cannot drift from them. The scripts complete commands, options and the values the CLI knows (phases, statuses,
 * shells, file paths); not release ids or environments, which would run the CLI on every Tab.
 */
import type { OptionTable } from './command.js'
import { COMMANDS } from './commands/index.js'
import { GLOBAL_OPTIONS, VERSION_OPTION } from './globals.js'
import { bashScript, fishScript, zshScript } from './completion-scripts.js'

/** The shells a script is generated for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

/** One option as a script offers it. */
export interface CompletionOption {
  readonly name: string
  readonly short: string | undefined
  readonly takesValue: boolean
  /** Its value is a path (a state file, a store): the shell completes file names. */
  readonly path: boolean
  readonly help: string
}

/** A command as a script completes it: its options, and the values each positional takes (empty: anything). */
export interface CompletionCommand {
  readonly name: string
  readonly summary: string
  readonly options: ReadonlyArray<CompletionOption>
  readonly positionals: ReadonlyArray<ReadonlyArray<string>>
}

/** Everything a script completes. */
export interface CompletionModel {
  readonly program: string
  /** The options every command takes. */
  readonly globals: ReadonlyArray<CompletionOption>
  /** The options before a command: the global ones and `--version`. */
  readonly topLevel: ReadonlyArray<CompletionOption>
  readonly commands: ReadonlyArray<CompletionCommand>
  /** Every option that takes a value, long (`--env`) and short (`-e`): the word after it is its value. */
  readonly valueWords: ReadonlyArray<string>
  /** The options whose value is a path. */
  readonly pathWords: ReadonlyArray<string>
}

const PATH_OPTIONS: ReadonlySet<string> = new Set(['state-file', 'from', 'to', 'seal-key', 'key', 'trust', 'out'])

const optionsOf = (table: OptionTable): ReadonlyArray<CompletionOption> =>
  Object.entries(table).map(([name, spec]) => ({
    name,
    short: spec.short,
    takesValue: spec.type === 'string',
    path: PATH_OPTIONS.has(name),
    help: spec.help,
  }))

const words = (options: ReadonlyArray<CompletionOption>): ReadonlyArray<string> =>
  options.flatMap((option) => [`--${option.name}`, ...(option.short === undefined ? [] : [`-${option.short}`])])

/** The model of every command, with the values of the positionals the CLI checks (phase names and statuses). */
export const completionModel = (phases: ReadonlyArray<string>, statuses: ReadonlyArray<string>): CompletionModel => {
  const positionalValues: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> = {
    phase: [[], phases, statuses],
    completion: [SHELLS],
    help: [COMMANDS.map((command) => command.name)],
  }
  const commands: CompletionCommand[] = [
    ...COMMANDS.map((command) => ({
      name: command.name,
      summary: command.summary,
      options: optionsOf(command.options ?? {}),
      positionals: positionalValues[command.name] ?? (command.positionals ?? []).map(() => []),
    })),
    { name: 'help', summary: 'Show the help of a command', options: [], positionals: positionalValues['help'] ?? [] },
  ]
  const globals = optionsOf(GLOBAL_OPTIONS)
  const all = [...globals, ...commands.flatMap((command) => command.options)]
  return {
    program: 'stagecraft-state',
    globals,
    topLevel: optionsOf({ ...GLOBAL_OPTIONS, ...VERSION_OPTION }),
    commands,
    valueWords: [...new Set(words(all.filter((option) => option.takesValue)))],
    pathWords: [...new Set(words(all.filter((option) => option.path)))],
  }
}

/** The completion script for a shell. */
export const completionScript = (shell: Shell, model: CompletionModel): string =>
  ({ bash: bashScript, zsh: zshScript, fish: fishScript })[shell](model)
