/**
 * docs/cli.md is checked against the CLI: its example session is run for real and must print what
 * the document shows (apart from ids, times, ages and column widths) with the exit codes it
 * shows; every command, and every option of every command, has its place in the manual.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/cli/commands/index.js'
import { GLOBAL_OPTIONS } from '../../src/cli/globals.js'
import { documentedSession, normalise, runSession, type SessionStep } from './session.js'
import { ROOT } from './support.js'

const manual = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8')
const documented = documentedSession(manual, '<!-- session: tested by test/cli/docs.test.ts -->')

describe('the example session of docs/cli.md', () => {
  let directory = ''
  let actual: SessionStep[] = []
  beforeAll(async () => {
    ;({ directory, steps: actual } = await runSession(documented.map((step) => step.command)))
  }, 120_000)

  it('has a good dozen commands, using most of the CLI', () => {
    expect(documented.length).toBeGreaterThan(12)
    for (const command of ['create', 'phase', 'list', 'history', 'show', 'current', 'rollback-target', 'verify']) {
      expect(documented.some((step) => step.command.includes(`stagecraft-state ${command}`))).toBe(true)
    }
  })

  it('every command exits as documented', () => {
    expect(actual.map((step) => [step.command, step.exitCode])).toEqual(
      documented.map((step) => [step.command, step.exitCode]),
    )
  })

  it('prints what the document shows', () => {
    // Both sides are normalised together, so ids are numbered in the same order of appearance.
    const show = (steps: ReadonlyArray<SessionStep>, base: string) =>
      normalise(steps.map((step) => `$ ${step.command}\n${step.output}`).join(''), base)
    expect(show(actual, directory)).toBe(show(documented, '/srv/shop'))
  })
})

describe('the reference part of docs/cli.md', () => {
  const section = (name: string): string => {
    const start = manual.indexOf(`### \`${name}\``)
    expect(start, `a section "### \`${name}\`"`).toBeGreaterThan(-1)
    const end = manual.indexOf('\n### ', start + 1)
    return manual.slice(start, end === -1 ? manual.indexOf('\n## ', start) : end)
  }

  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    'documents %s with its synopsis and every option',
    (name, command) => {
      const text = section(name)
      expect(text).toContain(`stagecraft-state ${name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`)
      for (const option of Object.keys(command.options ?? {})) expect(text, `--${option}`).toContain(`\`--${option}`)
    },
  )

  it('documents every global option, the exit codes and the environment variables', () => {
    for (const option of [...Object.keys(GLOBAL_OPTIONS), 'version']) expect(manual).toContain(`\`--${option}`)
    for (const code of ['`0`', '`1`', '`2`']) expect(manual).toContain(`| ${code} |`)
    for (const variable of ['STAGECRAFT_STATE_FILE', 'STAGECRAFT_ACTOR', 'NO_COLOR', 'FORCE_COLOR', 'STAGECRAFT_DEBUG'])
      expect(manual).toContain(`\`${variable}\``)
  })
})
