/**
 * The program's version, from the package.json it is installed with.
 */
import { readFileSync } from 'node:fs'

const PACKAGE = 'stagecraft-state'

/**
 * The `version` of this package's package.json: the nearest one above this module that is this
 * package's. The module is src/cli/version.ts in the repository, and part of the bundle in dist/cli
 * (dist/cli/main.js, or one of its chunks under dist/cli) once built: how far up the package.json
 * is depends on where the bundler put it.
 */
export const packageVersion = (): string => {
  for (let url = new URL('./package.json', import.meta.url); ; ) {
    const manifest = readManifest(url)
    if (manifest?.name === PACKAGE) return typeof manifest.version === 'string' ? manifest.version : 'unknown'
    const up = new URL('../package.json', url)
    if (up.href === url.href) return 'unknown'
    url = up
  }
}

const readManifest = (url: URL): { name?: unknown; version?: unknown } | undefined => {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown }
  } catch {
    return undefined
  }
}
