// Creates `count` releases in `environment`, one after another. Lines: {t:'warning', message} for each warning, then
// {t:'done', ids}; an error ends it with {t:'error', ...}.
import { createStateManager } from '../../../dist/index.js'
import { config, die, emit } from './common.mjs'

const { stateFile, count, environment } = config()
const manager = createStateManager({
  stateFile,
  actor: 'creator',
  onWarning: (message) => emit({ t: 'warning', message }),
})
try {
  const ids = []
  for (let n = 0; n < count; n++) ids.push((await manager.createRelease(environment, `ts-${n}`)).release.id)
  emit({ t: 'done', ids })
} catch (error) {
  die(error)
}
