/**
 * Files no writer of this module leaves, made to hurt a reader (issue 10): values nested deeper, and
 * lines longer, than the bounds of src/domain/json-limits.ts. Refused where they are read, naming
 * the file, the line and the limit; a value within the bounds goes through every write and read.
 */
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_LINE_DEPTH, MAX_LOG_LINE_BYTES, MAX_SNAPSHOT_DEPTH } from '../../src/domain/json-limits.js'
import { deploy, freshManager, rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'

/** `value` inside `depth` arrays. */
const nested = (depth: number, value = '0'): string => `${'['.repeat(depth)}${value}${']'.repeat(depth)}`

/** A manager on a store whose releases.json is `text`, not yet imported. */
const withSnapshot = (text: string) => {
  const cwd = tempDir()
  const stateFile = join(cwd, 'releases.json')
  writeFileSync(stateFile, text)
  return { ...freshManager({ cwd, stateFile }), stateFile }
}

/** The log's only line rewritten: `edit` applied to it (its `prev` stays the genesis hash, so the chain holds). */
const rewriteOnlyLine = (eventLog: string, edit: (line: string) => string): void => {
  const lines = readFileSync(eventLog, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
  expect(lines).toHaveLength(1)
  writeFileSync(eventLog, `${edit(lines[0] as string)}\n`)
}

/** Only the log is left beside the state file: nothing else contradicts the rewritten line. */
const onlyTheLog = (stateFile: string): void => {
  for (const beside of [stateFile, `${stateFile}.sha256`, stateFile.replace(/\.json$/, '.checkpoint')])
    rmSync(beside, { force: true })
}

describe('a value too long for a log line, imported from releases.json', () => {
  it('given a release id of 1.2 million characters, when a create would name it as its previous release, then the create is refused and nothing is recorded', async () => {
    const id = `rel-1${'x'.repeat(1_200_000)}`
    const { manager, stateFile, eventLog } = withSnapshot(
      `{"releases": [{"id": "${id}", "environment": "prod", "version": "v1", "timestamp": "2024-01-01T12:00:00Z"}]}`,
    )
    const error = await rejection(manager.createRelease('prod', 'v2'))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(
      new RegExp(
        `ReleaseCreated event would be a line that cannot be read back: the line is \\d+ bytes long, more than the ${MAX_LOG_LINE_BYTES} bytes`,
      ),
    )
    expect(existsSync(eventLog)).toBe(false)
    expect((await manager.createRelease('staging', 'v1')).release.environment).toBe('staging') // another environment names no such id
    expect((await freshManager({ cwd: tempDir(), stateFile }).manager.verify()).sound).toBe(true)
  })
})

describe('a value nested at the limit goes through every write and every read', () => {
  // File, "releases", the record: a field's value opens at level 4.
  const atTheLimit = nested(MAX_SNAPSHOT_DEPTH - 4)
  const file = `{\n  "releases": [\n    {"id": "rel-20240101-120000", "environment": "prod", "version": "v0", "timestamp": "2024-01-01T12:00:00Z", "extra": ${atTheLimit}}\n  ],\n  "deep": ${nested(MAX_SNAPSHOT_DEPTH - 2)}\n}`

  it('given such a releases.json, when it is imported with a create, edited and accepted, then readers from the checkpoint and from a full replay read it all back', async () => {
    const { manager, make, stateFile, eventLog } = withSnapshot(file)
    await deploy(manager, 'prod', 'v1', ['build'])
    // The record's deepest value travels deepest in a SnapshotReconciled: its `after`.
    writeFileSync(stateFile, readFileSync(stateFile, 'utf8').replace('"version": "v0"', '"version": "v0-edited"'))
    await manager.reconcile('accept')
    const types = readFileSync(eventLog, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { type: string }).type)
    expect(types).toEqual(['SnapshotImported', 'ReleaseCreated', 'PhaseUpdated', 'PhaseUpdated', 'SnapshotReconciled'])
    await deploy(manager, 'prod', 'v2')
    const fromCheckpoint = make()
    expect((await fromCheckpoint.listReleases('prod')).map((release) => release.version)).toEqual([
      'v2',
      'v1',
      'v0-edited',
    ])
    rmSync(stateFile.replace(/\.json$/, '.checkpoint'))
    const replayed = make()
    expect((await replayed.listReleases('prod')).map((release) => release.version)).toEqual(['v2', 'v1', 'v0-edited'])
    expect((await replayed.verify()).problems.filter((problem) => problem.severity === 'error')).toEqual([])
    const written = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      releases: Array<{ extra?: unknown }>
      deep: unknown
    }
    expect(written.releases[0]?.extra).toEqual(JSON.parse(atTheLimit))
    expect(written.deep).toEqual(JSON.parse(nested(MAX_SNAPSHOT_DEPTH - 2)))
  })
})

describe('an import line longer than an ordinary line may be', () => {
  it(`given a releases.json of more than ${MAX_LOG_LINE_BYTES} bytes, when it is imported, then a full replay reads its line back`, async () => {
    const record = (i: number): string =>
      `{"id": "rel-20240101-${String(100000 + i).slice(1)}", "environment": "prod", "version": "v${i}-${'x'.repeat(300)}", "timestamp": "2024-01-01T00:00:00Z"}`
    const { manager, make, stateFile, eventLog } = withSnapshot(
      `{"releases": [${Array.from({ length: 4000 }, (_, i) => record(i)).join(',\n')}]}`,
    )
    await manager.importSnapshot()
    expect(readFileSync(eventLog).length).toBeGreaterThan(MAX_LOG_LINE_BYTES)
    rmSync(stateFile.replace(/\.json$/, '.checkpoint'), { force: true })
    expect(await make().listReleases('prod')).toHaveLength(4000)
  })
})

describe('a log line past the bounds is CORRUPT_STATE naming the log, the line and the limit', () => {
  it(`given a line nesting a value past ${MAX_LINE_DEPTH} levels, when a new process reads the log, then reads refuse it and verify reports it`, async () => {
    const { manager, make, stateFile, eventLog } = withSnapshot('{"releases": [], "deep": 1}')
    await manager.importSnapshot()
    rewriteOnlyLine(eventLog, (line) => line.replace('"deep":1', `"deep":${nested(3000)}`))
    onlyTheLog(stateFile)
    const reader = make()
    const error = await rejection(reader.listAllReleases())
    expect(error).toMatchObject({ code: 'CORRUPT_STATE' })
    expect(error.message).toContain(`${eventLog}:1: arrays and objects nest more than ${MAX_LINE_DEPTH} deep`)
    expect((await rejection(reader.createRelease('prod', 'v1'))).code).toBe('CORRUPT_STATE')
    expect(readFileSync(eventLog, 'utf8').split('\n')).toHaveLength(2) // nothing appended
    const report = await reader.verify()
    expect(report.sound).toBe(false)
    expect(report.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        location: `${eventLog}:1`,
        message: expect.stringContaining(`more than ${MAX_LINE_DEPTH} deep`),
      }),
    )
  })

  it(`given a phase-change or create line longer than ${MAX_LOG_LINE_BYTES} bytes, then reads refuse it, naming its length`, async () => {
    const { manager, make, stateFile, eventLog } = freshManager()
    await manager.createRelease('prod', 'v1', undefined, { note: 'short' })
    const long = 'n'.repeat(MAX_LOG_LINE_BYTES)
    rewriteOnlyLine(eventLog, (line) => line.replace('"note":"short"', `"note":"${long}"`))
    onlyTheLog(stateFile)
    const error = await rejection(make().listAllReleases())
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toMatch(
      new RegExp(`:1: the line is \\d+ bytes long, more than the ${MAX_LOG_LINE_BYTES} bytes stagecraft-state reads`),
    )
    expect(existsSync(stateFile)).toBe(false)
  })
})

describe('a checkpoint line past the bounds', () => {
  /**
   * The checkpoint with `edit` applied to its lines but the last, and that last (its SHA-256) made again: a forged,
   * whole file.
   */
  const forgeCheckpoint = (checkpoint: string, edit: (body: string) => string): void => {
    const text = readFileSync(checkpoint, 'utf8')
    const body = edit(text.slice(0, text.lastIndexOf('sha256 ')))
    writeFileSync(checkpoint, `${body}sha256 ${createHash('sha256').update(body).digest('hex')}\n`)
  }

  it('given a release line nesting too deep, then the release is CORRUPT_STATE naming the checkpoint and its line', async () => {
    const { manager, make, stateFile } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    const checkpoint = stateFile.replace(/\.json$/, '.checkpoint')
    forgeCheckpoint(checkpoint, (body) => body.replace('"version":"v1"', `"version":"v1","x":${nested(100)}`))
    const error = await rejection(make().getRelease(release.id))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toContain(`${checkpoint}:2: arrays and objects nest more than ${MAX_LINE_DEPTH} deep`)
  })

  it('given a header nesting too deep, then the checkpoint is not used (a cache), and the log is replayed, with a warning naming its line', async () => {
    const { manager, make, stateFile, warnings } = freshManager()
    const { release } = await manager.createRelease('prod', 'v1')
    const checkpoint = stateFile.replace(/\.json$/, '.checkpoint')
    forgeCheckpoint(checkpoint, (body) => body.replace('"otherFields":{}', `"otherFields":{"x":${nested(100)}}`))
    expect((await make().getRelease(release.id)).version).toBe('v1')
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `is not used: its header (line 3) cannot be read: arrays and objects nest more than ${MAX_LINE_DEPTH} deep`,
      ),
    )
  })
})

describe('a file of the store that is a symbolic link is refused, naming it; a linked directory is fine', () => {
  it('given releases.json linking to another file, then writes and reads refuse it, and the file it names is untouched', async () => {
    const elsewhere = join(tempDir(), 'releases.json')
    const theirs = '{\n  "releases": []\n}'
    writeFileSync(elsewhere, theirs)
    const { manager, stateFile, eventLog } = freshManager()
    mkdirSync(join(stateFile, '..'))
    symlinkSync(elsewhere, stateFile)
    const refused = await rejection(manager.createRelease('prod', 'v1'))
    expect(refused).toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining(
        `${stateFile} (the state file) is a symbolic link to ${elsewhere}; stagecraft-state does not write through links`,
      ),
    })
    expect((await rejection(manager.listAllReleases())).message).toBe(refused.message)
    expect(readFileSync(elsewhere, 'utf8')).toBe(theirs)
    expect(existsSync(eventLog)).toBe(false)
  })

  it.each([
    ['event log', (stateFile: string) => stateFile.replace(/\.json$/, '.events.ndjson')],
    ['checkpoint', (stateFile: string) => stateFile.replace(/\.json$/, '.checkpoint')],
    ['record of the snapshot', (stateFile: string) => `${stateFile}.sha256`],
  ])(
    'given the %s linking to a copy of itself elsewhere, then a write refuses it and the copy is untouched',
    async (what, pathOf) => {
      const { manager, make, stateFile } = freshManager()
      await manager.createRelease('prod', 'v1')
      const file = pathOf(stateFile)
      const elsewhere = join(tempDir(), 'moved')
      renameSync(file, elsewhere)
      symlinkSync(elsewhere, file)
      const copy = readFileSync(elsewhere)
      for (const writer of [manager, make()]) {
        const refused = await rejection(writer.createRelease('prod', 'v2'))
        expect(refused).toMatchObject({
          code: 'IO_ERROR',
          message: expect.stringContaining(`${file} (the ${what}) is a symbolic link to ${elsewhere}`),
        })
      }
      expect(readFileSync(elsewhere).equals(copy)).toBe(true)
      expect((await rejection(make().listAllReleases())).code).toBe('IO_ERROR') // a new reader too
    },
  )

  it('given the state directory itself a link (a CI cache), then writes, reads and verify work through it', async () => {
    const cwd = tempDir()
    const cache = join(tempDir(), 'cache')
    mkdirSync(cache)
    symlinkSync(cache, join(cwd, '.stagecraft'))
    const { manager, make } = freshManager({ cwd })
    await deploy(manager, 'prod', 'v1', ['build'])
    await manager.createRelease('prod', 'v2')
    expect((await make().listReleases('prod')).map((release) => release.version)).toEqual(['v2', 'v1'])
    expect((await make().verify()).sound).toBe(true)
    expect(readdirSync(cache).sort()).toEqual([
      'releases.checkpoint',
      'releases.events.ndjson',
      'releases.events.ndjson.lock',
      'releases.json',
      'releases.json.sha256',
    ])
  })
})
