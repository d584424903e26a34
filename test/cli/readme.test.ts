/**
 * The commands the README and the manual show are commands that work: the README's quick start
 * (`npx stagecraft-state`; `npm run demo` is run by demo.test.ts), its CLI examples run for
 * real, and every `stagecraft-state` line in either document parses without a usage error.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/cli/args.js'
import { fixturePath } from '../fixtures/index.js'
import { runSession } from './session.js'
import { cleanEnv, ROOT, runProcess, tempDir } from './support.js'

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

/** The lines of the shell blocks (```sh, ```console) of a Markdown text; bare blocks hold synopses. */
const codeLines = (markdown: string): string[] =>
  [...markdown.matchAll(/```(?:sh|bash|console)\n([\s\S]*?)```/g)].flatMap((match) => (match[1] ?? '').split('\n'))

/** Shell words of a command line, up to the first pipe, redirection, comment or closing `)`. */
const shellWords = (line: string): string[] => {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (const character of line) {
    if (quote !== undefined) {
      if (character === quote) quote = undefined
      else word = (word ?? '') + character
    } else if (character === '"' || character === "'") {
      quote = character
      word ??= ''
    } else if ('|>#);&'.includes(character)) break
    else if (/\s/.test(character)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else word = (word ?? '') + character
  }
  return word === undefined ? words : [...words, word]
}

/** The arguments of every `stagecraft-state` invocation in the code blocks of a document. */
const invocations = (markdown: string): string[][] =>
  codeLines(markdown).flatMap((line) =>
    [...line.matchAll(/(?:^|[\s$(])stagecraft-state((?:\s|$).*)/g)].map((match) => shellWords(match[1] ?? '')),
  )

describe('the README', () => {
  const readme = read('README.md')

  it('its CLI examples run against a store holding the release they name', async () => {
    const examples = codeLines(readme).filter((line) => line.startsWith('npx stagecraft-state '))
    expect(examples.length).toBeGreaterThan(0)
    const commands = examples.map((line) => line.replace(/^npx /, ''))
    const { directory, steps } = await runSession([
      'mkdir -p .stagecraft',
      `cp "${fixturePath('go/single-prod.json')}" .stagecraft/releases.json`,
      ...commands,
    ])
    for (const step of steps)
      expect({ command: step.command, exitCode: step.exitCode, output: step.output }).toMatchObject({ exitCode: 0 })
    expect(steps.at(-1)?.output).toMatch(/^sound: /)
    expect(existsSync(join(directory, '.stagecraft', 'releases.events.ndjson'))).toBe(true)
  })

  it('names npm run demo in its quick start (test/cli/demo.test.ts runs it)', () => {
    expect(readme).toMatch(/^npm run demo +# /m)
  })

  // In a clone, npx installs the repository into its cache as a link, and that install runs
  // `prepare`, rebuilding dist/ under every CLI test running beside this one: a cache of the
  // test's own, without scripts, keeps dist/ as npm test built it.
  it.runIf(readme.includes('npx stagecraft-state'))(
    'npx stagecraft-state runs the package bin in the repository',
    async () => {
      const env = cleanEnv({ npm_config_cache: tempDir(), npm_config_ignore_scripts: 'true' })
      const run = await runProcess('npx', ['--no-install', 'stagecraft-state', '--version'], { cwd: ROOT, env })
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(`stagecraft-state ${(JSON.parse(read('package.json')) as { version: string }).version}\n`)
    },
  )
})

describe('every stagecraft-state command line in the README and docs/cli.md parses', () => {
  const lines = [...invocations(read('README.md')), ...invocations(read('docs/cli.md'))].filter(
    (args) => args.length > 0,
  )

  it('there are plenty of them', () => expect(lines.length).toBeGreaterThan(25))

  it.each(lines.map((args) => [args.join(' '), args] as const))('stagecraft-state %s', (_text, args) => {
    const parsed = parseCommandLine(args)
    expect(E.isRight(parsed) ? 'ok' : parsed.left.message).toBe('ok')
  })
})
