/**
 * The event log deleted, releases.json and the record of its last write kept (issue 10, point 7):
 * `create` fails with CORRUPT_STATE naming the log and the record, and writes nothing; `verify`
 * is not sound, and says so at the record. Never a new history started from an import.
 */
import { rmSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cli, defaultStore, fails, ok, tempDir } from './support.js'

describe('a deleted event log', () => {
  it('create: CORRUPT_STATE naming the log and the record, exit 1, nothing written; verify: NOT sound, at the record', async () => {
    const directory = tempDir()
    const store = defaultStore(directory)
    await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '-q'])
    rmSync(`${store.stateFile.replace(/\.json$/, '')}.checkpoint`)
    rmSync(store.eventLog)
    const before = store.snapshot()

    const line = await fails(directory, ['create', '--env', 'prod', '--version', 'v2'], 1)
    expect(line).toContain(
      `stagecraft-state: CORRUPT_STATE: ${store.eventLog} is missing or empty, but ${store.stateFile}.sha256 was written after its event 1`,
    )
    expect(store.snapshot()).toBe(before)
    expect(() => store.logLines()).toThrow(/ENOENT/)

    const verified = await cli(directory, ['verify'])
    expect(verified.code).toBe(1)
    expect(verified.stdout).toContain(`${store.stateFile}.sha256: error: ${store.eventLog} is missing or empty`)
    expect(verified.stdout).not.toContain('has no event log yet')
  })
})
