// @ts-check
/**
 * One of several processes deploying to one store at once: argv = store (a state file, or a
 * postgres:// URL), name, deploys. Waits for "go" on stdin so that all start together; prints
 * the ids it created, as JSON.
 */
import { createStateManager, PHASES, storeAt } from '../../dist/index.js'

const [location = '', name = 'writer', count = '10'] = process.argv.slice(2)
const manager = createStateManager({ store: storeAt(location), actor: name, lockTimeoutMs: 120_000 })
// Loaded before the start: the contention measured is the writers', not four cold opens.
await manager.listAllReleases()
process.stdout.write('ready\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
const created = []
for (let n = 0; n < Number(count); n++) {
  const { release } = await manager.createRelease(`${name}-env`, `v${n}`, 'abcdef123456')
  for (const phase of PHASES) {
    await manager.updatePhase(release.id, phase, 'running')
    await manager.updatePhase(release.id, phase, 'completed')
  }
  created.push(release.id)
}
process.stdout.write(`${JSON.stringify(created)}\n`)
