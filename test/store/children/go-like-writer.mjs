// The Go Stagecraft's save, in a loop: read releases.json, append a release to environment `environment` (its id from
// the clock, its previous the environment's newest), write a temporary file and rename it over the state file. It
// takes no lock, as Go does not. Versions are `go-<n>`, so the parent can count which writes survived.
//
// Lines: {t:'done', written}.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { config, emit } from './common.mjs'

const { stateFile, count, environment, pauseMs = 1 } = config()
const pad = (n, width = 2) => String(n).padStart(width, '0')
const idOf = (d) =>
  `rel-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
  `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}`
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const PHASES = {
  build: 'pending',
  finalize: 'pending',
  migrate_post: 'pending',
  migrate_pre: 'pending',
  push: 'pending',
  rollout: 'pending',
}

for (let n = 0; n < count; n++) {
  const releases = JSON.parse(readFileSync(stateFile, 'utf8')).releases ?? []
  const newest = releases
    .filter((release) => release.environment === environment)
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1))[0]
  const now = new Date()
  releases.push({
    id: idOf(now),
    environment,
    version: `go-${n}`,
    commit_sha: '',
    timestamp: now.toISOString().replace(/\.?0+Z$/, 'Z'),
    phases: PHASES,
    ...(newest === undefined ? {} : { previous_id: newest.id }),
  })
  const temporary = `${stateFile}.go-${process.pid}`
  writeFileSync(
    temporary,
    JSON.stringify({ releases }, null, 2).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
  )
  renameSync(temporary, stateFile)
  await sleep(Math.random() * pauseMs)
}
emit({ t: 'done', written: count })
