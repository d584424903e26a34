/**
 * `-o table|json|jsonl|yaml`: how results are printed. `--json` is kept for the scripts written against it, with its
 * own shapes (releases.json records, events with `time` and `payload`); `-o` gives the shapes of docs/json.md, the
 * API's, and errors as JSON on stderr. Parsed here with nothing else loaded, since a usage error must know it too.
 */
import * as E from './either.js'
import { EXIT, type UsageError, usageError, usageLine } from './usage.js'

export const OUTPUT_FORMATS = ['table', 'json', 'jsonl', 'yaml'] as const

export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** How a run prints: its format, and whether it is `--json`'s (the older shapes, errors as text). */
export interface OutputMode {
  readonly format: OutputFormat
  readonly legacyJson: boolean
}

export const TABLE: OutputMode = { format: 'table', legacyJson: false }

const isFormat = (text: string): text is OutputFormat => (OUTPUT_FORMATS as ReadonlyArray<string>).includes(text)

/** The mode `--json` and `-o` ask for; both at once only when they agree (`--json -o json` is `-o json`). */
export const outputModeOf = (
  json: boolean,
  output: string | undefined,
  command?: string,
): E.Either<UsageError, OutputMode> => {
  if (output === undefined) return E.right(json ? { format: 'json', legacyJson: true } : TABLE)
  const format = output.trim().toLowerCase()
  if (!isFormat(format))
    return E.left(
      usageError(
        `-o ${JSON.stringify(output)} is not an output format; give one of ${OUTPUT_FORMATS.join(', ')}`,
        command,
      ),
    )
  if (json && format !== 'json')
    return E.left(usageError(`--json and -o ${format} ask for different output; give one of them`, command))
  return E.right({ format, legacyJson: false })
}

/** Whether errors are printed as JSON: with `-o json`, `jsonl` or `yaml` (JSON is YAML too), not with `--json`. */
export const jsonErrors = (mode: OutputMode): boolean => mode.format !== 'table' && !mode.legacyJson

/** The JSON line of an error on stderr: `{"error": {"code", "message"}}`. */
export const errorJsonLine = (code: string, message: string): string =>
  `${JSON.stringify({ error: { code, message } })}\n`

/**
 * The mode a command line asks for, read roughly, for a usage error found before the line could be parsed: the value
 * after the last `-o`/`--output` (or joined to it), else `--json`.
 */
export const requestedMode = (argv: ReadonlyArray<string>): OutputMode => {
  let output: string | undefined
  let json = false
  const end = argv.indexOf('--')
  const tokens = end === -1 ? argv : argv.slice(0, end)
  tokens.forEach((token, i) => {
    if (token === '--json') json = true
    else if (token === '-o' || token === '--output') output = tokens[i + 1]
    else if (token.startsWith('--output=')) output = token.slice('--output='.length)
    else if (/^-o[^-]/.test(token)) output = token.slice(2).replace(/^=/, '')
  })
  const mode = outputModeOf(json, output)
  return E.isLeft(mode) ? TABLE : mode.right
}

/** Prints a usage error, as JSON when the mode asks for it; exit 2. */
export const reportUsageIn = (
  mode: OutputMode,
  stderr: { readonly write: (text: string) => unknown },
  error: UsageError,
): typeof EXIT.usage => {
  stderr.write(jsonErrors(mode) ? errorJsonLine('USAGE', usageLine(error)) : `${usageLine(error)}\n`)
  return EXIT.usage
}
