/**
 * The Go Stagecraft takes no lock: it can rename its releases.json over the file between this module's check of the
 * file and its own rename. Two processes, one writing as Go does in a loop, one creating releases: every release this
 * module acknowledged is kept, and the Go writes lost are only those that landed inside that window.
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createStateManager } from '../../src/index.js'
import { type TempStore, tempStore } from './children/harness.js'

const stores: TempStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})

interface Line {
  readonly t: string
  readonly ids?: ReadonlyArray<string>
  readonly message?: string
}

const run = (script: string, config: object): Promise<ReadonlyArray<Line>> =>
  new Promise((resolve, reject) => {
    const path = fileURLToPath(new URL(`./children/${script}`, import.meta.url))
    const child = spawn(process.execPath, [path, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', () =>
      resolve(
        out
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Line),
      ),
    )
  })

describe('a Go-like writer renaming releases.json in a loop beside this module', () => {
  it('loses nothing this module acknowledged; a Go write is lost only inside the check-to-rename window', async () => {
    const store = await tempStore('stagecraft-go-race-')
    stores.push(store)
    mkdirSync(store.directory, { recursive: true })
    await createStateManager({ stateFile: store.stateFile, onWarning: () => undefined }).createRelease('go', 'start')
    const goWrites = 300
    const [go, ours] = await Promise.all([
      run('go-like-writer.mjs', { stateFile: store.stateFile, count: goWrites, environment: 'go' }),
      run('creator.mjs', { stateFile: store.stateFile, count: 60, environment: 'ts' }),
    ])
    expect(go.at(-1)?.t).toBe('done')
    const done = ours.at(-1)
    expect(done?.t, JSON.stringify(done)).toBe('done')

    // One more write after both: it records what the last Go writes left.
    const manager = createStateManager({ stateFile: store.stateFile, onWarning: () => undefined })
    await manager.createRelease('ts', 'last')
    const all = await manager.listAllReleases()
    const ids = new Set<string>(all.map((release) => release.id))
    expect(
      done?.ids?.filter((id) => !ids.has(id)),
      'acknowledged releases missing',
    ).toEqual([])
    const goKept = new Set(all.filter((release) => release.version.startsWith('go-')).map((r) => r.version)).size
    // Each write's window is a stat and a rename apart (microseconds), against a Go write every millisecond or so.
    expect(goWrites - goKept).toBeLessThanOrEqual(goWrites / 10)
    expect((await manager.verify()).sound).toBe(true)
  })
})
