// A deploy orchestrator on the PostgreSQL store: creates `releases` releases across the shared
// environments and one of its own, and walks each through its phases (some fail and are
// recovered: a multi-event append). Starts when the parent writes "go".
//
// Lines: {t:'ready'}, then per acknowledged operation {t:'ack', op, release}, then {t:'done'}.
import { createStateManager, PHASES, postgresStore } from '../../../dist/index.js'
import { config, die, doneListening, emit, waitFor } from './common.mjs'

const { url, schema, name, releases, environments, lockTimeoutMs } = config()
const manager = createStateManager({
  store: postgresStore({ connectionString: url, schema }),
  actor: name,
  lockTimeoutMs,
})

const ack = async (op, pending) => {
  const { release } = await pending
  emit({ t: 'ack', op, release })
  return release
}

const deploy = async (i) => {
  const environment = i % 3 === 2 ? `own-${name}` : environments[i % environments.length]
  // Processes sharing an environment deploy over each other's running releases on purpose: they supersede them.
  const { id } = await ack(
    'create',
    manager.createRelease(environment, `${name}-v${i}`, undefined, { supersede: true }),
  )
  for (const [k, phase] of PHASES.entries()) {
    await ack('update', manager.updatePhase(id, phase, 'running'))
    if (i % 4 === 3 && k === 2) {
      await ack('recover', manager.recoverRelease(id, `${name} gave up`))
      return
    }
    await ack('update', manager.updatePhase(id, phase, 'completed'))
  }
}

try {
  emit({ t: 'ready', pid: process.pid })
  await waitFor('go')
  doneListening()
  for (let i = 0; i < releases; i++) await deploy(i)
  await manager.close()
  emit({ t: 'done' })
} catch (error) {
  die(error)
}
