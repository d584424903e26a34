/** Running a parsed command; imported by ./run.js only when there is one, with the store, fp-ts and io-ts. */
import * as E from 'fp-ts/lib/Either.js'
import {
  createStateManager,
  isStateError,
  STATE_FILE_VARIABLE,
  STATE_URL_VARIABLE,
  type StateManager,
} from '../index.js'
import type { Invocation } from './args.js'
import { IMPLEMENTATIONS } from './commands/implementations.js'
import { debugTrace, failureLine, failureOf } from './failure.js'
import { outputTo } from './output.js'
import {
  errorJsonLine,
  jsonErrors,
  type OutputMode,
  outputModeOf,
  reportUsageIn,
  requestedMode,
} from './output-format.js'
import { progressLine } from './progress.js'
import type { CliIo } from './run.js'
import { stateFileBlocked } from './state-place.js'
import { managerOptionsFor } from './store-choice.js'
import { EXIT, type ExitCode, type UsageError, usageError } from './usage.js'
import { parseDuration } from './values.js'

const debugging = (io: CliIo): boolean =>
  (io.env['STAGECRAFT_DEBUG'] ?? '') !== '' && io.env['STAGECRAFT_DEBUG'] !== '0'

const fail = (io: CliIo, mode: OutputMode, error: unknown, manager: StateManager | undefined): ExitCode => {
  if (jsonErrors(mode)) {
    const { code, message } = failureOf(error, manager)
    io.stderr.write(errorJsonLine(code, message))
  } else io.stderr.write(`${failureLine(error, manager)}\n`)
  if (debugging(io)) io.stderr.write(`${debugTrace(error)}\n`)
  return EXIT.failed
}

// STAGECRAFT_PROGRESS_AFTER: how long work runs before its progress line shows (docs/cli.md).
const progressAfter = (env: CliIo['env']): E.Either<UsageError, number | undefined> => {
  const raw = env['STAGECRAFT_PROGRESS_AFTER']
  return raw === undefined || raw === '' ? E.right(undefined) : parseDuration('STAGECRAFT_PROGRESS_AFTER', raw)
}

/** Runs a command the command line named, and returns the exit code. */
export const runCommand = async (
  io: CliIo,
  { command, args, globals }: Extract<Invocation, { kind: 'run' }>,
  now: () => Date,
): Promise<ExitCode> => {
  const implementation = IMPLEMENTATIONS[command.name]
  const chosen = outputModeOf(globals.json, globals.output, command.name)
  if (E.isLeft(chosen)) return reportUsageIn(requestedMode(io.argv), io.stderr, chosen.left)
  const mode = chosen.right
  const after = progressAfter(io.env)
  if (E.isLeft(after)) return reportUsageIn(mode, io.stderr, after.left)
  // Long work shows a progress line on a terminal; everything else written clears it first.
  const progress = progressLine(
    io.stderr,
    io.stderr.isTTY === true && args.values['quiet'] !== true,
    Date.now,
    after.right,
  )
  const cleared = (sink: CliIo['stdout']): CliIo['stdout'] => ({
    ...sink,
    isTTY: sink.isTTY,
    columns: sink.columns,
    write: (text: string) => (progress.clear(), sink.write(text)),
  })
  const out = outputTo(cleared(io.stdout), cleared(io.stderr), io.env, globals.json, {
    mode,
    wide: args.values['wide'] === true,
  })
  const prepared = implementation.prepare(args, now())
  // A command with stores of its own (migrate) has nothing to do with the default one.
  const { ownStores } = implementation
  const storeGlobals = ownStores ? { ...globals, stateFile: undefined, store: undefined } : globals
  const env = ownStores ? { ...io.env, [STATE_FILE_VARIABLE]: undefined, [STATE_URL_VARIABLE]: undefined } : io.env
  const options = managerOptionsFor(storeGlobals, { env, cwd: io.cwd, onWarning: out.warn })
  if (E.isLeft(prepared)) return reportUsageIn(mode, io.stderr, prepared.left)
  if (E.isLeft(options)) return reportUsageIn(mode, io.stderr, { ...options.left, command: command.name })
  // The file store only: a database store's local copy is its own affair.
  const blocked =
    !ownStores && options.right.store === undefined && options.right.stateFile !== undefined
      ? stateFileBlocked(options.right.stateFile, io.cwd)
      : undefined
  if (blocked !== undefined) return fail(io, mode, blocked, undefined)
  let manager: StateManager
  try {
    manager = createStateManager({ ...options.right, ...prepared.right.managerOptions, onProgress: progress.report })
  } catch (error) {
    // The manager checks its options before touching anything: a bad one is the caller's mistake.
    if (isStateError(error, 'INVALID_INPUT')) {
      return reportUsageIn(mode, io.stderr, usageError(error.message, command.name))
    }
    return fail(io, mode, error, undefined)
  }
  try {
    const context = { manager, out, now, cwd: io.cwd, lockTimeoutMs: options.right.lockTimeoutMs }
    return await prepared.right.run({ ...context, onProgress: progress.report })
  } catch (error) {
    progress.clear()
    return fail(io, mode, error, ownStores ? undefined : manager)
  } finally {
    progress.clear()
    await manager.close().catch(() => undefined)
  }
}
