// @ts-check
/**
 * Side by side: this tree and another (an earlier commit, checked out and built), measured
 * alternately in one run so that the machine's noise hits both alike. A full replay and a cold
 * open from the checkpoint (cold-open.mjs), a deploy (deploy-cost.mjs) at 10,000 releases, and
 * fresh CLI processes on a store of 30 releases; medians, and the ratio this / other.
 *
 *   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)
 *   node test/bench/side-by-side.mjs /tmp/before [rounds]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './stats.mjs'

const [otherRoot, roundsArgument] = process.argv.slice(2)
if (otherRoot === undefined) {
  console.error('usage: node test/bench/side-by-side.mjs OTHER_TREE [ROUNDS]')
  process.exit(2)
}
const trees = { this: fileURLToPath(new URL('../..', import.meta.url)), other: resolve(otherRoot) }
const rounds = Number(roundsArgument ?? 3)

/** @type {Record<string, Record<string, number[]>>} */
const figures = { this: {}, other: {} }
const note = (/** @type {string} */ tree, /** @type {string} */ what, /** @type {number} */ ms) =>
  (figures[tree][what] ??= []).push(ms)

const cliStores = Object.fromEntries(
  Object.entries(trees).map(([name, root]) => {
    const dir = mkdtempSync(join(tmpdir(), `side-by-side-${name}-`))
    for (let i = 0; i < 30; i++)
      spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'create', '--env', 'prod', '--version', `v${i}`], {
        cwd: dir,
      })
    return [name, dir]
  }),
)

const cli = (/** @type {string} */ tree, /** @type {string} */ what, /** @type {string[]} */ args) => {
  const started = performance.now()
  const run = spawnSync(process.execPath, [join(trees[tree], 'dist/cli/main.js'), ...args], {
    cwd: cliStores[tree],
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`${tree}: ${args.join(' ')}: ${run.stderr}`)
  note(tree, what, performance.now() - started)
}

try {
  for (let round = 0; round < rounds; round++) {
    for (const tree of round % 2 === 0 ? ['other', 'this'] : ['this', 'other']) {
      const { coldOpen } = await import(join(trees[tree], 'test/bench/cold-open.mjs'))
      const { deployCost } = await import(join(trees[tree], 'test/bench/deploy-cost.mjs'))
      const opened = await coldOpen(10_000, 3)
      note(tree, 'full replay, 10,000 deploys', opened.wallMs)
      note(tree, 'cold open from the checkpoint, 10,000 deploys', opened.fromCheckpoint.wallMs)
      note(tree, 'a deploy at 10,000 releases', (await deployCost(10_000, 8)).module.deployMedianMs)
      for (let i = 0; i < 5; i++) {
        cli(tree, 'stagecraft-state --version', ['--version'])
        cli(tree, 'stagecraft-state current --env prod', ['current', '--env', 'prod'])
        cli(tree, 'stagecraft-state create', ['create', '--env', 'prod', '--version', `r${round}-${i}`])
      }
    }
  }
} finally {
  for (const dir of Object.values(cliStores)) rmSync(dir, { recursive: true, force: true })
}

for (const what of Object.keys(figures.this)) {
  const [mine, theirs] = [median(figures.this[what]), median(figures.other[what])]
  console.log(
    `${what}: other ${theirs.toFixed(1)} ms, this ${mine.toFixed(1)} ms, this / other ${(mine / theirs).toFixed(2)}`,
  )
}
