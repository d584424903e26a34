// Shared by the child processes of the PostgreSQL process-level tests. A child talks to its parent
// in JSON lines on stdout (one per acknowledged operation, written whole and synchronously to the
// pipe, so a line the parent has is an operation the store acknowledged), and takes commands as
// lines on stdin.
import { createInterface } from 'node:readline'

/** Writes one JSON line to the parent. */
export const emit = (message) => {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

/** Reports a failure and exits with status 1. */
export const die = (error) => {
  emit({ t: 'error', code: error?.code ?? null, message: String(error?.message ?? error) })
  process.exit(1)
}

const pending = []
const waiting = []
const input = createInterface({ input: process.stdin })
input.on('line', (line) => {
  const next = waiting.shift()
  if (next === undefined) pending.push(line)
  else next(line)
})

/** The next command line from the parent. */
export const nextCommand = () =>
  pending.length > 0 ? Promise.resolve(pending.shift()) : new Promise((resolve) => waiting.push(resolve))

/** Waits for the command `line`, ignoring others. */
export const waitFor = async (line) => {
  while ((await nextCommand()) !== line);
}

/** Stops listening to the parent, so that stdin keeps the process alive no longer. */
export const doneListening = () => {
  input.close()
  process.stdin.destroy()
}

/** The configuration the parent passed as the first argument (JSON). */
export const config = () => JSON.parse(process.argv[2] ?? '{}')
