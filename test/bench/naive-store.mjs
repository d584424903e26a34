// @ts-check
/**
 * The baseline: what the original Go Stagecraft does on every call, written here so that it runs
 * in the same process and on the same files as the module. Each call reads and parses the whole
 * releases.json, changes it, and writes all of it to a temporary file, fsyncs and renames it.
 * Synchronous file calls, as Go's are (which, if anything, flatters it).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'

const PHASES = ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize']

const pad = (n, width) => String(n).padStart(width, '0')
const releaseId = (d) =>
  `rel-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}-${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}${pad(d.getUTCMilliseconds(), 3)}`

/** A naive store of the releases.json at `path`. */
export const naiveStore = (path) => {
  const load = () => JSON.parse(readFileSync(path, 'utf8'))
  const save = (state) => {
    const temporary = `${path}.tmp`
    const fd = openSync(temporary, 'w')
    try {
      writeSync(fd, JSON.stringify(state, null, 2))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
  }
  /** The newest release of `environment` (by timestamp) in `state`, or undefined. */
  const newestOf = (state, environment) => {
    let newest
    for (const release of state.releases)
      if (release.environment === environment && (newest === undefined || release.timestamp > newest.timestamp))
        newest = release
    return newest
  }
  return {
    /** The environment's current release, as the Go Stagecraft finds it: the newest. */
    current(environment) {
      return newestOf(load(), environment)
    },
    createRelease(environment, version, commitSha, now = new Date()) {
      const state = load()
      const previous = newestOf(state, environment)
      const release = {
        id: releaseId(now),
        environment,
        version,
        commit_sha: commitSha,
        timestamp: now.toISOString(),
        phases: Object.fromEntries(PHASES.map((phase) => [phase, 'pending'])),
        ...(previous === undefined ? {} : { previous_id: previous.id }),
      }
      state.releases.push(release)
      save(state)
      return release
    },
    updatePhase(id, phase, status) {
      const state = load()
      const release = state.releases.find((r) => r.id === id)
      if (release === undefined) throw new Error(`release ${id} not found`)
      release.phases[phase] = status
      save(state)
    },
  }
}
