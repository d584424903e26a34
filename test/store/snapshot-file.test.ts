import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { fingerprintOf, keepAside, readSnapshotFile, removeAbandonedTemporaries, sameFingerprint, writeSnapshotFile } from '../../src/store/snapshot-file.js'
import { tempDir } from '../support/temp.js'

describe('the snapshot file', () => {
  it('is replaced whole, and gets a new fingerprint each time', async () => {
    const path = join(tempDir(), 'releases.json')
    const first = await writeSnapshotFile(path, '{\n  "releases": []\n}')()
    const read = await readSnapshotFile(path)()
    expect(E.isRight(read) && read.right?.bytes.toString()).toBe('{\n  "releases": []\n}')
    await writeSnapshotFile(path, '{\n  "releases": []\n}')()
    expect(E.isRight(first) && sameFingerprint(first.right, fingerprintOf(path))).toBe(false)
    expect(readdirSync(join(path, '..'))).toEqual(['releases.json'])
  })

  it('reads as missing when there is none', async () => {
    expect(await readSnapshotFile(join(tempDir(), 'releases.json'))()).toEqual(E.right(undefined))
  })

  it('has what killed writers left beside it removed: snapshot temporaries, and broken locks a minute old', async () => {
    const dir = tempDir()
    const path = join(dir, 'releases.json')
    for (const name of ['releases.json', 'releases.json.123456', 'releases.json.lock.abandoned-old', 'releases.json.lock.abandoned-new', 'releases.json.backup', 'other.json.42']) {
      writeFileSync(join(dir, name), 'x')
    }
    const aMinuteAgo = new Date(Date.now() - 120_000)
    utimesSync(join(dir, 'releases.json.lock.abandoned-old'), aMinuteAgo, aMinuteAgo)
    const removed = await removeAbandonedTemporaries(path)()
    expect(removed).toEqual(E.right([join(dir, 'releases.json.123456'), join(dir, 'releases.json.lock.abandoned-old')]))
    expect(readdirSync(dir).sort()).toEqual(['other.json.42', 'releases.json', 'releases.json.backup', 'releases.json.lock.abandoned-new'])
  })

  it('given two copies kept aside under one suffix (a clock that repeats), then both are kept, each byte for byte', async () => {
    const dir = tempDir()
    const path = join(dir, 'releases.json')
    const first = await keepAside(path, Buffer.from('first edit'), 'rejected-20250101T120000-000Z')()
    const second = await keepAside(path, Buffer.from('second edit'), 'rejected-20250101T120000-000Z')()
    if (E.isLeft(first) || E.isLeft(second)) throw new Error('expected both copies kept')
    expect(first.right).not.toBe(second.right)
    expect(first.right).toMatch(/releases\.json\.rejected-20250101T120000-000Z-[0-9a-f]{6}$/)
    expect([readFileSync(first.right, 'utf8'), readFileSync(second.right, 'utf8')]).toEqual(['first edit', 'second edit'])
  })
})
