/**
 * A store a newer stagecraft-state touched, through the CLI: reads work and warn on stderr,
 * writes fail with NEWER_VERSION (exit 1) and record nothing, verify calls the store sound and
 * reports what it could not check.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hashLine } from '../../src/store/log-line.js'
import { newerLine } from '../app/forward-compat-contract.js'
import { cli, completePhases, defaultStore, seed, tempDir } from './support.js'

/** A store of one completed release of prod, then an event of a newer version (line 8). */
const touchedByNewer = async () => {
  const directory = tempDir()
  const store = defaultStore(directory)
  const id = await seed(store.stateFile, async (manager) => {
    const { release } = await manager.createRelease('prod', 'v1')
    await completePhases(manager, release, ['build', 'push', 'rollout'])
    return release.id
  })
  const lines = store.logLines()
  appendFileSync(
    store.eventLog,
    `${newerLine({ writer: '0.6.0', data: { releaseId: id } })(hashLine(lines.at(-1) as string))}\n`,
  )
  const files = () =>
    readdirSync(dirname(store.stateFile))
      .sort()
      .map((name) => `${name}\n${readFileSync(join(dirname(store.stateFile), name), 'utf8')}`)
      .join('\n')
  return { directory, store, id, files, line: lines.length + 1 }
}

describe('a store a newer stagecraft-state touched', () => {
  it('is listed as before, with a warning on stderr naming the event, its line and the version that wrote it', async () => {
    const { directory, store, id, line } = await touchedByNewer()
    const run = await cli(directory, ['list', '--env', 'prod'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(id)
    expect(run.stderr).toBe(
      `stagecraft-state: warning: ${store.eventLog}:${line}: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0, cannot be interpreted: ` +
        'this version of stagecraft-state knows event types ReleaseCreated, PhaseUpdated, SnapshotImported, SnapshotReconciled, HeadSealed only; it was skipped, and what it changed is not shown. ' +
        'Upgrade to stagecraft-state 0.6.0 or later to see it; this version refuses to write to this store\n',
    )
  })

  it('refuses create with NEWER_VERSION and exit 1, saying what to upgrade to, and records nothing', async () => {
    const { directory, store, files, line } = await touchedByNewer()
    const before = files()
    const run = await cli(directory, ['create', '--env', 'prod', '--version', 'v2'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(
      run.stderr
        .split('\n')
        .filter((l) => l !== '')
        .at(-1),
    ).toBe(
      `stagecraft-state: NEWER_VERSION: ${store.eventLog}:${line}: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0, cannot be interpreted: ` +
        'this version of stagecraft-state knows event types ReleaseCreated, PhaseUpdated, SnapshotImported, SnapshotReconciled, HeadSealed only; nothing was written. ' +
        'Upgrade to stagecraft-state 0.6.0 or later to write to this store',
    )
    expect(files()).toBe(before)
  })

  it('verifies as sound (exit 0), with the event reported as a warning', async () => {
    const { directory, store, line } = await touchedByNewer()
    const run = await cli(directory, ['verify'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`sound: ${line} events, 1 release in file store ${store.stateFile}, 2 warnings\n`)
    expect(run.stdout).toContain(
      `${store.eventLog}:${line}: warning: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0: not checked, and skipped`,
    )
    expect(run.stdout).toContain(
      `${store.stateFile}: warning: not compared with the event log, which holds events of a newer stagecraft-state`,
    )
  })
})
