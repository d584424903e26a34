/** Where a command's output goes: results to stdout (a table, or JSON or YAML), messages to stderr, a line each. */
import { colourWanted, PAINT_MARK, type Style, styleFor } from './format/style.js'
import { terminalSafeJson, visible } from './format/visible.js'
import { toYaml, yamlItem } from './format/yaml.js'
import { type OutputFormat, type OutputMode, TABLE } from './output-format.js'

/** A stream the CLI writes to. */
export interface Sink {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean | undefined
  /** The width of the terminal, when the stream is one. */
  readonly columns?: number | undefined
}

/** The output of one run of the CLI. */
export interface Output {
  /** Machine output: `--json` or `-o json|jsonl|yaml`. */
  readonly json: boolean
  readonly format: OutputFormat
  /** `-o json|jsonl|yaml`: the shapes of docs/json.md (not `--json`'s older ones). */
  readonly apiShapes: boolean
  readonly interactive: boolean
  /** The width tables fit: the terminal's, unless `--wide`; none on a pipe (whole rows). */
  readonly width: number | undefined
  readonly style: Style
  readonly lines: (lines: ReadonlyArray<string>) => void
  /** One value: pretty JSON, a JSON line (an array: a line per item) or a YAML document. */
  readonly value: (value: unknown) => void
  /** A list written item by item as it is read: a JSON array, JSON lines or a YAML sequence. */
  readonly stream: () => { readonly item: (value: unknown) => void; readonly end: () => void }
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

/** How a run prints beyond colour: the format, and `--wide`. */
export interface OutputOptions {
  readonly mode?: OutputMode | undefined
  readonly wide?: boolean | undefined
}

const indented = (text: string): string => text.replace(/^/gm, '  ')

/** The output over two streams, coloured as the environment allows. */
export const outputTo = (
  stdout: Sink,
  stderr: Sink,
  env: Readonly<Record<string, string | undefined>>,
  json: boolean,
  { mode = json ? { format: 'json', legacyJson: true } : TABLE, wide = false }: OutputOptions = {},
): Output => {
  const interactive = stdout.isTTY === true
  const machine = mode.format !== 'table'
  const style = styleFor(!machine && colourWanted(interactive, env))
  const write = (text: string): unknown => stdout.write(text)
  const json1 = (value: unknown): string => terminalSafeJson(JSON.stringify(value))
  const value = (value: unknown): void => {
    if (mode.format === 'jsonl')
      write(Array.isArray(value) ? value.map((item) => `${json1(item)}\n`).join('') : `${json1(value)}\n`)
    else if (mode.format === 'yaml') write(terminalSafeJson(toYaml(value)))
    else write(`${terminalSafeJson(JSON.stringify(value, null, 2))}\n`)
  }
  const stream = () => {
    let count = 0
    return {
      item: (item: unknown) => {
        if (mode.format === 'jsonl') write(`${json1(item)}\n`)
        else if (mode.format === 'yaml') write(terminalSafeJson(yamlItem(item)))
        else write(`${count === 0 ? '[\n' : ',\n'}${indented(terminalSafeJson(JSON.stringify(item, null, 2)))}`)
        count++
      },
      end: () => {
        if (mode.format === 'json') write(count === 0 ? '[]\n' : '\n]\n')
        else if (mode.format === 'yaml' && count === 0) write('[]\n')
      },
    }
  }
  const columns = stdout.columns
  return {
    json: machine,
    format: mode.format,
    apiShapes: machine && !mode.legacyJson,
    interactive,
    width: interactive && !wide && columns !== undefined && columns > 0 ? columns : undefined,
    style,
    lines: (lines) => {
      if (lines.length > 0) write(`${lines.map((line) => safeLine(line, style)).join('\n')}\n`)
    },
    value,
    stream,
    raw: (text) => write(text),
    warn: (message) => stderr.write(`stagecraft-state: warning: ${oneLine(message)}\n`),
  }
}
