/**
 * A bound on how long a test waits for something that, when broken, would never happen: the test
 * then fails, saying what it waited for, instead of hanging until the runner gives up.
 */

/** Resolves as `promise` does, or rejects once `ms` have passed without it settling. */
export const within = <A>(ms: number, what: string, promise: Promise<A>): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}
