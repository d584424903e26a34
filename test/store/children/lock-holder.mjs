// Takes the store's real write lock and keeps it: starts a write on a store whose releases.json
// is missing (which the parent arranged), and when the manager reports, under the lock, that it
// regenerates the file, blocks the whole process (Atomics.wait) until it is killed.
//
// Lines: {t:'holding', pid, message} while it holds the lock.
import { createStateManager } from '../../../dist/index.js'
import { config, die, emit } from './common.mjs'

const { stateFile } = config()
const forever = new Int32Array(new SharedArrayBuffer(4))
const manager = createStateManager({
  stateFile,
  actor: 'lock-holder',
  onWarning: (message) => {
    emit({ t: 'holding', pid: process.pid, message })
    Atomics.wait(forever, 0, 0) // never woken: only SIGKILL ends this process
  },
})

manager.createRelease('held', 'never-recorded').then(({ release }) => emit({ t: 'unexpected', release }), die)
