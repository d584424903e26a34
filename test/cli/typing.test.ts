/**
 * Typing less (docs/cli.md, "Typing less" and "completion"): suggestions for mistyped commands, options, phases,
 * statuses and shells; short options; completion scripts generated from the tables, run in the shells themselves.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, cli, defaultStore, fails, ok, tempDir } from './support.js'

describe.concurrent('a mistyped name is a usage error (exit 2) suggesting the nearest', () => {
  const cases: Array<[string, string[], string]> = [
    ['an option', ['list', '--evn', 'prod'], 'stagecraft-state list: unknown option --evn; did you mean --env?'],
    ['an option with its value attached', ['list', '--lmit=3'], 'unknown option --lmit; did you mean --limit?'],
    ['a global option', ['list', '--stat-file', 'x'], 'unknown option --stat-file; did you mean --state-file?'],
    ['a command begun', ['hist'], 'unknown command "hist"; did you mean history?'],
    ['a command with letters swapped', ['lsit'], 'unknown command "lsit"; did you mean list?'],
    ['a help topic', ['help', 'recovr'], 'unknown command "recovr"; did you mean recover?'],
    [
      'a shell',
      ['completion', 'bsh'],
      'no completion for shell "bsh" (one of bash, zsh, fish); did you mean bash or zsh?',
    ],
    ['a phase', ['phase', 'rel-1', 'bild', 'running'], 'unknown phase "bild" (one of build, push, migrate_pre'],
    ['a status', ['phase', 'rel-1', 'build', 'runing'], 'unknown phase status "runing" (one of pending, running'],
  ]
  it.each(cases)('%s', async (_name, args, message) => {
    const line = await fails(tempDir(), args, 2)
    expect(line).toContain(message)
    expect(line).toMatch(/\(see "stagecraft-state( [a-z-]+)? --help"\)$/)
  })

  it('a phase and a status suggest the name they are near', async () => {
    expect(await fails(tempDir(), ['phase', 'rel-1', 'bild', 'running'], 2)).toMatch(/; did you mean build\?/)
    expect(await fails(tempDir(), ['phase', 'rel-1', 'build', 'runing'], 2)).toMatch(/; did you mean running\?/)
  })

  it('nothing near, nothing suggested', async () => {
    expect(await fails(tempDir(), ['list', '--bogus'], 2)).toBe(
      'stagecraft-state list: unknown option --bogus (see "stagecraft-state list --help")',
    )
    expect(await fails(tempDir(), ['deploy'], 2)).toBe(
      'stagecraft-state: unknown command "deploy" (see "stagecraft-state --help")',
    )
  })

  it("another command's option names the commands that take it", async () => {
    expect(await fails(tempDir(), ['list', '--reason', 'x'], 2)).toContain(
      'unknown option --reason (an option of phase, recover)',
    )
  })

  it('a status given before the phase is named as swapped, and nothing is read or recorded', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    const before = defaultStore(directory).logLines()
    expect(await fails(directory, ['phase', id, 'running', 'build'], 2)).toContain(
      'running is a status and build a phase: give PHASE, then STATUS',
    )
    expect(await fails(directory, ['phase', id, ' bild', 'running'], 2)).toContain('did you mean build?')
    expect(defaultStore(directory).logLines()).toEqual(before)
    // Blanks around a known name are trimmed, as the API trims them.
    expect(await ok(directory, ['phase', id, ' build ', 'running'])).toContain('build pending -> running')
  })
})

describe('short options', () => {
  it('-e for --env and -n for --limit, after or before the command, the value next or attached', async () => {
    const directory = tempDir()
    await ok(directory, ['create', '-e', 'prod', '--version', 'v1'])
    await ok(directory, ['create', '-eprod', '--version', 'v2'])
    await ok(directory, ['create', '-e', 'staging', '--version', 'v1'])
    const versions = async (args: string[]) =>
      (JSON.parse(await ok(directory, [...args, '--json'])) as Array<{ version: string }>).map((r) => r.version)
    expect(await versions(['list', '-e', 'prod'])).toEqual(['v2', 'v1'])
    expect(await versions(['list', '-e', 'prod', '-n', '1'])).toEqual(['v2'])
    expect(await versions(['-e', 'prod', '-n1', 'list'])).toEqual(['v2'])
    expect(await versions(['-e', 'staging', 'list'])).toEqual(['v1'])
    expect((JSON.parse(await ok(directory, ['current', '-e', 'prod', '--json'])) as { version: string }).version).toBe(
      'v2',
    )
    expect(await ok(directory, ['history', '-e', 'staging'])).not.toContain('prod')
  })

  it('a short option without its value names the long option', async () => {
    expect(await fails(tempDir(), ['list', '-e'], 2)).toContain('--env needs a value')
  })

  it('-n is refused where no count is taken, and the help shows each short option', async () => {
    expect(await fails(tempDir(), ['show', 'rel-1', '-n', '3'], 2)).toContain('unknown option -n')
    const help = await ok(tempDir(), ['list', '--help'])
    expect(help).toMatch(/-e, --env E/)
    expect(help).toMatch(/-n, --max N/)
    expect(await ok(tempDir(), ['history', '--help'])).toMatch(/-n, --max N/)
  })
})

const SHELL_AVAILABLE = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0

const script = async (shell: string): Promise<string> => {
  const file = join(tempDir(), `completion.${shell}`)
  writeFileSync(file, await ok(tempDir(), ['completion', shell]))
  return file
}

describe('completion', () => {
  it('bash: the script registers itself and completes commands, options, phases, statuses and shells', async () => {
    const file = await script('bash')
    // What bash would offer at the end of each line: COMP_WORDS set as bash sets it, the function called.
    const offers = `
source ${JSON.stringify(file)}
complete -p stagecraft-state
offer() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _stagecraft_state; echo "\${COMPREPLY[*]}"; }
offer stagecraft-state li
offer stagecraft-state --state-file x.json h
offer stagecraft-state list --e
offer stagecraft-state -e prod list --li
offer stagecraft-state phase rel-1 b
offer stagecraft-state phase --reason why rel-1 build r
offer stagecraft-state completion ''
offer stagecraft-state list --env ''
offer stagecraft-state help rec
`
    const run = spawnSync('bash', ['--norc', '-c', offers], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.stdout.split('\n')).toEqual([
      'complete -F _stagecraft_state stagecraft-state',
      'list',
      'history help',
      '--env',
      '--limit',
      'build',
      'running',
      'bash zsh fish',
      '',
      'recover reconcile',
      '',
    ])
  })

  it('bash: file names after --state-file, nothing after a value option such as --env', async () => {
    const directory = tempDir()
    writeFileSync(join(directory, 'releases-a.json'), '')
    const file = await script('bash')
    const run = spawnSync(
      'bash',
      [
        '--norc',
        '-c',
        `source ${JSON.stringify(file)}; COMP_WORDS=(stagecraft-state --state-file rel); COMP_CWORD=2; _stagecraft_state; echo "\${COMPREPLY[*]}"`,
      ],
      { encoding: 'utf8', cwd: directory },
    )
    expect(run.stdout.trim()).toBe('releases-a.json')
  })

  it.runIf(SHELL_AVAILABLE('zsh'))(
    'zsh: the script parses, and sourced after compinit registers its function',
    async () => {
      const file = await script('zsh')
      expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0)
      const run = spawnSync(
        'zsh',
        [
          '-f',
          '-c',
          `autoload -U compinit && compinit -u -D && source ${JSON.stringify(file)} && print -r -- $_comps[stagecraft-state]`,
        ],
        { encoding: 'utf8' },
      )
      expect(run.stdout.trim()).toBe('_stagecraft_state')
    },
  )

  it.runIf(SHELL_AVAILABLE('fish'))('fish: the script parses and completes commands, options and phases', async () => {
    const file = await script('fish')
    expect(spawnSync('fish', ['-n', file], { encoding: 'utf8' }).status).toBe(0)
    const offers = (line: string): string[] =>
      spawnSync('fish', ['--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`], {
        encoding: 'utf8',
      })
        .stdout.split('\n')
        .filter((entry) => entry !== '')
        .map((entry) => entry.split('\t')[0] as string)
    expect(offers('stagecraft-state li')).toEqual(['list'])
    expect(offers('stagecraft-state list --e')).toEqual(['--env'])
    expect(offers('stagecraft-state phase rel-1 bu')).toEqual(['build'])
    expect(offers('stagecraft-state phase rel-1 build r')).toEqual(['running'])
  })

  it('every command and option of the tables is in every script', async () => {
    const { COMMANDS } = await import('../../src/cli/commands/index.js')
    for (const shell of ['bash', 'zsh', 'fish']) {
      const text = await ok(tempDir(), ['completion', shell])
      for (const command of COMMANDS) {
        expect(text, `${shell}: ${command.name}`).toMatch(new RegExp(`\\b${command.name}\\b`))
        for (const option of Object.keys(command.options ?? {}))
          expect(text, `${shell}: ${command.name} --${option}`).toMatch(
            shell === 'fish' ? new RegExp(`-l ${option}\\b`) : new RegExp(`--${option}\\b`),
          )
      }
    }
  })

  it('reads no store: none is created, a broken STAGECRAFT_STATE_URL plays no part', async () => {
    const directory = tempDir()
    const run = await cli(directory, ['completion', 'bash'], {
      STAGECRAFT_STATE_URL: 'postgres://nobody@127.0.0.1:1/x',
    })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    expect(defaultStore(directory).exists()).toBe(false)
    expect(CLI).toContain('dist')
  })
})

describe('the tables and the distance behind them', () => {
  it('no two options of a command (its own and the global ones) share a short name', async () => {
    const { COMMANDS } = await import('../../src/cli/commands/index.js')
    const { GLOBAL_OPTIONS } = await import('../../src/cli/globals.js')
    for (const command of COMMANDS) {
      const shorts = Object.values({ ...GLOBAL_OPTIONS, ...command.options }).flatMap((spec) =>
        spec.short === undefined ? [] : [spec.short],
      )
      expect(shorts, command.name).toEqual([...new Set(shorts)])
    }
  })

  it('the edit distance counts a swap of neighbours as one edit, and is symmetric', async () => {
    const { editDistance, nearest } = await import('../../src/cli/suggest.js')
    expect(editDistance('lsit', 'list')).toBe(1)
    expect(editDistance('bild', 'build')).toBe(1)
    expect(editDistance('deploy', 'replay')).toBe(2)
    expect(editDistance('', 'abc')).toBe(3)
    for (const [a, b] of [
      ['--evn', '--env'],
      ['runing', 'running'],
      ['kitten', 'sitting'],
    ] as const)
      expect(editDistance(a, b)).toBe(editDistance(b, a))
    expect(nearest('roll', ['rollback-target', 'recover'])).toEqual(['rollback-target'])
  })
})
