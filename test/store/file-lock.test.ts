import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { acquireLock, type HeldLock } from '../../src/store/file-lock.js'
import { tempDir } from '../support/temp.js'

const take = async (path: string, timeoutMs = 200, foreignStaleMs?: number): Promise<E.Either<{ code: string; message: string }, HeldLock>> =>
  acquireLock(path, foreignStaleMs === undefined ? { timeoutMs } : { timeoutMs, foreignStaleMs })()

const held = async (path: string, timeoutMs?: number): Promise<HeldLock> => {
  const lock = await take(path, timeoutMs)
  if (E.isLeft(lock)) throw new Error(lock.left.message)
  return lock.right
}

const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(child.stdout)
}

const owner = (pid: number, host = hostname()) => JSON.stringify({ pid, host, token: 'someone-else', since: '2025-01-01T12:00:00.000Z' })

const aged = (path: string, ageMs: number): void => {
  const then = new Date(Date.now() - ageMs)
  utimesSync(path, then, then)
}

describe('the write lock', () => {
  it('is a file naming its holder while held, and gone once released', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    const lock = await held(path)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() })
    expect(await lock.release()).toBeUndefined()
    expect(existsSync(path)).toBe(false)
  })

  it('makes a second taker wait, then fail with LOCK_TIMEOUT naming the file and the holder', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    const lock = await held(path)
    const second = await take(path, 150)
    expect(E.isLeft(second) && second.left.code).toBe('LOCK_TIMEOUT')
    expect(E.isLeft(second) && second.left.message).toMatch(new RegExp(`${path}: gave up after 150 ms .* held by process ${process.pid} on ${hostname()}`))
    await lock.release()
  })

  it('is handed to a waiting taker as soon as it is released', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    const first = await held(path)
    const second = take(path, 5_000)
    setTimeout(() => void first.release(), 50)
    const lock = await second
    expect(E.isRight(lock)).toBe(true)
    if (E.isRight(lock)) await lock.right.release()
  })

  it('is recovered at once when its holder on this host is dead', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    writeFileSync(path, owner(deadPid()))
    const lock = await held(path, 100)
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid)
    await lock.release()
  })

  it('is kept when its holder on this host is alive', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    writeFileSync(path, owner(process.ppid))
    expect(E.isLeft(await take(path, 100))).toBe(true)
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.ppid)
  })

  it('left empty by a holder killed before filling it: respected while fresh, recovered once old', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    writeFileSync(path, '')
    const fresh = await take(path, 100)
    expect(E.isLeft(fresh) && fresh.left.message).toMatch(/held by a holder that never wrote its name \(an empty lock file, .* recovered once 5 s old\)/)
    aged(path, 60_000)
    const lock = await held(path, 100)
    await lock.release()
  })

  it('held from another host: respected until older than foreignStaleMs', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    writeFileSync(path, owner(1, 'some-other-host'))
    expect(E.isLeft(await take(path, 100, 60_000))).toBe(true)
    aged(path, 120_000)
    const lock = await take(path, 100, 60_000)
    expect(E.isRight(lock)).toBe(true)
    if (E.isRight(lock)) await lock.right.release()
  })

  it('warns its holder on release when someone took it away meanwhile, and leaves the new holder in place', async () => {
    const path = join(tempDir(), 'releases.json.lock')
    const lock = await held(path)
    writeFileSync(path, owner(process.ppid))
    expect(await lock.release()).toMatch(/taken away/)
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.ppid)
  })

  it('is held by one taker at a time, among many takers in one process taking and releasing it in a loop', async () => {
    const path = join(tempDir(), 'releases.json.lock')
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

