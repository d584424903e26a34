// One write, then exit: `{ stateFile, op: 'create', environment, version }` or
// `{ stateFile, op: 'update', id, phase, status }`.
//
// Lines: {t:'ack', op, ..., release}, then {t:'done'}.
import { createStateManager } from '../../../dist/index.js'
import { config, die, emit } from './common.mjs'

const { stateFile, op, environment, version, id, phase, status } = config()
const manager = createStateManager({
  stateFile,
  actor: 'one-write',
  onWarning: (message) => emit({ t: 'warning', message }),
})

try {
  if (op === 'create')
    emit({ t: 'ack', op, environment, version, release: (await manager.createRelease(environment, version)).release })
  else emit({ t: 'ack', op, id, phase, status, release: (await manager.updatePhase(id, phase, status)).release })
  emit({ t: 'done' })
} catch (error) {
  die(error)
}
