/** How long work reports how far it has got: a callback the caller renders (the CLI, on a terminal); no I/O here. */

/** Where a long task stands: `done` events so far (`replay`: a cold open folding the log), or releases (`import`). */
export interface Progress {
  readonly task: 'replay' | 'verify' | 'migrate' | 'import'
  readonly done: number
}

/** A fold's watch that counts the events it sees and tells `onProgress` (none: nothing to tell). */
export const countingWatch = (
  task: Progress['task'],
  onProgress: OnProgress | undefined,
): (() => undefined) | undefined => {
  if (onProgress === undefined) return undefined
  let done = 0
  return () => {
    onProgress({ task, done: ++done })
    return undefined
  }
}

/** Told as a long task goes on, many times a second at most once per event: it must be cheap. */
export type OnProgress = (progress: Progress) => void
