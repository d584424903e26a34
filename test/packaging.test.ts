/**
 * The package as a user gets it: `npm pack`, the tarball installed into a scratch project, and the README's "Use it in
 * your project" examples run there. Offline: the package's dependencies are linked from this repository's node_modules
 * (npm resolves them as `file:` links and fetches nothing). Needs dist/ built (npm test builds first); packing runs no
 * scripts, so dist/ is not rebuilt under the CLI tests running beside this one.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, ROOT, runProcess, tempDir } from './cli/support.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  readonly version: string
  readonly license: string
  readonly dependencies: Readonly<Record<string, string>>
  readonly peerDependencies: Readonly<Record<string, string>>
}

/** The README's section on installing the package, up to the next heading. */
const section = /^## Use it in your project\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? ''
const blocks = (language: string): string[] =>
  [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] ?? '')

const npmWorks = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0

describe.skipIf(!npmWorks)(
  'the packed package, installed into a scratch project (skipped: npm does not run here)',
  () => {
    const env = cleanEnv({
      npm_config_cache: tempDir(),
      npm_config_ignore_scripts: 'true',
      npm_config_update_notifier: 'false',
    })
    const project = tempDir()
    let files: string[] = []

    beforeAll(async () => {
      const packed = await runProcess('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], {
        cwd: ROOT,
        env,
      })
      expect(packed.code, packed.stderr).toBe(0)
      const [tarball] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }]
      files = tarball.files.map((file) => file.path)
      // Every dependency from this repository's node_modules, so that npm fetches nothing.
      const modules = realpathSync(join(ROOT, 'node_modules'))
      const dependencies = Object.fromEntries(
        [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)].map((name) => [
          name,
          `file:${join(modules, name)}`,
        ]),
      )
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'scratch', version: '1.0.0', type: 'module', private: true, dependencies }),
      )
      const installed = await runProcess(
        'npm',
        ['install', '--offline', '--no-audit', '--no-fund', `./${tarball.filename}`],
        { cwd: project, env },
      )
      expect(installed.code, installed.stderr).toBe(0)
    }, 60_000)

    it('holds the LICENSE package.json names, dist/ and no source map pointing at sources it does not ship', () => {
      expect(manifest.license).toBe('MIT')
      expect(files).toContain('LICENSE')
      expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
        /^MIT License\n\nCopyright \(c\) \d{4} stagecraft-state contributors\n/,
      )
      expect(files).toContain('dist/index.js')
      expect(files).toContain('dist/cli/main.js')
      expect(files.filter((file) => file.endsWith('.map') || file.startsWith('src/'))).toEqual([])
    })

    it("the README's npm install line names the package and its peer dependency", () => {
      const [install] = blocks('sh')
      expect(install).toMatch(/^npm install fp-ts stagecraft-state(\s|$)/m)
    })

    it("the README's import example runs against the installed package, and its npx lines show what it recorded", async () => {
      const [example] = blocks('js')
      expect(example).toContain("from 'stagecraft-state'")
      writeFileSync(join(project, 'example.mjs'), example ?? '')
      const ran = await runProcess(process.execPath, ['example.mjs'], { cwd: project, env })
      expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' })
      const id = /recorded (rel-\S+)/.exec(ran.stdout)?.[1]
      expect(id).toBeDefined()

      const lines = (blocks('sh')[1] ?? '').split('\n').filter((line) => line.startsWith('npx stagecraft-state '))
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) {
        const args = line.replace(/^npx /, '').split(' ')
        const run = await runProcess('npx', ['--no-install', ...args], { cwd: project, env })
        expect({ line, code: run.code, stderr: run.stderr }).toEqual({ line, code: 0, stderr: '' })
        expect(run.stdout).toContain(id)
      }
    }, 30_000)
  },
)
