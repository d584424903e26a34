// @ts-check
/**
 * The baseline of the cold CLI benchmark: the naive whole-file store of naive-store.mjs as a
 * command line, one process per call, as the Go Stagecraft runs. Every call reads and parses the
 * whole releases.json; `phase` changes it and writes all of it to a temporary file, fsyncs and
 * renames it (naiveStore's updatePhase). No checks beyond the release existing, as the Go one.
 *
 *   node naive-cli.mjs RELEASES_JSON phase RELEASE_ID PHASE STATUS
 *   node naive-cli.mjs RELEASES_JSON current ENV
 */
import { naiveStore } from './naive-store.mjs'

const fail = (message, code) => {
  process.stderr.write(`naive-cli: ${message}\n`)
  process.exit(code)
}

const [path, command, ...args] = process.argv.slice(2)
if (path === undefined) fail('usage: naive-cli.mjs RELEASES_JSON (phase ID PHASE STATUS | current ENV)', 2)
else if (command === 'phase' && args.length === 3) {
  const [id = '', phase = '', status = ''] = args
  naiveStore(path).updatePhase(id, phase, status)
  process.stdout.write(`${id}: ${phase} -> ${status}\n`)
} else if (command === 'current' && args.length === 1) {
  const environment = args[0] ?? ''
  const release = naiveStore(path).current(environment)
  if (release === undefined) fail(`no release in ${environment}`, 1)
  process.stdout.write(`${JSON.stringify(release, null, 2)}\n`)
} else fail(`unknown command: ${[command, ...args].join(' ')}`, 2)
