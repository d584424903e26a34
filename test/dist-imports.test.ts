/**
 * The child processes and benchmarks under test/ are plain .mjs files that import the built dist/,
 * which no type-check sees: every name they import must be one the module they name exports.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect, test } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

const scripts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? scripts(join(dir, entry.name)) : entry.name.endsWith('.mjs') ? [join(dir, entry.name)] : [],
  )

/** `import { a, b as c } from '…/dist/…'` in a script: the module's path and the names it takes. */
const distImports = (file: string): Array<{ readonly module: string; readonly names: string[] }> =>
  [...readFileSync(file, 'utf8').matchAll(/^import\s*\{([^}]*)\}\s*from\s*'([^']*\/dist\/[^']+)'/gm)].map((m) => ({
    module: resolve(dirname(file), m[2] as string),
    names: (m[1] as string)
      .split(',')
      .map((name) => name.trim().split(/\s+as\s+/)[0] as string)
      .filter((name) => name !== ''),
  }))

test('every name a script under test/ imports from dist/ is exported there', async () => {
  const missing: string[] = []
  for (const file of scripts(join(ROOT, 'test'))) {
    for (const { module, names } of distImports(file)) {
      const exported = (await import(pathToFileURL(module).href)) as Record<string, unknown>
      for (const name of names)
        if (!(name in exported)) missing.push(`${file.slice(ROOT.length)}: ${name} from ${module.slice(ROOT.length)}`)
    }
  }
  expect(missing).toEqual([])
})
