/**
 * A child process for process-level tests: a real Node process running a script, talking back in
 * JSON lines (`{"t": "ready"}`, `{"t": "ack", ...}`), killed with a real signal.
 */
import { type ChildProcess, spawn } from 'node:child_process'

/** A line a child writes: JSON with its kind in `t`. */
export interface JsonLine {
  readonly t: string
  readonly [key: string]: unknown
}

/**
 * A child process running the script at `script` (an absolute path) with `config` as its argument,
 * under `launcher` when given (a command and its arguments, such as `unshare --pid --fork`).
 */
export class JsonLinesChild<Line extends { readonly t: string } = JsonLine> {
  readonly lines: Line[] = []
  readonly process: ChildProcess
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  private stderr = ''
  private rest = ''
  private listeners: Array<() => void> = []
  private done = false

  constructor(script: string, config: unknown, launcher: ReadonlyArray<string> = []) {
    const [command = process.execPath, ...args] = [...launcher, process.execPath, script, JSON.stringify(config)]
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.process.stdout?.setEncoding('utf8')
    this.process.stdout?.on('data', (chunk: string) => {
      const parts = (this.rest + chunk).split('\n')
      this.rest = parts.pop() ?? ''
      for (const part of parts) if (part !== '') this.lines.push(JSON.parse(part) as Line)
      this.notify()
    })
    this.process.stderr?.setEncoding('utf8')
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk
    })
    this.exited = new Promise((resolve) => {
      // 'close': the process is gone (reaped) and its output is all read.
      this.process.once('close', (code, signal) => {
        this.done = true
        this.notify()
        resolve({ code, signal })
      })
    })
  }

  get pid(): number {
    return this.process.pid ?? -1
  }

  /** What the child said went wrong (its error lines, and its stderr): for assertion messages. */
  get errors(): string {
    const failures = this.lines
      .filter((line) => line.t === 'error' || line.t === 'unexpected' || line.t === 'failed')
      .map((line) => JSON.stringify(line))
    return [...failures, this.stderr].filter((s) => s !== '').join('\n')
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener()
  }

  /** Resolves once `condition` holds; rejects if the child ends first, or after `timeoutMs`. */
  until(condition: (child: this) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (condition(this)) finish(() => resolve())
        else if (this.done) finish(() => reject(new Error(`child ${this.pid} ended before ${what}: ${this.errors}`)))
      }
      const timer = setTimeout(
        () => finish(() => reject(new Error(`child ${this.pid}: no ${what} within ${timeoutMs} ms: ${this.errors}`))),
        timeoutMs,
      )
      const finish = (then: () => void): void => {
        clearTimeout(timer)
        this.listeners = this.listeners.filter((listener) => listener !== check)
        then()
      }
      this.listeners.push(check)
      check()
    })
  }

  /** The first line matching `predicate`, once the child wrote it. */
  async untilLine(predicate: (line: Line) => boolean, what: string, timeoutMs = 30_000): Promise<Line> {
    await this.until((child) => child.lines.some(predicate), what, timeoutMs)
    return this.lines.find(predicate) as Line
  }

  /** Writes a command line to the child. */
  send(line: string): void {
    this.process.stdin?.write(`${line}\n`)
  }

  /** Kills the child (SIGKILL unless told) and waits until it is reaped and its output read. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.done) this.process.kill(signal)
    await this.exited
  }
}
