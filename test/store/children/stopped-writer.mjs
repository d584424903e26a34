// One write that stops for good at a step of the write, for the parent to kill it there:
// `{ stateFile, stopAt, op: 'create', environment, version }` or `{ ..., op: 'update', id, phase, status }`,
// `stopAt` one of the file store's write steps ('appended', 'snapshot written', 'snapshot recorded',
// 'checkpoint written').
// The store writes a checkpoint at every write, so that every step happens.
//
// Lines: {t:'stopped', step} when it stops (it never acknowledges the write).
import { createStateManager } from '../../../dist/index.js'
import { fileStore } from '../../../dist/store/file-store.js'
import { storePaths } from '../../../dist/store/paths.js'
import { config, die, emit } from './common.mjs'

const { stateFile, stopAt, op, environment, version, id, phase, status } = config()
const forever = new Int32Array(new SharedArrayBuffer(4))
const onStep = (step) => {
  if (step !== stopAt) return
  emit({ t: 'stopped', step })
  Atomics.wait(forever, 0, 0) // never woken: only SIGKILL ends this process
}
const store = {
  open: (context) => ({
    _tag: 'Right',
    right: fileStore(storePaths(stateFile), { ...context, checkpointTailBytes: 0, onStep }),
  }),
}
const manager = createStateManager({ stateFile, store, actor: 'stopped-writer' })

// The store's release is left running by the test: the create deliberately supersedes it.
const write =
  op === 'create'
    ? manager.createRelease(environment, version, undefined, { supersede: true })
    : manager.updatePhase(id, phase, status)
write.then(({ release }) => emit({ t: 'unexpected', release }), die)
