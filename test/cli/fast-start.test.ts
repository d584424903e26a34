/**
 * Fast start (docs/performance.md, "Fast start"): `--version`, `--help` and a usage error load the command
 * line and the command table, nothing of fp-ts, io-ts or the store; a command loads those in a few
 * files, and string-width only to measure text that is not plain ASCII in a table.
 *
 * Nothing is timed. What a run loads is seen from inside it: a module hook (`--import`) lists
 * every ES module it imports, and at exit what it required; the build's metafile
 * (dist/cli/meta.json) says which source modules each file of the bundle holds.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import stringWidth from 'string-width'
import { describe, expect, it } from 'vitest'
import { IMPLEMENTATIONS } from '../../src/cli/commands/implementations.js'
import { ABANDONED_AFTER, COMMANDS, commandNamed } from '../../src/cli/commands/index.js'
import { formatSpan } from '../../src/domain/duration-text.js'
import { displayWidth } from '../../src/cli/format/table.js'
import { DEFAULT_ABANDONED_AFTER_MS, PHASES } from '../../src/index.js'
import { PHASE_STATUSES } from '../../src/internals.js'
import { CLI, cleanEnv, ok, ROOT, type Run, runProcess, tempDir } from './support.js'

interface Metafile {
  readonly outputs: Readonly<Record<string, { readonly inputs: Readonly<Record<string, unknown>> }>>
}

/** The source modules (paths from the repository root) in each file of the built CLI, by its path from the root. */
const bundled = (): ReadonlyMap<string, ReadonlyArray<string>> => {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli', 'meta.json'), 'utf8')) as Metafile
  // esbuild names a package's module by its real path, which is outside the root when node_modules is a link.
  const source = (input: string): string => input.replace(/^(?:\.\.\/)*.*?node_modules\//, 'node_modules/')
  return new Map(Object.entries(meta.outputs).map(([file, output]) => [file, Object.keys(output.inputs).map(source)]))
}

// Lists each ES module as it is loaded, and the CommonJS cache (which require() of an ES module
// fills too) at exit, into the file named by LOADED_MODULES.
const HOOKS = `
import { appendFileSync } from 'node:fs'
export const load = async (url, context, next) => {
  appendFileSync(process.env.LOADED_MODULES, url + '\\n')
  return next(url, context)
}
`
const REGISTER = `
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'
register('./hooks.mjs', import.meta.url)
const require = createRequire(import.meta.url)
process.on('exit', () => appendFileSync(process.env.LOADED_MODULES, Object.keys(require.cache).map((path) => pathToFileURL(path).href + '\\n').join('')))
`
const hooks = tempDir()
writeFileSync(join(hooks, 'hooks.mjs'), HOOKS)
writeFileSync(join(hooks, 'register.mjs'), REGISTER)

/**
 * What one run loaded: its files (paths from the root, packages from node_modules/) and, for the bundle's files, the
 * source modules they hold.
 */
interface Loaded {
  readonly run: Run
  readonly files: ReadonlyArray<string>
  readonly sources: ReadonlyArray<string>
}

const loadedBy = async (
  cwd: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): Promise<Loaded> => {
  const log = join(tempDir(), 'loaded.txt')
  writeFileSync(log, '')
  const run = await runProcess(process.execPath, ['--import', join(hooks, 'register.mjs'), CLI, ...args], {
    cwd,
    env: cleanEnv({ ...env, LOADED_MODULES: log }),
  })
  const files = [
    ...new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith('file:') && !url.startsWith(`file://${hooks}`))
        .map((url) => relative(ROOT, fileURLToPath(url)).replace(/^(?:\.\.\/)*.*?node_modules\//, 'node_modules/')),
    ),
  ]
  const chunks = bundled()
  for (const file of files.filter((f) => f.startsWith('dist/cli/')))
    expect(chunks.has(file), `${file} is a file of the bundle`).toBe(true)
  return { run, files, sources: files.flatMap((file) => chunks.get(file) ?? []) }
}

// Node's own modules a run loaded, listed at exit (module hooks would load worker_threads themselves).
const BUILTINS = `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_MODULES, process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => 'node:' + name.slice(13)).join('\\n')))`
writeFileSync(join(hooks, 'builtins.cjs'), BUILTINS)

const builtinsLoadedBy = async (cwd: string, args: ReadonlyArray<string>): Promise<ReadonlyArray<string>> => {
  const log = join(tempDir(), 'builtins.txt')
  const run = await runProcess(process.execPath, ['--require', join(hooks, 'builtins.cjs'), CLI, ...args], {
    cwd,
    env: cleanEnv({ LOADED_MODULES: log }),
  })
  expect(run).toMatchObject({ code: 0, stderr: '' })
  return readFileSync(log, 'utf8').split('\n')
}

const LIBRARY = /^node_modules\/(fp-ts|io-ts)\/|^src\/(?!cli\/)/

/** Whether string-width was loaded: bundled into a chunk, or required from node_modules. */
const loadsStringWidth = ({ files, sources }: Loaded): boolean =>
  [...files, ...sources].some((path) => path.startsWith('node_modules/string-width/'))

/** Loaded the bundle's own files only, and of the sources only the CLI's, not the part that runs a command. */
const startsLight = ({ files, sources }: Loaded): void => {
  expect(
    files.filter((file) => !file.startsWith('dist/cli/')),
    'nothing but the bundle',
  ).toEqual([])
  // package.json: the version, which the bundle carries (src/cli/version.ts).
  expect(
    sources.filter((source) => !source.startsWith('src/cli/') && source !== 'package.json'),
    'nothing of fp-ts, io-ts or the library',
  ).toEqual([])
  expect(sources).not.toContain('src/cli/execute.ts')
}

describe('what a run loads', () => {
  it('main.js holds the command line; the library is only in the chunks it imports when a command runs', () => {
    const chunks = bundled()
    expect(chunks.get('dist/cli/main.js')).toContain('src/cli/main.ts')
    for (const [file, sources] of chunks)
      if (sources.some((source) => LIBRARY.test(source)))
        expect(file, 'the library is in chunks').toMatch(/^dist\/cli\/chunks\//)
  })

  it('--version loads the command line alone: no fp-ts, io-ts, store, help or string-width', async () => {
    const loaded = await loadedBy(tempDir(), ['--version'])
    expect(loaded.run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^stagecraft-state \d/) })
    startsLight(loaded)
    expect(loaded.sources).not.toContain('src/cli/help.ts')
    expect(loaded.sources).not.toContain('src/cli/format/table.ts')
  })

  it('--help and a command --help load the help, but nothing of fp-ts, io-ts or the store', async () => {
    for (const args of [['--help'], ['phase', '--help'], ['help', 'list']]) {
      const loaded = await loadedBy(tempDir(), args)
      expect(loaded.run.code, args.join(' ')).toBe(0)
      startsLight(loaded)
      expect(loaded.sources).toContain('src/cli/help.ts')
    }
  })

  it('a usage error is found before anything else loads', async () => {
    for (const args of [['bogus'], ['list', '--bogus'], ['phase', 'rel-1']]) {
      const loaded = await loadedBy(tempDir(), args)
      expect(loaded.run.code, args.join(' ')).toBe(2)
      startsLight(loaded)
    }
  })

  it('phase loads the store and the commands in a few files, and not string-width, nor the worker threads a long read hashes on', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--quiet'])).trim()
    const loaded = await loadedBy(directory, ['phase', id, 'build', 'running'])
    expect(loaded.run).toMatchObject({ code: 0, stderr: '' })
    // The hook sees the library when it is loaded: the other tests' "nothing of it" means something.
    expect(loaded.sources).toEqual(expect.arrayContaining(['src/cli/commands/phase.ts', 'src/cli/execute.ts']))
    expect(
      loaded.sources.some((source) => source.startsWith('node_modules/fp-ts/')) &&
        loaded.sources.some((source) => source.startsWith('node_modules/io-ts/')),
    ).toBe(true)
    // Node pays for every file it loads, more than for the bytes in it: a handful, not one per module.
    expect(loaded.files.length).toBeLessThanOrEqual(8)
    expect(loadsStringWidth(loaded)).toBe(false)
    const builtins = await builtinsLoadedBy(directory, ['phase', id, 'build', 'completed'])
    expect(builtins).toContain('node:crypto')
    expect(builtins).not.toContain('node:worker_threads')
  })

  it('a table loads string-width only for text that is not plain ASCII', async () => {
    const directory = tempDir()
    await ok(directory, ['create', '--env', 'prod', '--version', 'v1'])
    const plain = await loadedBy(directory, ['list'])
    expect(plain.run).toMatchObject({ code: 0, stderr: '' })
    expect(plain.sources).toContain('src/cli/format/table.ts')
    expect(loadsStringWidth(plain)).toBe(false)
    await ok(directory, ['create', '--env', '生产', '--version', 'v1'])
    const wide = await loadedBy(directory, ['list'])
    expect(wide.run).toMatchObject({ code: 0, stderr: '' })
    expect(loadsStringWidth(wide)).toBe(true)
  })
})

describe('what loads first agrees with what loads later', () => {
  it('printable ASCII is measured as string-width measures it, without it', () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))
    for (const text of [
      ...printable,
      printable.join(''),
      '',
      'rel-20250101-120000000',
      '生产',
      'cafe\u0301',
      'a\u0000b',
      '\u001b[1mbold\u001b[22m',
      '🚀 v1',
    ]) {
      expect(displayWidth(text), JSON.stringify(text)).toBe(stringWidth(text))
    }
  })

  it("the command table's help says what the domain's constants do", () => {
    expect(commandNamed('phase')?.description).toContain(
      `Phases: ${PHASES.join(', ')}. Statuses: ${PHASE_STATUSES.join(', ')}. `,
    )
    expect(ABANDONED_AFTER.help).toContain(`(default ${formatSpan(DEFAULT_ABANDONED_AFTER_MS)};`)
  })

  it('every command of the table, and no other, has an implementation, whose prepare parses its arguments', () => {
    expect(Object.keys(IMPLEMENTATIONS).sort()).toEqual(COMMANDS.map((command) => command.name).sort())
    for (const command of COMMANDS) {
      const prepared = IMPLEMENTATIONS[command.name]?.prepare({ values: {}, positionals: [] }, new Date())
      expect(['Left', 'Right'], command.name).toContain(prepared?._tag)
    }
  })
})
