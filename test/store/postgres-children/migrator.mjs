// A migration the parent kills part-way: moves `from` into `to` (each a state file path or a
// postgres:// URL) in batches of `batchSize`, and once `pauseAfter` batches are staged in the
// target says {t:'paused', staged} and waits for "go" (or to be killed). Then {t:'done', report}
// or {t:'failed', code, message}.
import { migrateHistory, storeAt } from '../../../dist/index.js'
import { config, doneListening, emit, waitFor } from './common.mjs'

const { from, to, batchSize, pauseAfter } = config()

const target = storeAt(to)
/** The target, pausing after its `pauseAfter`-th staged append. */
const pausing = {
  open: (context) => {
    const opened = target.open(context)
    if (opened._tag === 'Left') return opened
    const store = opened.right
    let batches = 0
    // A build from before staged writes copied with plain writes: those pause the same way.
    const method = typeof store.writeStaged === 'function' ? 'writeStaged' : 'write'
    const writeStaged = (work) =>
      store[method]((session) =>
        work({
          ...session,
          append: (prepared, events) => async () => {
            const appended = await session.append(prepared, events)()
            if (appended._tag === 'Right' && ++batches === pauseAfter) {
              emit({ t: 'paused', staged: appended.right.cursor.position })
              await waitFor('go')
            }
            return appended
          },
        }),
      )
    return { _tag: 'Right', right: { ...store, [method]: writeStaged } }
  },
}

try {
  const report = await migrateHistory(storeAt(from), pausing, { batchSize, onWarning: () => undefined })
  emit({ t: 'done', report })
} catch (error) {
  emit({ t: 'failed', code: error?.code ?? null, message: String(error?.message ?? error) })
} finally {
  doneListening()
}
