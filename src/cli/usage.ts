/** Usage errors and exit codes, the contract scripts rely on; a usage error is found before any store opens. */
import { visible } from './format/visible.js'

/** 0 success; 1 the operation failed (any `StateError`, `verify` unsound); 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/** One of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A mistake in the command line, with the command it was made in (for the help hint). */
export interface UsageError {
  readonly _tag: 'UsageError'
  readonly message: string
  readonly command?: string | undefined
}

/** A usage error, optionally naming the command it concerns. */
export const usageError = (message: string, command?: string): UsageError => ({ _tag: 'UsageError', message, command })

/** Whether a thrown or returned value is a {@link UsageError}. */
export const isUsageError = (value: unknown): value is UsageError =>
  typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'UsageError'

/** The one line a usage error prints: what is wrong, and where to read more; the quoted command line is escaped. */
export const usageLine = (error: UsageError): string => {
  const where = error.command === undefined ? 'stagecraft-state' : `stagecraft-state ${error.command}`
  return `${where}: ${visible(error.message)} (see "${where} --help")`
}

/** Prints the line of a usage error; its exit code. */
export const reportUsage = (stderr: { readonly write: (text: string) => unknown }, error: UsageError): ExitCode => {
  stderr.write(`${usageLine(error)}\n`)
  return EXIT.usage
}
