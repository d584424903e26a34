/**
 * One run of the CLI: parse the command line, open the state manager, run the command, and turn
 * what happened into output and an exit code. Everything the run touches comes in through `CliIo`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { createStateManager, isStateError, type StateManager } from '../index.js'
import { parseCommandLine } from './args.js'
import { debugTrace, failureLine } from './failure.js'
import { commandHelp, DEFAULT_HELP_WIDTH, generalHelp } from './help.js'
import { type Output, outputTo, type Sink } from './output.js'
import { stateFileBlocked } from './state-place.js'
import { managerOptionsFor } from './store-choice.js'
import { EXIT, type ExitCode, type UsageError, usageError, usageLine } from './usage.js'
import { packageVersion } from './version.js'

/** What a run reads and writes. */
export interface CliIo {
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly stdout: Sink
  readonly stderr: Sink
  readonly now?: (() => Date) | undefined
}

const debugging = (io: CliIo): boolean => (io.env['STAGECRAFT_DEBUG'] ?? '') !== '' && io.env['STAGECRAFT_DEBUG'] !== '0'

const fail = (io: CliIo, error: unknown, manager: StateManager | undefined): ExitCode => {
  io.stderr.write(`${failureLine(error, manager)}\n`)
  if (debugging(io)) io.stderr.write(`${debugTrace(error)}\n`)
  return EXIT.failed
}

const usage = (io: CliIo, error: UsageError): ExitCode => {
  io.stderr.write(`${usageLine(error)}\n`)
  return EXIT.usage
}

const helpOutput = (io: CliIo): Output => outputTo(io.stdout, io.stderr, io.env, false)

/** The width help is wrapped to: the terminal's, else 80 (a pipe, a file, a terminal that does not say). */
const helpWidth = (io: CliIo): number => (io.stdout.isTTY === true && io.stdout.columns !== undefined && io.stdout.columns > 0 ? io.stdout.columns : DEFAULT_HELP_WIDTH)

/** Runs the CLI once and returns its exit code. */
export const runCli = async (io: CliIo): Promise<ExitCode> => {
  const now = io.now ?? (() => new Date())
  const invocation = parseCommandLine(io.argv)
  if (E.isLeft(invocation)) return usage(io, invocation.left)
  const parsed = invocation.right
  if (parsed.kind === 'help') {
    const out = helpOutput(io)
    out.lines(parsed.command === undefined ? generalHelp(out.style, helpWidth(io)) : commandHelp(parsed.command, out.style, helpWidth(io)))
    return EXIT.ok
  }
  if (parsed.kind === 'version') {
    const version = packageVersion()
    io.stdout.write(parsed.json ? `${JSON.stringify({ name: 'stagecraft-state', version })}\n` : `stagecraft-state ${version}\n`)
    return EXIT.ok
  }
  const { command, args, globals } = parsed
  const out = outputTo(io.stdout, io.stderr, io.env, globals.json)
  const prepared = command.prepare(args, now())
  const options = managerOptionsFor(globals, { env: io.env, cwd: io.cwd, onWarning: out.warn })
  if (E.isLeft(prepared)) return usage(io, prepared.left)
  if (E.isLeft(options)) return usage(io, { ...options.left, command: command.name })
  // The file store only: a database store's local copy is its own affair.
  const blocked = options.right.store === undefined && options.right.stateFile !== undefined ? stateFileBlocked(options.right.stateFile, io.cwd) : undefined
  if (blocked !== undefined) return fail(io, blocked, undefined)
  let manager: StateManager
  try {
    manager = createStateManager({ ...options.right, ...prepared.right.managerOptions })
  } catch (error) {
    // The manager checks its options before touching anything: a bad one is the caller's mistake.
    if (isStateError(error, 'INVALID_INPUT')) {
      return usage(io, usageError(error.message, command.name))
    }
    return fail(io, error, undefined)
  }
  try {
    return await prepared.right.run({ manager, out, now, cwd: io.cwd, lockTimeoutMs: options.right.lockTimeoutMs })
  } catch (error) {
    return fail(io, error, manager)
  } finally {
    await manager.close().catch(() => undefined)
  }
}
