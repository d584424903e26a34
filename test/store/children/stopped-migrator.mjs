// A migration into a file store that stops for good once its staged log is renamed over the log,
// before the snapshot is written, for the parent to kill it there: `{ from, to }` (`from` a state
// file path or a postgres:// URL, `to` a state file path).
//
// Lines: {t:'stopped', step} when it stops (it never finishes the migration).
import { migrateHistory, storeAt } from '../../../dist/index.js'
import { fileStore } from '../../../dist/store/file-store.js'
import { storePaths } from '../../../dist/store/paths.js'
import { config, die, emit } from './common.mjs'

const { from, to } = config()
const forever = new Int32Array(new SharedArrayBuffer(4))
const onStep = (step) => {
  if (step !== 'staged log committed') return
  emit({ t: 'stopped', step })
  Atomics.wait(forever, 0, 0) // never woken: only SIGKILL ends this process
}
const target = { open: (context) => ({ _tag: 'Right', right: fileStore(storePaths(to), { ...context, onStep }) }) }

migrateHistory(storeAt(from), target, { onWarning: () => undefined }).then(
  (report) => emit({ t: 'unexpected', report }),
  die,
)
