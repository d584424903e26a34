/**
 * A full disk while releases.json is written, after the events were appended (issue 10, point 5):
 * the command has succeeded. Exit 0, what it recorded on stdout as always, a warning on stderr;
 * the release is recorded once (an orchestrator has no reason to retry); the next command
 * regenerates releases.json.
 *
 * The disk is full for releases.json only: the CLI runs with test/support/full-disk.mjs loaded
 * (`node --import`), which makes writes to the file's temporary fail with ENOSPC.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cli, defaultStore, ok, tempDir } from './support.js'

const FULL_DISK = {
  NODE_OPTIONS: `--import=${fileURLToPath(new URL('../support/full-disk.mjs', import.meta.url))}`,
  FULL_DISK_FOR: 'releases.json',
}

const warning = (stateFile: string): string =>
  `stagecraft-state: warning: ${stateFile}: could not write the snapshot: no space left on the device; the events are recorded, and the next write brings ${stateFile} up to date\n`

/** The kinds of event the store holds, oldest first. */
const eventTypes = async (directory: string): Promise<string[]> =>
  (JSON.parse(await ok(directory, ['history', '--json'])) as Array<{ type: string }>).map((event) => event.type)

describe('a full disk while releases.json is written', () => {
  it('create: exit 0, the id on stdout, the warning on stderr, one release recorded; the next command regenerates releases.json', async () => {
    const directory = tempDir()
    const store = defaultStore(directory)
    const first = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()
    const before = store.snapshot()

    const run = await cli(directory, ['create', '--env', 'prod', '--version', 'v2', '-q'], FULL_DISK)
    expect(run).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^rel-\d{8}-\d{9}\n$/),
      stderr: warning(store.stateFile),
    })
    const id = run.stdout.trim()
    expect(store.snapshot()).toBe(before)
    expect(await eventTypes(directory)).toEqual(['ReleaseCreated', 'ReleaseCreated'])
    expect(JSON.parse(await ok(directory, ['show', id, '--json']))).toMatchObject({
      id,
      version: 'v2',
      previous_id: first,
    })
    expect((await cli(directory, ['verify'])).code).toBe(1)

    const next = await cli(directory, ['phase', id, 'build', 'running'])
    expect(next.code).toBe(0)
    expect(next.stderr).toContain(`${store.stateFile} was behind the event log`)
    expect(
      (JSON.parse(store.snapshot()) as { releases: Array<{ id: string }> }).releases.map((release) => release.id),
    ).toEqual([first, id])
    expect(await ok(directory, ['verify'])).toMatch(/^sound: 3 events, 2 releases/)
  })

  it('phase --json: exit 0, the updated release on stdout, the warning on stderr', async () => {
    const directory = tempDir()
    const store = defaultStore(directory)
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])).trim()

    const run = await cli(directory, ['phase', id, 'build', 'running', '--json'], FULL_DISK)
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: warning(store.stateFile) })
    expect(JSON.parse(run.stdout)).toMatchObject({ id, phases: { build: 'running' } })
    expect(await eventTypes(directory)).toEqual(['ReleaseCreated', 'PhaseUpdated'])

    // The next write regenerates the file, even one that records nothing.
    await cli(directory, ['phase', id, 'build', 'running'])
    expect(JSON.parse(store.snapshot())).toMatchObject({ releases: [{ id, phases: { build: 'running' } }] })
    expect(await ok(directory, ['verify'])).toMatch(/^sound: 2 events/)
  })
})
