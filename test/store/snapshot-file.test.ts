import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { removeAbandonedTemporaries, replaceFileSync } from '../../src/store/replace-file.js'
import { fingerprintOf, keepAside, readSnapshotFile, sameFingerprint } from '../../src/store/snapshot-file.js'
import { tempDir } from '../support/temp.js'

describe('the snapshot file', () => {
  it('is replaced whole, and gets a new fingerprint each time', async () => {
    const path = join(tempDir(), 'releases.json')
    replaceFileSync(path, Buffer.from('{\n  "releases": []\n}'))
    const first = fingerprintOf(path)
    const read = await readSnapshotFile(path)()
    expect(E.isRight(read) && read.right?.bytes.toString()).toBe('{\n  "releases": []\n}')
    replaceFileSync(path, Buffer.from('{\n  "releases": []\n}'))
    expect(sameFingerprint(first, fingerprintOf(path))).toBe(false)
    expect(readdirSync(join(path, '..'))).toEqual(['releases.json'])
  })

  it('reads as missing when there is none', async () => {
    expect(await readSnapshotFile(join(tempDir(), 'releases.json'))()).toEqual(E.right(undefined))
  })

  it('has what a killed writer left beside it removed: its own temporary files, never those of another pid or a file a person named', async () => {
    const dir = tempDir()
    const others = ['.releases.json.stagecraft-tmp-77-0123456789ab']
    const kept = [
      'releases.json',
      'releases.json.1',
      'releases.json.20250314',
      'releases.json.backup',
      'other.json.42',
      '.other.json.stagecraft-tmp-4242-0123456789ab',
      '.releases.json.stagecraft-tmp-4242-0123',
      'releases.events.ndjson.lock',
    ]
    const left = [
      '.releases.json.stagecraft-tmp-4242-0123456789ab',
      '.releases.checkpoint.stagecraft-tmp-4242-abcdefabcdef',
    ]
    for (const name of [...kept, ...others, ...left]) writeFileSync(join(dir, name), 'x')
    expect(removeAbandonedTemporaries(dir, ['releases.json', 'releases.checkpoint'], [4242])).toEqual(
      [join(dir, left[0] as string), join(dir, left[1] as string)].sort(),
    )
    expect(readdirSync(dir).sort()).toEqual([...kept, ...others].sort())
    // A killed writer whose name could not be read: any temporary file of these names is its.
    expect(removeAbandonedTemporaries(dir, ['releases.json', 'releases.checkpoint'], undefined)).toEqual(
      others.map((name) => join(dir, name)),
    )
    expect(readdirSync(dir).sort()).toEqual([...kept].sort())
  })

  it('is replaced keeping its mode, through no temporary file left behind, even when the write fails', async () => {
    const path = join(tempDir(), 'releases.json')
    writeFileSync(path, 'old')
    chmodSync(path, 0o640)
    replaceFileSync(path, Buffer.from('new'))
    expect(readFileSync(path, 'utf8')).toBe('new')
    expect(statSync(path).mode & 0o777).toBe(0o640)
    // A directory where the file should be: the rename fails, after the temporary file was written.
    const blocked = join(path, '..', 'blocked.json')
    mkdirSync(blocked)
    expect(() => replaceFileSync(blocked, Buffer.from('x'))).toThrow()
    expect(readdirSync(join(path, '..')).sort()).toEqual(['blocked.json', 'releases.json'])
  })

  it('given two copies kept aside under one suffix (a clock that repeats), then both are kept, each byte for byte', async () => {
    const dir = tempDir()
    const path = join(dir, 'releases.json')
    const first = await keepAside(path, Buffer.from('first edit'), 'rejected-20250101T120000-000Z')()
    const second = await keepAside(path, Buffer.from('second edit'), 'rejected-20250101T120000-000Z')()
    if (E.isLeft(first) || E.isLeft(second)) throw new Error('expected both copies kept')
    expect(first.right).not.toBe(second.right)
    expect(first.right).toMatch(/releases\.json\.rejected-20250101T120000-000Z-[0-9a-f]{6}$/)
    expect([readFileSync(first.right, 'utf8'), readFileSync(second.right, 'utf8')]).toEqual([
      'first edit',
      'second edit',
    ])
  })
})
