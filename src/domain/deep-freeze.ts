/**
 * Freezes a value and everything it holds: what a `State` hands out (releases, an imported file's fields) cannot be
 * changed by whoever holds it. Stops at what is already frozen.
 */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
