/**
 * Top-level fields of a real releases.json besides `releases` (issue 10, point 8): written back
 * byte for byte by every write, whether the writer's state came from the import itself, from the
 * checkpoint, or from a replay of the whole log.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deploy, freshManager } from '../support/manager.js'
import { tempDir } from '../support/temp.js'

const FIELDS =
  ',\n  "replicas": 12345678901234567890,\n  "ratio": 1.50,\n  "limit": 1e3,\n  "owner": {\n    "team": "\\u003cops\\u003e",\n    "weights": [1.0, 2.50]\n  }\n}'
const GO_FILE = `{
  "releases": [
    {
      "id": "rel-20250101-120000000",
      "environment": "prod",
      "version": "v1.2.3",
      "commit_sha": "abc123def456",
      "timestamp": "2025-01-01T12:00:00Z",
      "phases": {
        "build": "completed"
      }
    }
  ]${FIELDS}`

/** The file ends with the fields exactly as the Go-written file had them. */
const keptExactly = (stateFile: string): void => {
  const text = readFileSync(stateFile, 'utf8')
  expect(text.endsWith(`\n  ]${FIELDS}`), text.slice(-400)).toBe(true)
}

describe('top-level fields of an imported releases.json are kept byte for byte, numbers included', () => {
  it('through an import with a create, a new process from the checkpoint, a full replay, and an accepted edit', async () => {
    const cwd = tempDir()
    const stateFile = join(cwd, 'releases.json')
    writeFileSync(stateFile, GO_FILE)
    const { manager, make } = freshManager({ cwd, stateFile })
    await deploy(manager, 'prod', 'v1.2.4', ['build'])
    keptExactly(stateFile)

    await make().createRelease('prod', 'v1.2.5') // from the checkpoint the first write left
    keptExactly(stateFile)

    rmSync(join(cwd, 'releases.checkpoint'))
    const replaying = make()
    await replaying.createRelease('staging', 'v1') // from a replay of the whole log
    keptExactly(stateFile)
    expect((await replaying.verify()).problems.filter((problem) => problem.severity === 'error')).toEqual([])

    // A person edits a release and accepts it: the fields are recorded again, as written.
    writeFileSync(
      stateFile,
      readFileSync(stateFile, 'utf8').replace('"version": "v1.2.3"', '"version": "v1.2.3-hotfix"'),
    )
    await replaying.reconcile('accept')
    await make().createRelease('prod', 'v1.2.6')
    keptExactly(stateFile)
    expect((await make().verify()).sound).toBe(true)
  })

  it('a top-level number spelled otherwise by hand is a change (STATE_DRIFT), not silently in step', async () => {
    const cwd = tempDir()
    const stateFile = join(cwd, 'releases.json')
    writeFileSync(stateFile, GO_FILE)
    const { manager } = freshManager({ cwd, stateFile })
    await manager.createRelease('prod', 'v2')
    rmSync(`${stateFile}.sha256`) // judged by content, not by the record of the write
    writeFileSync(stateFile, readFileSync(stateFile, 'utf8').replace('"ratio": 1.50', '"ratio": 1.5'))
    await expect(manager.createRelease('prod', 'v3')).rejects.toMatchObject({
      code: 'STATE_DRIFT',
      message: expect.stringContaining('the top-level fields'),
    })
  })
})
