// @ts-check
/**
 * Builds the CLI into dist/cli, after `tsc` has built the library into dist: `npm run build` runs
 * both. The library (dist/index.js and the modules beside it) stays tsc's output; dist/cli is
 * replaced by bundles, because a command runs in a fresh process every time and Node spends most
 * of a short command loading modules one file at a time (docs/performance.md, "Fast start", has the figures):
 *
 * - dist/cli/main.js, the package's `bin`: esbuild with code splitting. main.js and the chunks it
 *   imports hold what every run needs (the command line, the command table); the help, and what
 *   the commands do with the store behind it, are chunks under dist/cli/chunks that a run imports
 *   when it needs them (src/cli/run.ts). dist/cli/meta.json is esbuild's metafile of this build,
 *   which test/cli/fast-start.test.ts reads to see what each chunk holds (the package does not
 *   ship it).
 * - dist/cli/demo.js, `npm run demo`: one file; it only has to run.
 *
 * fp-ts is bundled from its ES modules (`fp-ts/lib/X`, what the sources import because Node needs
 * it for the library, is its CommonJS build, which cannot be tree-shaken), io-ts likewise
 * (`mainFields`). CommonJS packages are bundled too: Node loading one from an ES module costs more
 * than the rest of a command's modules (its CommonJS loader, its export lexer); a bundle is an ES
 * module, so the banner gives it a `require` for their `require()` of Node's modules, and
 * `__filename`/`__dirname` are the chunk's. `pg` stays outside, imported by
 * the PostgreSQL store only when it connects; string-width is not imported at all, but required by
 * src/cli/format/table.ts on the first text that is not plain ASCII. Not minified: it measured no
 * faster, and a stack trace (STAGECRAFT_DEBUG) keeps its names. No source maps: the package does
 * not ship src/.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = 'dist/cli'

/** `fp-ts/lib/X.js` as `fp-ts/es6/X.js`. */
const fpTsModules = {
  name: 'fp-ts-es6',
  /** @param {esbuild.PluginBuild} build */
  setup(build) {
    build.onResolve({ filter: /^fp-ts\/lib\// }, ({ path, kind, resolveDir }) =>
      build.resolve(path.replace(/^fp-ts\/lib\//, 'fp-ts/es6/'), { kind, resolveDir }),
    )
  },
}

/** @type {esbuild.BuildOptions} */
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19', // package.json engines
  mainFields: ['module', 'main'],
  external: ['pg', 'fs-native-extensions'],
  plugins: [fpTsModules],
  banner: {
    js:
      "import { createRequire as __createRequire } from 'node:module'; " +
      'const require = __createRequire(import.meta.url);',
  },
  define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' },
  metafile: true,
  logLevel: 'warning',
}

// The bundles only: tsc does not build src/cli (tsconfig.json excludes it), and an earlier build's files go.
rmSync(`${ROOT}/${OUT}`, { recursive: true, force: true })

const cli = await esbuild.build({
  ...common,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: OUT,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
})
writeFileSync(`${ROOT}/${OUT}/meta.json`, `${JSON.stringify(cli.metafile)}\n`)
chmodSync(`${ROOT}/${OUT}/main.js`, 0o755)

await esbuild.build({ ...common, entryPoints: { demo: 'src/cli/demo.ts' }, outdir: OUT })
