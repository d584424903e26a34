/**
 * The state manager on the in-memory store: the manager and audit contracts, which specify its
 * behaviour apart from any file, and what differs on a store that keeps no releases.json.
 */
import { describe, expect, it } from 'vitest'
import { memoryStore, migrateHistory } from '../../src/index.js'
import { auditContract } from './audit-contract.js'
import { managerContract } from './manager-contract.js'
import { deploy, memoryManager, rejection } from '../support/manager.js'

managerContract('the in-memory store', (options) => memoryManager(options))
auditContract('the in-memory store', (options) => memoryManager(options), { snapshotFile: false })

describe('the StateManager API on the in-memory store, where it differs', () => {
  it('has no state file, names the store as described, and has nothing to import or reconcile', async () => {
    const { manager } = memoryManager({ store: memoryStore({ description: 'the test store' }) })
    expect(manager.stateFile).toBeUndefined()
    expect(manager.location).toBe('the test store')
    expect((await rejection(manager.importSnapshot())).message).toMatch(/the test store keeps no releases.json/)
    expect((await rejection(manager.reconcile('restore'))).message).toMatch(/the test store keeps no releases.json/)
  })

  it('keeps one store per memoryStore(): managers on it share the history, managers on another do not', async () => {
    const store = memoryStore()
    const { manager, make } = memoryManager({ store })
    const { release } = await manager.createRelease('prod', 'v1')
    expect(await make().getRelease(release.id)).toEqual(release)
    expect(await memoryManager().manager.listAllReleases()).toEqual([])
  })

  it('moves its history into another store with migrateHistory, every line kept', async () => {
    const from = memoryStore()
    const { manager } = memoryManager({ store: from })
    await deploy(manager, 'prod', 'v1', ['build', 'push'])
    await manager.createRelease('staging', 'v1')
    const to = memoryStore()
    const report = await migrateHistory(from, to)
    expect([report.events, report.copied]).toEqual([6, 6])
    expect(to.lines).toEqual(from.lines)
    expect(await memoryManager({ store: to }).manager.listAllReleases()).toEqual(await manager.listAllReleases())
  })
})
