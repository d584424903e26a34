/** Failures as one line on stderr: code, message, and the store unless the message names it; a stack only in debug. */
import { dirname } from 'node:path'
import { isStateError } from '../index.js'
import { visible } from './format/visible.js'
import { oneLine } from './output.js'

/** Where the failure happened: the store, as the manager describes it. */
export interface FailurePlace {
  readonly location: string
  readonly stateFile: string | undefined
}

// A database store's messages name its server, not the whole description of the store.
const serverOf = (location: string): string | undefined => /postgres(?:ql)?:\/\/[^\s,]+/.exec(location)?.[0]

const mentionsStore = (message: string, place: FailurePlace): boolean => {
  const server = serverOf(place.location)
  return (
    message.includes(place.location) ||
    (server !== undefined && message.includes(server)) ||
    (place.stateFile !== undefined && message.includes(dirname(place.stateFile)))
  )
}

/** A failure's code (`INTERNAL` for a bug) and its message, naming the store when the message does not. */
export const failureOf = (error: unknown, place: FailurePlace | undefined): { code: string; message: string } => {
  if (isStateError(error)) {
    const where = place === undefined || mentionsStore(error.message, place) ? '' : ` (${place.location})`
    return { code: error.code, message: `${error.message.trim()}${where}` }
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    code: 'INTERNAL',
    message: `internal error: ${message} (this is a bug; run again with STAGECRAFT_DEBUG=1 for the stack trace)`,
  }
}

/** The line printed for a failure: one line, every control character escaped, the store's location too. */
export const failureLine = (error: unknown, place: FailurePlace | undefined): string => {
  const { code, message } = failureOf(error, place)
  return code === 'INTERNAL'
    ? `stagecraft-state: ${oneLine(message)}`
    : `stagecraft-state: ${code}: ${oneLine(message)}`
}

/** The stack trace, with its causes, for STAGECRAFT_DEBUG: its lines as they are, what is on each escaped. */
export const debugTrace = (error: unknown): string => {
  const traces: string[] = []
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    traces.push(current instanceof Error ? (current.stack ?? current.message) : String(current))
    current = current instanceof Error ? current.cause : undefined
  }
  return traces.join('\nCaused by: ').split('\n').map(visible).join('\n')
}
