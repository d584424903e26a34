/**
 * Every error of a migration names the store it is about, the source or the target: never only
 * the other one (an error of the target's, passing out through the source's write, is not
 * placed at the source).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStateManager, fileStoreSpec, migrateHistory, storeAt } from '../../src/index.js'
import { rejection } from '../support/manager.js'
import { tempDir } from '../support/temp.js'

const quiet = { onWarning: () => undefined }

describe('a migration error names the store it is about', () => {
  it("a source whose line is not this module's encoding (its keys reordered, its chain whole): refused, naming the source", async () => {
    const from = join(tempDir(), 'source', 'releases.json')
    const manager = createStateManager({ stateFile: from, ...quiet })
    await manager.createRelease('prod', 'v1')
    await manager.close()
    const log = from.replace(/\.json$/, '.events.ndjson')
    // The only line: its prev is the genesis hash, so reordering its keys keeps the chain whole.
    const line = readFileSync(log, 'utf8')
    const reordered = line.replace(/^\{"v":1,("id":"[^"]*"),/, '{$1,"v":1,')
    expect(reordered).not.toBe(line)
    writeFileSync(log, reordered)
    expect(await createStateManager({ stateFile: from, ...quiet }).verify()).toMatchObject({ sound: true })

    const to = join(tempDir(), 'target', 'releases.json')
    const error = await rejection(migrateHistory(fileStoreSpec(from), fileStoreSpec(to), quiet))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toMatch(
      /^the source's events do not re-encode to its own lines .*\(the source: file store .*\/source\/releases\.json\)$/,
    )
    expect(error.message).not.toContain('/target/')
  })

  it('a store that cannot be opened (a connection string that is not a URL): says which side it is', async () => {
    const from = join(tempDir(), 'source', 'releases.json')
    await createStateManager({ stateFile: from, ...quiet }).createRelease('prod', 'v1')
    const error = await rejection(migrateHistory(fileStoreSpec(from), storeAt('postgres://x@/?schema=a b'), quiet))
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/ \(the target of the migration\)$/),
    })
  })
})
