import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import { acquireLock, type HeldLock } from '../../src/store/file-lock.js'
import { JsonLinesChild } from '../support/json-lines-child.js'
import { tempDir } from '../support/temp.js'
import { OWN_PID_NAMESPACE, pidNamespacesUnavailable } from './children/harness.js'

const take = async (path: string, timeoutMs = 200): Promise<E.Either<{ code: string; message: string }, HeldLock>> =>
  acquireLock(path, { timeoutMs })()

const held = async (path: string, timeoutMs?: number): Promise<HeldLock> => {
  const lock = await take(path, timeoutMs)
  if (E.isLeft(lock)) throw new Error(lock.left.message)
  return lock.right
}

// A process holding the lock at `path` until killed (the built module: `npm test` builds first).
const HOLDER = `
  const path = JSON.parse(process.argv[2])
  const { acquireLock } = await import(${JSON.stringify(new URL('../../dist/store/file-lock.js', import.meta.url).href)})
  const lock = await acquireLock(path, { timeoutMs: 10_000 })()
  process.stdout.write(JSON.stringify({ t: lock._tag === 'Right' ? 'holding' : 'failed', pid: process.pid }) + '\\n')
  setInterval(() => {}, 1000)
`
const holders: JsonLinesChild[] = []
const holderOf = async (path: string, launcher: ReadonlyArray<string> = []): Promise<JsonLinesChild> => {
  const script = join(tempDir(), 'holder.mjs')
  writeFileSync(script, HOLDER)
  const child = new JsonLinesChild(script, path, launcher)
  holders.push(child)
  await child.until((c) => c.lines.some((line) => line.t === 'holding'), 'the lock held')
  return child
}
afterEach(async () => {
  await Promise.all(holders.splice(0).map((child) => child.kill()))
})

describe('the write lock', () => {
  it('is a file naming its holder while held, left empty once released', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    const lock = await held(path)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() })
    expect(lock.killedHolder).toBeUndefined()
    expect(await lock.release()).toBeUndefined()
    expect(readFileSync(path, 'utf8')).toBe('')
  })

  it('makes a second taker wait, then fail with LOCK_TIMEOUT naming the file and the holder', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    const lock = await held(path)
    const second = await take(path, 150)
    expect(E.isLeft(second) && second.left.code).toBe('LOCK_TIMEOUT')
    expect(E.isLeft(second) && second.left.message).toMatch(
      new RegExp(`${path}: gave up after 150 ms .* held by process ${process.pid} on ${hostname()}`),
    )
    await lock.release()
  })

  it('is handed to a waiting taker as soon as it is released', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    const first = await held(path)
    const second = take(path, 5_000)
    setTimeout(() => void first.release(), 50)
    const lock = await second
    expect(E.isRight(lock)).toBe(true)
    if (E.isRight(lock)) await lock.right.release()
  })

  it('removed by its holder on release: a taker that opened the removed file locks the new one at the path instead', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    const first = await held(path)
    const second = take(path, 5_000) // opens the file now, then waits
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await first.release(true)).toBeUndefined()
    const lock = await second
    if (E.isLeft(lock)) throw new Error(lock.left.message)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid })
    const third = await take(path, 100)
    expect(E.isLeft(third) && third.left.code, 'the file at the path is locked').toBe('LOCK_TIMEOUT')
    await lock.right.release()
  })

  it('held by another process: respected while it lives, taken at once when it is killed, naming the killed holder', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    const holder = await holderOf(path)
    const waiting = await take(path, 100)
    expect(E.isLeft(waiting) && waiting.left.message).toContain(`held by process ${holder.pid}`)
    await holder.kill()
    const lock = await held(path, 0)
    expect(lock.killedHolder).toEqual({ pids: [holder.pid] })
    await lock.release()
  })

  it('taken from a holder killed while it cleared up after another killed holder: both are named, so the next one clears up after both', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    writeFileSync(path, JSON.stringify({ pid: 11, host: hostname(), since: '2026-01-01T00:00:00.000Z', after: [22] }))
    const lock = await held(path)
    expect(lock.killedHolder).toEqual({ pids: [11, 22] })
    // Its own name keeps them, until it has cleared up and given the lock up.
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, after: [11, 22] })
    await lock.release()
    expect(readFileSync(path, 'utf8')).toBe('')
  })

  it.each([
    ['unreadable', '{"pid":'],
    ['far longer than any name (read only in part)', `{"pid": 1, "host": "${'x'.repeat(1 << 20)}"}`],
  ])(
    'left by a killed holder, its name %s: any pid counts as that holder, and stays named until the new holder is done',
    async (_, content) => {
      const path = join(tempDir(), 'releases.events.ndjson.lock')
      writeFileSync(path, content)
      const lock = await held(path)
      expect(lock.killedHolder).toEqual({ pids: undefined })
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, after: 'unknown' })
      await lock.release()
    },
  )

  const noNamespaces = pidNamespacesUnavailable()
  if (noNamespaces !== undefined) console.info(`skipped: a lock held from a PID namespace of its own: ${noNamespaces}`)
  it.skipIf(noNamespaces !== undefined)(
    'held by pid 1 of another PID namespace on this host (a container): respected, though no such pid lives here',
    async () => {
      const path = join(tempDir(), 'releases.events.ndjson.lock')
      const holder = await holderOf(path, OWN_PID_NAMESPACE)
      expect(holder.lines.find((line) => line.t === 'holding')?.['pid']).toBe(1)
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: 1, host: hostname() })
      const waiting = await take(path, 100)
      expect(E.isLeft(waiting) && waiting.left.code).toBe('LOCK_TIMEOUT')
      await holder.kill()
      const lock = await held(path, 1_000)
      await lock.release()
    },
  )

  it('refuses a lock file that is a symbolic link, and leaves what it points at alone', async () => {
    const directory = tempDir()
    const target = join(directory, 'precious.txt')
    writeFileSync(target, 'keep me')
    const path = join(directory, 'releases.events.ndjson.lock')
    symlinkSync(target, path)
    const lock = await take(path)
    expect(E.isLeft(lock) && lock.left).toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining('symbolic link'),
    })
    expect(readFileSync(target, 'utf8')).toBe('keep me')
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
  })

  it('is held by one taker at a time, among many takers in one process taking and releasing it in a loop', async () => {
    const path = join(tempDir(), 'releases.events.ndjson.lock')
    let inside = 0
    let overlaps = 0
    const taker = async () => {
      for (let round = 0; round < 40; round++) {
        const lock = await held(path, 10_000)
        inside++
        if (inside > 1) overlaps++
        await new Promise((resolve) => setImmediate(resolve))
        inside--
        expect(await lock.release()).toBeUndefined()
      }
    }
    await Promise.all(Array.from({ length: 6 }, taker))
    expect(overlaps).toBe(0)
  })
})
