// @ts-check
/**
 * Big stores, built quickly: a releases.json of N releases (for deploy cost: imported, as a real
 * team moving from the Go Stagecraft would), or an event log of N full deploys (for cold open),
 * written directly with the real line encoding and hash chain.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { encodeLogLine, GENESIS_HASH, hashLine } from '../../dist/store/log-line.js'
import { PHASES } from '../../dist/index.js'
import { formatReleaseId, formatTimestamp } from '../../dist/internals.js'

export const ENVIRONMENTS = ['prod', 'staging', 'dev', 'qa']
const START_MS = Date.UTC(2020, 0, 1)
const STEP_MS = 60_000

/** The id of the i-th generated release. */
export const releaseIdAt = (i) => formatReleaseId(START_MS + i * STEP_MS)

/** The text of a releases.json holding `count` completed releases across four environments. */
export const snapshotText = (count) => {
  const releases = []
  for (let i = 0; i < count; i++) {
    const environment = ENVIRONMENTS[i % ENVIRONMENTS.length]
    const record = {
      id: releaseIdAt(i),
      environment,
      version: `v${Math.floor(i / 100)}.${i % 100}.0`,
      commit_sha: (0x1000000 + i).toString(16).padStart(12, 'a'),
      timestamp: formatTimestamp(START_MS + i * STEP_MS),
      phases: Object.fromEntries(PHASES.map((phase) => [phase, 'completed'])),
    }
    if (i >= ENVIRONMENTS.length) record.previous_id = releaseIdAt(i - ENVIRONMENTS.length)
    releases.push(record)
  }
  return JSON.stringify({ releases }, null, 2)
}

let counter = 0
const ulidLike = () =>
  (counter++)
    .toString(32)
    .toUpperCase()
    .replace(/[ILOU]/g, 'X')
    .padStart(26, '0')

/**
 * The warning handler for a store whose log was written here: it has no checkpoint yet, which
 * its first open says; any other warning is printed.
 */
export const unlessNoCheckpoint = (warning) => {
  if (!/checkpoint does not exist/.test(warning)) console.warn(warning)
}

/**
 * Writes the event log of `count` deploys (a create, then every phase running and completed:
 * 13 events each) to `path`; returns the number of events. `requests`: every event recorded under
 * a request id of its own, as an orchestrator that names every write leaves a history.
 */
export const writeDeployLog = async (path, count, { requests = false } = {}) => {
  const out = createWriteStream(path)
  let prev = GENESIS_HASH
  let events = 0
  let buffered = []
  const meta = (command) => ({ actor: 'bench', host: 'bench-host', pid: 1, command })
  const push = async (envelope) => {
    const line = encodeLogLine(envelope, prev)
    prev = hashLine(line)
    buffered.push(line)
    events++
    if (buffered.length >= 4096) {
      if (!out.write(`${buffered.join('\n')}\n`)) await once(out, 'drain')
      buffered = []
    }
  }
  for (let i = 0; i < count; i++) {
    const environment = ENVIRONMENTS[i % ENVIRONMENTS.length]
    const at = START_MS + i * STEP_MS
    // Every event of a deploy at its own time, as in a real one (a phase takes seconds).
    let step = 0
    const recordedAt = () => new Date(at + 1_000 * step++).toISOString()
    const id = releaseIdAt(i)
    const release = {
      id,
      environment,
      version: `v${Math.floor(i / 100)}.${i % 100}.0`,
      commitSha: (0x1000000 + i).toString(16).padStart(12, 'a'),
      timestamp: formatTimestamp(at),
      phases: Object.fromEntries(PHASES.map((phase) => [phase, 'pending'])),
      ...(i >= ENVIRONMENTS.length ? { previousId: releaseIdAt(i - ENVIRONMENTS.length) } : {}),
    }
    const request = (key, command) => (requests ? { request: { id: `job-${i}-${key}`, command } } : {})
    await push({
      v: 1,
      id: ulidLike(),
      type: 'ReleaseCreated',
      recordedAt: recordedAt(),
      meta: meta(ulidLike()),
      data: { release, ...request('create', 'CreateRelease') },
    })
    for (const phase of PHASES) {
      for (const [from, to] of [
        ['pending', 'running'],
        ['running', 'completed'],
      ]) {
        await push({
          v: 1,
          id: ulidLike(),
          type: 'PhaseUpdated',
          recordedAt: recordedAt(),
          meta: meta(ulidLike()),
          data: { releaseId: id, phase, from, to, ...request(`${phase}-${to}`, 'UpdatePhase') },
        })
      }
    }
  }
  if (buffered.length > 0) out.write(`${buffered.join('\n')}\n`)
  out.end()
  await once(out, 'finish')
  return events
}
