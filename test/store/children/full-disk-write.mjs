// One write on a disk that is full for releases.json (its temporary files cannot be written),
// then exit: `{ stateFile, op: 'create', environment, version }` or `{ stateFile, op: 'update', id, phase, status }`.
//
// Lines: {t:'warning', message} for each warning, {t:'ack', op, ..., release, events}, then {t:'done'}.
import { basename } from 'node:path'
import { createStateManager } from '../../../dist/index.js'
import { fillDiskFor } from '../../support/full-disk.mjs'
import { config, die, emit } from './common.mjs'

const { stateFile, op, environment, version, id, phase, status } = config()
fillDiskFor(basename(stateFile))
const manager = createStateManager({
  stateFile,
  actor: 'full-disk',
  onWarning: (message) => emit({ t: 'warning', message }),
})

try {
  const recorded =
    op === 'create' ? await manager.createRelease(environment, version) : await manager.updatePhase(id, phase, status)
  emit({
    t: 'ack',
    op,
    environment,
    version,
    id,
    phase,
    status,
    release: recorded.release,
    events: recorded.events.length,
  })
  emit({ t: 'done' })
} catch (error) {
  die(error)
}
