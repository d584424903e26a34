/**
 * One run of the CLI, everything it touches coming through `CliIo`. This module imports only what parsing, a usage
 * error or `--version` need; the help and ./execute.js (the store, fp-ts, io-ts) are imported when needed.
 */
import { parseCommandLine } from './args.js'
import * as E from './either.js'
import { type Output, outputTo, type Sink } from './output.js'
import { reportUsageIn, requestedMode } from './output-format.js'
import { EXIT, type ExitCode } from './usage.js'
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

const helpOutput = (io: CliIo): Output => outputTo(io.stdout, io.stderr, io.env, false)

/** The width help is wrapped to: the terminal's, else the default (a pipe, a file, a terminal that does not say). */
const helpWidth = (io: CliIo, fallback: number): number =>
  io.stdout.isTTY === true && io.stdout.columns !== undefined && io.stdout.columns > 0 ? io.stdout.columns : fallback

/** Runs the CLI once and returns its exit code. */
export const runCli = async (io: CliIo): Promise<ExitCode> => {
  const now = io.now ?? (() => new Date())
  const invocation = parseCommandLine(io.argv)
  if (E.isLeft(invocation)) return reportUsageIn(requestedMode(io.argv), io.stderr, invocation.left)
  const parsed = invocation.right
  if (parsed.kind === 'help') {
    const { commandHelp, DEFAULT_HELP_WIDTH, generalHelp } = await import('./help.js')
    const out = helpOutput(io)
    const width = helpWidth(io, DEFAULT_HELP_WIDTH)
    out.lines(
      parsed.command === undefined ? generalHelp(out.style, width) : commandHelp(parsed.command, out.style, width),
    )
    return EXIT.ok
  }
  if (parsed.kind === 'version') {
    const version = packageVersion()
    io.stdout.write(
      parsed.json ? `${JSON.stringify({ name: 'stagecraft-state', version })}\n` : `stagecraft-state ${version}\n`,
    )
    return EXIT.ok
  }
  const { runCommand } = await import('./execute.js')
  return runCommand(io, parsed, now)
}
