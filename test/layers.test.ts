/**
 * The layer rules of .dependency-cruiser.cjs, which `npm run lint` applies to src/: given a tree
 * that breaks each of them, the rule set names every breach; given src/, none.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { tempDir } from './support/temp.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CRUISER = join(ROOT, 'node_modules', '.bin', 'depcruise')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')

const cruise = (cwd: string): { status: number | null; out: string } => {
  const run = spawnSync(CRUISER, ['src', '--config', CONFIG], { cwd, encoding: 'utf8' })
  return { status: run.status, out: run.stdout + run.stderr }
}

const treeOf = (files: Record<string, string>): string => {
  const root = tempDir('stagecraft-layers-')
  copyFileSync(join(ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('the layer rules', () => {
  test('src/ keeps them', () => {
    const out = execFileSync(CRUISER, ['src', '--config', CONFIG], { cwd: ROOT, encoding: 'utf8' })
    expect(out).toContain('no dependency violations found')
  })

  test('a store importing the application layer, the domain importing a store or node:fs, the CLI reaching past the public API and internals, the application importing internals, and a loop are each refused; the CLI may import internals', () => {
    const root = treeOf({
      'src/index.ts': "export { manager } from './app/manager.js'\n",
      'src/app/manager.ts': "import { cli } from '../cli/main.js'\nexport const manager = cli\n",
      'src/app/verify.ts': 'export const verify = 1\n',
      'src/store/breach.ts': "import { verify } from '../app/verify.js'\nexport const breach = verify\n",
      'src/domain/leak.ts': "import { breach } from '../store/breach.js'\nexport const leak = breach\n",
      'src/domain/io.ts': "import { readFileSync } from 'node:fs'\nexport const io = readFileSync\n",
      'src/cli/main.ts': "import { leak } from '../domain/leak.js'\nexport const cli = leak\n",
      'src/store/a.ts': "import { b } from './b.js'\nexport const a = () => b\n",
      'src/store/b.ts': "import { a } from './a.js'\nexport const b = () => a\n",
      'src/internals.ts': "export { verify } from './app/verify.js'\n",
      'src/cli/inner.ts': "import { verify } from '../internals.js'\nexport const inner = verify\n",
      'src/app/reach.ts': "import { verify } from '../internals.js'\nexport const reach = verify\n",
      'src/store/index.ts': "export { a } from './a.js'\n",
      'src/app/facade.ts': "import { a } from '../store/index.js'\nexport const facade = a\n",
      'src/app/deep.ts': "import { b } from '../store/b.js'\nexport const deep = b\n",
      'src/domain/db.ts': "import pg from 'pg'\nexport const db = pg\n",
      'dist/internals.js': 'export const built = 1\n',
      'src/app/built.ts': "import { built } from '../../dist/internals.js'\nexport const fromDist = built\n",
    })
    const { status, out } = cruise(root)
    expect(status).not.toBe(0)
    expect(out).toContain('store-below-the-application: src/store/breach.ts → src/app/verify.ts')
    expect(out).toContain('domain-is-pure: src/domain/leak.ts → src/store/breach.ts')
    expect(out).toContain('domain-does-no-io: src/domain/io.ts → fs')
    expect(out).toContain('cli-uses-the-public-api: src/cli/main.ts → src/domain/leak.ts')
    expect(out).toContain('application-below-the-api: src/app/manager.ts → src/cli/main.ts')
    expect(out).toContain('application-below-the-api: src/app/reach.ts → src/internals.ts')
    expect(out).not.toContain('src/cli/inner.ts')
    expect(out).toContain('application-knows-one-store-interface: src/app/deep.ts → src/store/b.ts')
    expect(out).not.toContain('src/app/facade.ts')
    expect(out).toContain('domain-is-pure: src/domain/db.ts → pg')
    expect(out).toContain('source-not-built-code: src/app/built.ts → dist/internals.js')
    expect(out).toMatch(/no-cycles: src\/store\/a\.ts →\s+src\/store\/b\.ts →\s+src\/store\/a\.ts/)
  })
})
