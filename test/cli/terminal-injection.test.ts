/**
 * Terminal injection (issue 10, point 4): a `releases.json` written elsewhere (the Go Stagecraft,
 * a person, an attacker) holds ESC, OSC, CR LF, U+009B, bidi and zero-width characters in ids,
 * environments and versions. Given such a file, when a person lists, shows, reads the history,
 * gets the recovery hint or an error, then nothing reaches the terminal raw: each is shown as an
 * escape. `--json` parses to the exact values and holds only printable characters.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultStore, fails, ok, tempDir } from './support.js'

// What a terminal obeys or hides: C0 (but the LF ending each line), DEL, C1, bidi, zero-width, separators, lone
// surrogates.
const RAW =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

const CLEAR = 'rel-\u001b[2J'
const TITLE_ENV = 'prod\u001b]0;pwned\u0007'
const FAKE_ROW = 'v1\r\nrel-fake  prod  v9'
const CSI_ID = 'rel-2\u009b31m'
const HIDDEN_ENV = 'pro\u200bd'
const BIDI_VERSION = 'v\u202e2'

const phases = (rollout: string) => ({
  build: 'completed',
  push: 'completed',
  migrate_pre: 'completed',
  rollout,
  migrate_post: 'pending',
  finalize: 'pending',
})

let directory = ''
beforeAll(() => {
  directory = tempDir()
  mkdirSync(join(directory, '.stagecraft'))
  // Old enough that both look abandoned: the recovery hint names them.
  const releases = [
    {
      id: CLEAR,
      environment: TITLE_ENV,
      version: FAKE_ROW,
      commit_sha: 'abc1234',
      timestamp: '2025-01-01T00:00:00Z',
      phases: phases('running'),
    },
    {
      id: CSI_ID,
      environment: HIDDEN_ENV,
      version: BIDI_VERSION,
      commit_sha: 'abc1234',
      timestamp: '2025-01-02T00:00:00Z',
      phases: phases('running'),
    },
  ]
  writeFileSync(defaultStore(directory).stateFile, JSON.stringify({ releases }, null, 2))
})

const expectNoRaw = (output: string): void => {
  expect(output).not.toMatch(RAW)
}

describe('a file holding terminal escapes, shown to a person', () => {
  it('list shows every value escaped, one row per release, and the recovery hint quotes the ids for bash', async () => {
    const out = await ok(directory, ['list'])
    expectNoRaw(out)
    const [header, ...rows] = out.split('\n')
    expect(rows.slice(0, 2)).toEqual([
      expect.stringMatching(/^rel-\\x1b\[2J {5}prod\\x1b\]0;pwned\\x07 {2}v1\\r\\nrel-fake {2}prod {2}v9 {2}abc1234 /),
      expect.stringMatching(/^rel-2\\u009b31m {2}pro\\u200bd {12}v\\u202e2 {18}abc1234 /),
    ])
    // The columns line up on the escaped text: COMMIT starts at the same cell in every line.
    expect(rows.slice(0, 2).map((row) => row.indexOf('abc1234'))).toEqual([
      header?.indexOf('COMMIT'),
      header?.indexOf('COMMIT'),
    ])
    expect(out).not.toMatch(/^rel-fake/m)
    expect(out).toContain("stagecraft-state recover $'rel-\\x1b[2J' --reason 'orchestrator gone'")
    expect(out).toContain("stagecraft-state recover $'rel-2\\u009b31m' --reason 'orchestrator gone'")
  })

  it('current lines up its table on the escaped text', async () => {
    const out = await ok(directory, ['current'])
    expectNoRaw(out)
    const [header, ...rows] = out.split('\n')
    const versionColumn = header?.indexOf('VERSION') ?? -1
    expect(
      rows.filter((row) => row.startsWith('rel-')).map((row) => row.slice(versionColumn, versionColumn + 2)),
    ).toEqual(['v1', 'v\\'])
  })

  it('show escapes the id, environment and version of the detail view and its hint', async () => {
    const out = await ok(directory, ['show', CSI_ID])
    expectNoRaw(out)
    expect(out).toMatch(/^rel-2\\u009b31m\n/)
    expect(out).toMatch(/environment +pro\\u200bd\n/)
    expect(out).toMatch(/version +v\\u202e2\n/)
    expect(out).toContain("close it out: stagecraft-state recover $'rel-2\\u009b31m'")
  })

  it('show of an id that holds ESC, given on the command line, shows it escaped', async () => {
    const out = await ok(directory, ['show', CLEAR])
    expectNoRaw(out)
    expect(out).toMatch(/^rel-\\x1b\[2J\n/)
    expect(out).toMatch(/version +v1\\r\\nrel-fake {2}prod {2}v9\n/)
  })

  it('an error quoting stored values escapes them in its one line', async () => {
    const message = await fails(directory, ['create', '--env', 'prod', '--version', 'v1', '--rollback-of', CLEAR], 1)
    expectNoRaw(message)
    expect(message).toMatch(
      /^stagecraft-state: INVALID_INPUT: release rel-\\x1b\[2J belongs to environment prod\\x1b\]0;pwned\\x07; a release of prod cannot be/,
    )
  })

  it('a usage error quoting the command line escapes it', async () => {
    const message = await fails(directory, ['list', '--\u001b[2Jbogus'], 2)
    expectNoRaw(message)
    expect(message).toContain('\\x1b[2Jbogus')
  })

  it("with colour forced, only the palette's own SGR codes are printed raw", async () => {
    const out = await ok(directory, ['list'], { FORCE_COLOR: '1' })
    const withoutPalette = out.replace(/\u001b\[(?:1|2|22|31|32|33|35|36|39)m/g, '')
    expect(out).not.toEqual(withoutPalette) // it is coloured
    expectNoRaw(withoutPalette)
    expect(withoutPalette).toContain('rel-\\x1b[2J')
  })
})

describe('the history of such a file, once imported', () => {
  beforeAll(async () => {
    await ok(directory, ['import'])
    await ok(directory, ['recover', CLEAR, '--reason', 'orchestrator gone'])
  })

  it('history escapes the ids of the import and of each phase change', async () => {
    const out = await ok(directory, ['history'])
    expectNoRaw(out)
    expect(out).toContain('rel-\\x1b[2J, rel-2\\u009b31m')
    expect(out).toMatch(/phase +rel-\\x1b\[2J +rollout +running -> failed/)
  })

  it('recover printed the id escaped', async () => {
    const out = await ok(directory, ['recover', CSI_ID, '--reason', 'gone'])
    expectNoRaw(out)
    expect(out).toMatch(/^recovered rel-2\\u009b31m: rollout running -> failed/)
  })

  it('verify is sound, and prints nothing raw', async () => {
    expectNoRaw(await ok(directory, ['verify']))
  })
})

describe('--json', () => {
  it('escapes C1, bidi and zero-width characters as \\u sequences, and parses to the exact values', async () => {
    for (const args of [
      ['list', '--json'],
      ['show', CSI_ID, '--json'],
      ['history', '--json'],
      ['current', '--json'],
    ]) {
      const out = await ok(directory, args)
      expectNoRaw(out.replaceAll('\n', ''))
      expect(out).toContain('\\u009b')
    }
    const listed = JSON.parse(await ok(directory, ['list', '--json'])) as Array<{
      id: string
      environment: string
      version: string
    }>
    expect(listed.map(({ id, environment, version }) => ({ id, environment, version }))).toEqual(
      expect.arrayContaining([
        { id: CLEAR, environment: TITLE_ENV, version: FAKE_ROW },
        { id: CSI_ID, environment: HIDDEN_ENV, version: BIDI_VERSION },
      ]),
    )
  })

  it('replay on a pipe prints the exact bytes of releases.json, as the file holds them', async () => {
    const out = await ok(directory, ['replay', '--at', new Date(Date.now() + 60_000).toISOString()])
    expect(out).toBe(readFileSync(defaultStore(directory).stateFile, 'utf8'))
  })
})

describe('a new release', () => {
  it('is refused an environment holding a zero-width or bidi character, naming it and its position', async () => {
    const fresh = tempDir()
    expect(await fails(fresh, ['create', '--env', HIDDEN_ENV, '--version', 'v1'], 1)).toMatch(
      /^stagecraft-state: INVALID_INPUT: environment "pro\\u200bd" contains U\+200B at character 4: a bidi control or zero-width character/,
    )
    expect(await fails(fresh, ['create', '--env', 'prod\u202e', '--version', 'v1'], 1)).toMatch(
      /U\+202E at character 5/,
    )
    expect(defaultStore(fresh).exists()).toBe(false)
  })

  it('is refused an environment holding ESC, as before, with the value escaped in the message', async () => {
    const message = await fails(tempDir(), ['create', '--env', TITLE_ENV, '--version', 'v1'], 1)
    expectNoRaw(message)
    expect(message).toContain('"prod\\u001b]0;pwned\\u0007" contains a control character (U+001B)')
  })
})
