/**
 * The command line itself: help everywhere, the version, global options before or after the
 * command, and every kind of usage error exiting 2 with one line that names the mistake, before
 * any file is touched.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, defaultStore, fails, ok, ROOT, tempDir } from './support.js'

const COMMANDS = [
  'create',
  'phase',
  'show',
  'current',
  'list',
  'history',
  'replay',
  'verify',
  'rollback-target',
  'recover',
  'import',
  'reconcile',
]
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

describe('help and version', () => {
  it('--help lists every command, the global options, the environment and the exit codes', async () => {
    const out = await ok(tempDir(), ['--help'])
    for (const command of COMMANDS) expect(out).toMatch(new RegExp(`^  ${command} +\\S`, 'm'))
    for (const option of ['--state-file PATH', '--json', '--actor NAME', '--lock-timeout DURATION', '--version'])
      expect(out).toContain(option)
    for (const variable of ['STAGECRAFT_STATE_FILE', 'STAGECRAFT_ACTOR', 'NO_COLOR', 'STAGECRAFT_DEBUG'])
      expect(out).toContain(variable)
    expect(out).toMatch(/^ {2}2 {2}usage error/m)
  })

  it.each(COMMANDS)('%s --help shows its usage, options and the global options, and exits 0', async (command) => {
    const directory = tempDir()
    const forms =
      command === 'list'
        ? [
            [command, '--help'],
            ['--help', command],
            [command, '-h'],
            ['help', command],
          ]
        : [[command, '--help']]
    for (const args of forms) {
      const out = await ok(directory, args)
      expect(out).toMatch(new RegExp(`^Usage: stagecraft-state ${command}`))
      expect(out).toContain('--state-file PATH')
    }
    expect(defaultStore(directory).exists()).toBe(false)
  })

  it('help fits 80 columns on a pipe: a long option help continues under itself', async () => {
    const directory = tempDir()
    for (const args of [['--help'], ...COMMANDS.map((command) => [command, '--help'])]) {
      const lines = (await ok(directory, args)).trimEnd().split('\n')
      const examples = lines.indexOf('Examples:')
      // Examples are commands to copy: they are never broken.
      for (const line of examples === -1 ? lines : lines.slice(0, examples))
        expect(line.length, `${args.join(' ')}: ${line}`).toBeLessThanOrEqual(80)
    }
    const global = (await ok(directory, ['--help'])).split('\n')
    const store = global.findIndex((line) => line.startsWith('  --store URL '))
    const column = (global[store] ?? '').indexOf('a PostgreSQL store')
    expect(column).toBeGreaterThan(10)
    expect(global[store + 1]?.slice(0, column).trim()).toBe('') // the continuation starts in the help column
    expect(global[store + 1]?.slice(column)).toMatch(/^\S/)
  })

  it("a command's help has a blank line between its summary and its description", async () => {
    const lines = (await ok(tempDir(), ['phase', '--help'])).split('\n')
    const summary = lines.indexOf('Record a phase transition of a release.')
    expect(summary).toBeGreaterThan(0)
    expect(lines[summary - 1]).toBe('')
    expect(lines[summary + 1]).toBe('')
    expect(lines[summary + 2]).toMatch(/^Moves one phase of a release to a status/)
  })

  it('help wins over other mistakes on the same line', async () => {
    expect(await ok(tempDir(), ['list', '--bogus', '--help'])).toMatch(/^Usage: stagecraft-state list/)
  })

  it('--version prints the version of package.json, also as JSON', async () => {
    expect(await ok(tempDir(), ['--version'])).toBe(`stagecraft-state ${version}\n`)
    expect(JSON.parse(await ok(tempDir(), ['--version', '--json']))).toEqual({ name: 'stagecraft-state', version })
  })

  it('after create, --version is the release version, not the program version', async () => {
    const directory = tempDir()
    const out = await ok(directory, ['create', '--env', 'prod', '--version', 'v9.9.9', '--json'])
    expect(JSON.parse(out)).toMatchObject({ environment: 'prod', version: 'v9.9.9' })
  })
})

describe('global options go before or after the command', () => {
  it('--json and --state-file work in either place', async () => {
    const directory = tempDir()
    await ok(directory, ['--state-file', 'here.json', 'create', '--env', 'prod', '--version', 'v1'])
    const after = JSON.parse(await ok(directory, ['list', '--state-file', 'here.json', '--json'])) as unknown[]
    const before = JSON.parse(await ok(directory, ['--json', '--state-file=here.json', 'list'])) as unknown[]
    expect(after).toHaveLength(1)
    expect(before).toEqual(after)
  })

  it('command options may also come before the command name', async () => {
    const directory = tempDir()
    await ok(directory, ['create', '--env', 'prod', '--version', 'v1'])
    expect(await ok(directory, ['--env', 'prod', 'list'])).toContain('prod')
  })
})

describe.concurrent('usage errors exit 2 with one line naming the mistake', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no command', [], /missing a command/],
    ['an unknown command', ['deploy'], /unknown command "deploy"/],
    ['a misspelt command, with a suggestion', ['lsit'], /unknown command "lsit"; did you mean list\?/],
    [
      'an unknown option',
      ['list', '--bogus'],
      /^stagecraft-state list: unknown option --bogus \(see "stagecraft-state list --help"\)$/,
    ],
    ["another command's option", ['list', '--reason', 'x'], /unknown option --reason/],
    ['an option without its value', ['list', '--env'], /--env needs a value/],
    ['a value for a flag', ['list', '--json=yes'], /--json takes no value/],
    [
      'an option given twice',
      ['create', '--env', 'a', '--env', 'b', '--version', '1'],
      /--env is given more than once/,
    ],
    ['the same value given twice', ['list', '--env', 'a', '--env', 'a'], /--env is given more than once/],
    [
      'create --quiet with --json',
      ['create', '--env', 'prod', '--version', '1', '--quiet', '--json'],
      /--quiet prints only the id and --json the whole record; give one of them/,
    ],
    ['a missing required option', ['create', '--env', 'prod'], /missing --version V/],
    ['a missing positional', ['phase', 'rel-1', 'build'], /missing STATUS/],
    ['an extra positional', ['show', 'rel-1', 'rel-2'], /unexpected argument "rel-2"/],
    ['a limit of zero', ['list', '--limit', '0'], /--limit "0" is not a whole number/],
    ['a limit that is not a number', ['list', '--limit', 'ten'], /--limit "ten"/],
    ['a duration without unit', ['list', '--abandoned-after', '30'], /--abandoned-after "30" is not a duration/],
    ['a bad lock timeout', ['list', '--lock-timeout', 'soon'], /--lock-timeout "soon" is not a duration/],
    ['a time that is not one', ['history', '--since', 'yesterday'], /--since "yesterday" is not a time/],
    [
      '--since later than --until',
      ['history', '--since', '2025-03-02', '--until', '2025-03-01t23:59:59z'],
      /--since 2025-03-02T00:00:00Z is later than --until 2025-03-01T23:59:59Z/,
    ],
    [
      '--since later than --until, as durations ago',
      ['history', '--since', '1h', '--until', '2h'],
      /--since \S+ is later than --until \S+/,
    ],
    ['replay without --at', ['replay'], /missing --at T/],
    [
      'replay at an impossible date',
      ['replay', '--at', '2025-02-30T00:00:00Z'],
      /--at "2025-02-30T00:00:00Z" is not a time/,
    ],
    ['reconcile without a mode', ['reconcile'], /exactly one of --accept or --restore/],
    ['reconcile with both modes', ['reconcile', '--accept', '--restore'], /exactly one of --accept or --restore/],
    ['rollback-target without a target', ['rollback-target', '--env', 'prod'], /say which release to roll back to/],
    [
      'rollback-target with two targets',
      ['rollback-target', '--env', 'prod', '--to-previous', '--to-last-good'],
      /give only one of/,
    ],
    ['recover without a reason', ['recover', 'rel-1'], /missing --reason TEXT/],
    ['an empty state file', ['list', '--state-file', ''], /--state-file is empty/],
    ['an empty actor', ['create', '--env', 'prod', '--version', '1', '--actor', ' '], /actor is empty/],
  ]
  it.each(cases)('%s', async (_name, args, message) => {
    const directory = tempDir()
    const line = await fails(directory, args, 2)
    expect(line).toMatch(message)
    expect(line).not.toMatch(/\n|at .*\.js:\d+/)
    expect(defaultStore(directory).exists()).toBe(false)
  })

  it('prints nothing on stdout', async () => {
    expect((await cli(tempDir(), ['list', '--bogus'])).stdout).toBe('')
  })
})

describe('repeated flags', () => {
  it('a flag given twice is simply given: it asks for the same thing twice', async () => {
    const directory = tempDir()
    expect(await ok(directory, ['list', '--json', '--json'])).toBe('[]\n')
    expect(await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q', '--quiet'])).toMatch(
      /^rel-\d{8}-\d{9}\n$/,
    )
  })
})
