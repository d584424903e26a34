// Shared by the child processes of the store's process-level tests. A child talks to its parent
// in JSON lines on stdout: one line per acknowledged (resolved) operation, written synchronously
// (stdout is a pipe; on Linux pipe writes are synchronous and a line is written whole), so a line
// the parent received is an operation the store had acknowledged.

/** Writes one JSON line to the parent. */
export const emit = (message) => {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

/** Reports an unexpected failure and exits with status 1. */
export const die = (error) => {
  emit({
    t: 'error',
    code: error?.code ?? null,
    message: String(error?.message ?? error),
    stack: String(error?.stack ?? ''),
  })
  process.exit(1)
}

/** Resolves when the parent writes `line` on stdin. */
export const waitForLine = (line) =>
  new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk) => {
      buffered += chunk
      if (buffered.split('\n').includes(line)) {
        process.stdin.off('data', onData)
        process.stdin.destroy() // an open stdin would keep this process alive at the end
        resolve()
      }
    }
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', onData)
    process.stdin.once('end', () => reject(new Error(`stdin ended before "${line}"`)))
  })

/** The configuration the parent passed as the first argument (JSON). */
export const config = () => JSON.parse(process.argv[2] ?? '{}')
