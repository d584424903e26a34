// A writer the parent stops in the middle of a write: it takes the write lock, catches up, decides,
// and then, before appending, says {t:'paused', events} and waits for "append" (or to be killed,
// or for its connection to be cut). It then reports what its operation came to: {t:'result'} or
// {t:'failed', code, message}, and exits.
//
// The operation is `create` (one event) or `recover` (a release with a running phase closed out:
// several events in one append).
import { createStateManager, postgresStore } from '../../../dist/index.js'
import { config, die, doneListening, emit, waitFor } from './common.mjs'

const { url, schema, operation, releaseId, lockTimeoutMs = 10_000 } = config()

const spec = postgresStore({ connectionString: url, schema })
/** The store, with a pause before each append. */
const paused = {
  open: (context) => {
    const opened = spec.open(context)
    if (opened._tag === 'Left') return opened
    const store = opened.right
    const write = (work) =>
      store.write((session) =>
        work({
          ...session,
          append: (prepared, events) => async () => {
            emit({ t: 'paused', events: events.length, position: prepared.loaded.cursor.position })
            await waitFor('append')
            return session.append(prepared, events)()
          },
        }),
      )
    return { _tag: 'Right', right: { ...store, write } }
  },
}

const manager = createStateManager({ store: paused, actor: 'paused-writer', lockTimeoutMs })
try {
  const { release } =
    operation === 'recover'
      ? await manager.recoverRelease(releaseId, 'the parent said so')
      : await manager.createRelease('prod', 'paused')
  emit({ t: 'result', release })
} catch (error) {
  emit({ t: 'failed', code: error?.code ?? null, message: String(error?.message ?? error) })
} finally {
  doneListening()
  await manager.close().catch(die)
}
