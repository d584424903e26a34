/**
 * Where a command's results and messages go: results to stdout (text, or JSON with `--json`),
 * warnings and errors to stderr, one line each.
 */
import { colourWanted, type Style, styleFor } from './format/style.js'

/** A stream the CLI writes to. */
export interface Sink {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean | undefined
  /** The width of the terminal, when the stream is one. */
  readonly columns?: number | undefined
}

/** The output of one run of the CLI. */
export interface Output {
  /** Whether `--json` asked for machine output. */
  readonly json: boolean
  /** Whether stdout is a terminal. */
  readonly interactive: boolean
  readonly style: Style
  /** Prints lines of text on stdout. */
  readonly lines: (lines: ReadonlyArray<string>) => void
  /** Prints one value as JSON on stdout. */
  readonly value: (value: unknown) => void
  /** Prints text on stdout exactly as given. */
  readonly raw: (text: string) => void
  /** One line on stderr, prefixed so it is clear which tool said it. */
  readonly warn: (message: string) => void
}

/** Flattens a message to one line: a warning or an error is one line on stderr, always. */
export const oneLine = (message: string): string => message.replace(/\s*\r?\n\s*/g, ' ').trim()

/** The output over two streams, coloured as the environment allows. */
export const outputTo = (stdout: Sink, stderr: Sink, env: Readonly<Record<string, string | undefined>>, json: boolean): Output => {
  const interactive = stdout.isTTY === true
  return {
    json,
    interactive,
    style: styleFor(!json && colourWanted(interactive, env)),
    lines: (lines) => {
      if (lines.length > 0) stdout.write(`${lines.join('\n')}\n`)
    },
    value: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    raw: (text) => stdout.write(text),
    warn: (message) => stderr.write(`stagecraft-state: warning: ${oneLine(message)}\n`),
  }
}
