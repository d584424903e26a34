// A deploy orchestrator in a tight loop, to be killed with SIGKILL at any moment: creates a
// release in one of `environments`, walks its phases (running, then completed, failed or
// skipped; a failed release is recovered), and starts over, forever.
//
// Lines: {t:'ready'}, then per acknowledged operation {t:'ack', op, ..., release}.
import { createStateManager, PHASES } from '../../../dist/index.js'
import { config, die, emit } from './common.mjs'

const { stateFile, name, environments, lockTimeoutMs } = config()
const manager = createStateManager({
  stateFile,
  actor: name,
  lockTimeoutMs,
  onWarning: (message) => emit({ t: 'warning', message }),
})

const ack = (op, fields, { release }) => {
  emit({ t: 'ack', op, ...fields, release })
  return release
}

const outcome = () => {
  const roll = Math.random()
  return roll < 0.8 ? 'completed' : roll < 0.9 ? 'skipped' : 'failed'
}

try {
  emit({ t: 'ready', pid: process.pid })
  for (let i = 0; ; i++) {
    const environment = environments[i % environments.length]
    const version = `${name}-v${i}`
    const { id } = ack(
      'create',
      { environment, version },
      // A deployer killed mid-deploy leaves a release running: the next one supersedes it on purpose.
      await manager.createRelease(environment, version, i % 2 === 0 ? undefined : 'deadbeef', { supersede: true }),
    )
    for (const phase of PHASES) {
      ack('update', { id, phase, status: 'running' }, await manager.updatePhase(id, phase, 'running'))
      const status = outcome()
      ack('update', { id, phase, status }, await manager.updatePhase(id, phase, status))
      if (status === 'failed') {
        ack('recover', { id }, await manager.recoverRelease(id, `${name} gave up`))
        break
      }
    }
  }
} catch (error) {
  die(error)
}
