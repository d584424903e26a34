/**
 * The program's version, from the package.json it is installed with.
 */
import { readFileSync } from 'node:fs'

/** The `version` of the package.json two directories above this module (dist/cli -> the package). */
export const packageVersion = (): string => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown }
  return typeof manifest.version === 'string' ? manifest.version : 'unknown'
}
