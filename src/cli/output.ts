/** Where a command's output goes: results to stdout (text, or JSON with `--json`), messages to stderr, a line each. */
import { colourWanted, PAINT_MARK, type Style, styleFor } from './format/style.js'
import { terminalSafeJson, visible } from './format/visible.js'

/** A stream the CLI writes to. */
export interface Sink {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean | undefined
  /** The width of the terminal, when the stream is one. */
  readonly columns?: number | undefined
}

/** The output of one run of the CLI. */
export interface Output {
  readonly json: boolean
  readonly interactive: boolean
  readonly style: Style
  readonly lines: (lines: ReadonlyArray<string>) => void
  readonly value: (value: unknown) => void
  readonly raw: (text: string) => void
  /** One line on stderr, prefixed so it is clear which tool said it. */
  readonly warn: (message: string) => void
}

/** A message as one line on stderr: every control character escaped, line breaks too (a CR LF could forge a line). */
export const oneLine = (message: string): string => visible(message.trim())

// The palette's codes, each after its mark (the code captured, the mark dropped by split).
const PAINTED = new RegExp(`${PAINT_MARK}(\u001b\\[\\d+m)`)

/** A line of output with every control escaped but the palette's; values were escaped where formatted. */
const safeLine = (line: string, style: Style): string =>
  style.enabled
    ? line
        .split(PAINTED)
        .map((part, i) => (i % 2 === 1 ? part : visible(part)))
        .join('')
    : visible(line)

/** The output over two streams, coloured as the environment allows. */
export const outputTo = (
  stdout: Sink,
  stderr: Sink,
  env: Readonly<Record<string, string | undefined>>,
  json: boolean,
): Output => {
  const interactive = stdout.isTTY === true
  const style = styleFor(!json && colourWanted(interactive, env))
  return {
    json,
    interactive,
    style,
    lines: (lines) => {
      if (lines.length > 0) stdout.write(`${lines.map((line) => safeLine(line, style)).join('\n')}\n`)
    },
    value: (value) => stdout.write(`${terminalSafeJson(JSON.stringify(value, null, 2))}\n`),
    raw: (text) => stdout.write(text),
    warn: (message) => stderr.write(`stagecraft-state: warning: ${oneLine(message)}\n`),
  }
}
