/**
 * `-o table|json|jsonl|yaml` through the real CLI: one JSON shape for a release and an event, the API's (the same
 * values `releaseToJson` and `eventToJson` give a caller of the library); `--json` as before; YAML that a YAML reader
 * parses to the same values; errors as JSON on stderr with `-o`; `list --status` and `--max`.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fc } from '@fast-check/vitest'
import { beforeAll, describe, expect, it } from 'vitest'
import { toYaml } from '../../src/cli/format/yaml.js'
import { eventToJson, type HistoryEvent, type Release, releaseToJson } from '../../src/index.js'
import { cli, completePhases, manualClock, ok, seed, tempDir } from './support.js'

let directory = ''
let stateFile = ''
let releases: ReadonlyArray<Release> = []
let events: ReadonlyArray<HistoryEvent> = []

// prod: a completed v1, a failed v2, then v1 again as a rollback with a note; staging: one release in progress.
beforeAll(async () => {
  directory = tempDir()
  stateFile = join(directory, 'releases.json')
  const clock = manualClock(new Date('2025-03-01T10:00:00Z'))
  ;({ releases, events } = await seed(
    stateFile,
    async (manager) => {
      const { release: a } = await manager.createRelease('prod', 'v1', 'abcdef0123', { note: 'first' })
      await completePhases(manager, a)
      clock.set(new Date('2025-03-02T09:00:00Z'))
      const { release: b } = await manager.createRelease('prod', 'v2', 'fedcba9876')
      await manager.updatePhase(b.id, 'build', 'failed', { reason: 'compile error' })
      await manager.createRelease('prod', 'v1', 'abcdef0123', { rollbackOf: a.id, note: 'v2 failed: yes, no, on' })
      const { release: s } = await manager.createRelease('staging', 'v3')
      await manager.updatePhase(s.id, 'build', 'running')
      return { releases: await manager.listAllReleases(), events: await manager.history() }
    },
    clock.now,
  ))
})

const run = (...args: string[]) => ok(directory, ['--state-file', stateFile, ...args])
const jsonOf = (text: string): unknown => JSON.parse(text)

/** YAML parsed by PyYAML (a YAML 1.1 reader, the stricter about plain words), as JSON. */
const parseYaml = (text: string): unknown => {
  const python = spawnSync(
    'python3',
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin.read()), sys.stdout)'],
    { input: text, encoding: 'utf8' },
  )
  if (python.status !== 0) throw new Error(`PyYAML refused the YAML: ${python.stderr}`)
  return JSON.parse(python.stdout)
}
const hasPyYaml = spawnSync('python3', ['-c', 'import yaml']).status === 0

describe('-o json: the shapes of docs/json.md, the same as the API gives', () => {
  it('list: every release as releaseToJson gives it, with status, rollbackOf and note', async () => {
    const listed = jsonOf(await run('list', '-o', 'json')) as Array<Record<string, unknown>>
    expect(listed).toEqual(releases.map((release) => JSON.parse(JSON.stringify(releaseToJson(release)))))
    const rollback = listed.find((release) => release['rollbackOf'] !== null)
    expect(rollback).toMatchObject({ version: 'v1', status: 'pending', note: 'v2 failed: yes, no, on' })
    expect(Object.keys(listed[0] ?? {})).toEqual([
      'id',
      'environment',
      'version',
      'commitSha',
      'timestamp',
      'previousId',
      'phases',
      'status',
      'rollbackOf',
      'note',
    ])
    expect(listed.map((release) => release['status'])).toEqual(['pending', 'failed', 'completed', 'in progress'])
  })

  it('show and current give one release in the same shape', async () => {
    const rollback = releases.find((release) => release.version === 'v1' && release.previousId !== undefined)
    const id = rollback?.id ?? ''
    expect(jsonOf(await run('show', id, '-o', 'json'))).toEqual(releaseToJson(rollback as Release))
    expect(jsonOf(await run('-o', 'json', 'current', '--env', 'prod'))).toEqual(releaseToJson(rollback as Release))
  })

  it('history -o jsonl: a line per event, each the API event (eventToJson of it, and the same as JSON)', async () => {
    const lines = (await run('history', '-o', 'jsonl')).trimEnd().split('\n')
    expect(lines).toEqual(events.map((event) => JSON.stringify(eventToJson(event))))
    expect(lines.map(jsonOf)).toEqual(events.map((event) => JSON.parse(JSON.stringify(event))))
    expect(jsonOf(await run('history', '-o', 'json'))).toEqual(lines.map(jsonOf))
  })

  it('create, phase, recover and rollback-target print the release they recorded or found in the same shape', async () => {
    const other = tempDir()
    const created = jsonOf(
      await ok(other, ['create', '--env', 'prod', '--version', 'v9', '--note', 'hotfix', '-o', 'json']),
    ) as Record<string, unknown>
    expect(created).toMatchObject({ version: 'v9', status: 'pending', rollbackOf: null, note: 'hotfix' })
    const id = created['id'] as string
    expect(jsonOf(await ok(other, ['phase', id, 'build', 'running', '-o', 'json']))).toMatchObject({
      status: 'in progress',
      note: 'hotfix',
    })
    expect(jsonOf(await ok(other, ['-o', 'json', 'recover', id, '--reason', 'gone']))).toMatchObject({ id })
    const target = releases.find((release) => release.version === 'v1' && release.previousId === undefined)
    expect(jsonOf(await run('rollback-target', '--env', 'prod', '--to-version', 'v1', '-o', 'json'))).toEqual(
      releaseToJson(target as Release),
    )
  })

  it('-o goes before or after the command name, spelled -o X, -oX, --output X or --output=X', async () => {
    const expected = await run('list', '-o', 'jsonl')
    expect(expected.trimEnd().split('\n')).toHaveLength(4)
    for (const args of [
      ['-o', 'jsonl', 'list'],
      ['-ojsonl', 'list'],
      ['list', '--output', 'jsonl'],
      ['--output=jsonl', 'list'],
    ])
      expect(await run(...args), args.join(' ')).toBe(expected)
  })

  it('--json keeps its older shapes: releases.json records, events with time and payload', async () => {
    const [first] = jsonOf(await run('list', '--json')) as Array<Record<string, unknown>>
    expect(first).toHaveProperty('commit_sha')
    expect(first).not.toHaveProperty('status')
    const [event] = jsonOf(await run('history', '--json')) as Array<Record<string, unknown>>
    expect(Object.keys(event ?? {})).toEqual(expect.arrayContaining(['time', 'payload', 'release', 'actor']))
    expect(await run('list', '--json', '-o', 'json')).toBe(await run('list', '-o', 'json'))
  })
})

describe('-o yaml', () => {
  it.runIf(hasPyYaml)('list and history parse to the values of -o json', async () => {
    for (const command of ['list', 'history', 'current'])
      expect(parseYaml(await run(command, '-o', 'yaml')), command).toEqual(jsonOf(await run(command, '-o', 'json')))
  })

  it.runIf(hasPyYaml)('any JSON value, strings of every kind, reads back the same', () => {
    const tricky = fc.constantFrom(
      'yes',
      'No',
      'on',
      'OFF',
      'y',
      'null',
      '~',
      'true',
      '0x1f',
      '1e3',
      '08',
      '1:20',
      '2025-01-01',
      '-',
      '- a',
      'a: b',
      '#x',
      ' lead',
      'trail ',
      '',
      "'",
      '"',
      '\\',
      '\n',
      '\u0085',
      '\u2028',
      'é',
      '生产',
      '@x',
      '`x',
      '!tag',
      '&a',
      '*a',
      '|',
      '>',
      '%x',
      '[x]',
      '{x}',
      '.inf',
      '.nan',
      'v1.2.3',
    )
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        tricky,
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(tricky, fc.string()), tie('node'), { maxKeys: 4 }),
      ),
    })).node
    const values = fc.sample(value, { numRuns: 300, seed: 42 })
    // One document holding them all: one run of the reader.
    expect(parseYaml(toYaml(values))).toEqual(JSON.parse(JSON.stringify(values)))
  })
})

describe('errors with -o', () => {
  it('an operation error is JSON on stderr, exit 1; with --json or a table it stays a line of text', async () => {
    const failed = await cli(directory, ['--state-file', stateFile, '-o', 'json', 'show', 'rel-20990101-000000000'])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toBe('')
    expect(jsonOf(failed.stderr)).toEqual({
      error: {
        code: 'RELEASE_NOT_FOUND',
        message: expect.stringContaining('release rel-20990101-000000000 not found'),
      },
    })
    expect(failed.stderr.split('\n')).toHaveLength(2)
    const legacy = await cli(directory, ['--state-file', stateFile, '--json', 'show', 'rel-20990101-000000000'])
    expect(legacy.stderr).toMatch(/^stagecraft-state: RELEASE_NOT_FOUND: /)
  })

  it('a usage error is JSON too, code USAGE, exit 2, even one found before the line is parsed', async () => {
    for (const args of [
      ['-o', 'jsonl', 'list', '--evn', 'prod'],
      ['list', '--status', 'bild', '-o', 'json'],
    ]) {
      const failed = await cli(directory, args)
      expect(failed.code, args.join(' ')).toBe(2)
      expect(jsonOf(failed.stderr)).toEqual({ error: { code: 'USAGE', message: expect.stringContaining('list') } })
    }
  })

  it('an unknown format, or --json with another format, is a usage error', async () => {
    for (const [args, message] of [
      [['list', '-o', 'xml'], /-o "xml" is not an output format; give one of table, json, jsonl, yaml/],
      [['list', '--json', '-o', 'yaml'], /--json and -o yaml ask for different output/],
    ] as const) {
      const failed = await cli(directory, ['--state-file', stateFile, ...args])
      expect(failed.code).toBe(2)
      expect(failed.stderr).toMatch(message)
    }
  })
})

describe('list --status and --max', () => {
  const idsOf = async (...args: string[]) =>
    (jsonOf(await run('list', '-o', 'json', ...args)) as Array<{ id: string; status: string }>).map((r) => r.status)

  it('--status keeps the releases of one overall status; in-progress, in_progress and "in progress" are one', async () => {
    expect(await idsOf('--status', 'failed')).toEqual(['failed'])
    for (const spelling of ['in-progress', 'in_progress', 'in progress', 'IN-PROGRESS'])
      expect(await idsOf('--status', spelling)).toEqual(['in progress'])
    const [header, row] = (await run('list', '--status', 'completed')).split('\n')
    expect([header, row]).toEqual([expect.stringMatching(/^ID /), expect.stringMatching(/ +prod +v1 .* completed$/)])
  })

  it('an unknown status is a usage error listing them', async () => {
    const failed = await cli(directory, ['--state-file', stateFile, 'list', '--status', 'done'])
    expect(failed.code).toBe(2)
    expect(failed.stderr).toMatch(
      /--status "done" is not an overall status; give one of pending, in-progress, completed, recovered, failed/,
    )
  })

  it('--max N keeps the first N of the list, after the other filters', async () => {
    expect(await idsOf('--max', '2')).toEqual(['pending', 'failed'])
    expect(await idsOf('--max', '1', '--env', 'staging')).toEqual(['in progress'])
    expect((await cli(directory, ['list', '--max', '0'])).code).toBe(2)
  })
})
