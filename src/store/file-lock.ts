/**
 * The write lock of a file store: a file beside the state file, created exclusively (O_EXCL) by
 * the process that holds it, holding who that is. Only appends and snapshot writes take it;
 * reads never do.
 *
 * A lock whose holder is gone is recovered: on this host, a holder whose process no longer exists;
 * from another host (a shared directory), a lock older than `foreignStaleMs`; a lock file left
 * empty by a holder killed between creating and filling it, once older than a few seconds.
 */
import { randomBytes } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { hostname } from 'node:os'
import { StateError } from '../errors.js'
import { attempt } from './attempt.js'
import { removeLeftovers } from './leftover-files.js'

/** Who holds a lock. */
interface LockOwner {
  readonly pid: number
  readonly host: string
  readonly token: string
  readonly since: string
}

/** How a lock is taken. */
export interface LockOptions {
  /** How long to wait for another holder before `LOCK_TIMEOUT`. */
  readonly timeoutMs: number
  /** After how long a lock held from another host counts as abandoned. */
  readonly foreignStaleMs?: number
}

/** A held lock. */
export interface HeldLock {
  /** Whether an abandoned lock was broken to take it: its holder died and may have left files. */
  readonly recovered: boolean
  /** Gives the lock up. Resolves to a warning when someone broke it while it was held. */
  readonly release: () => Promise<string | undefined>
}

// A holder writes its record right after creating the file; one that stays empty this long
// belongs to a process killed in between.
const EMPTY_LOCK_GRACE_MS = 5_000
const DEFAULT_FOREIGN_STALE_MS = 10 * 60_000

const thisHost = hostname()

// The tokens of the locks this process holds, shared by every copy of this module loaded in it:
// a lock that names this process but none of these tokens was left by an earlier process that
// had the same pid (pid 1 in a restarted container), and is abandoned.
const heldTokens: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('stagecraft-state.heldLockTokens')] ??= new Set<string>()) as Set<string>

const parseOwner = (text: string): LockOwner | undefined => {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>
    return typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.token === 'string' && typeof owner.since === 'string'
      ? (owner as LockOwner)
      : undefined
  } catch {
    return undefined
  }
}

const processExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

interface SeenLock {
  readonly text: string
  readonly owner: LockOwner | undefined
  readonly ageMs: number
}

// Inspecting, judging and breaking a lock, and taking and giving it up, are each done in one
// synchronous step (they touch one small file): no other manager of this process can act in
// between, so none can see a lock between its holder giving it up and the file going, and judge
// it abandoned. Between processes, a lock is only judged abandoned once its holder is gone.
const readLock = (path: string): SeenLock | undefined => {
  try {
    const text = readFileSync(path, 'utf8')
    return { text, owner: parseOwner(text), ageMs: Date.now() - statSync(path).mtimeMs }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

const isAbandoned = (seen: SeenLock, foreignStaleMs: number): boolean => {
  if (seen.owner === undefined) return seen.ageMs > EMPTY_LOCK_GRACE_MS
  if (seen.owner.host === thisHost) return seen.owner.pid === process.pid ? !heldTokens.has(seen.owner.token) : !processExists(seen.owner.pid)
  return seen.ageMs > foreignStaleMs
}

/**
 * Removes an abandoned lock, unless it changed since it was seen. The rename is atomic, so of two
 * processes breaking the same lock only one gets it; what it got is checked against what it saw,
 * and a fresh lock taken in between is put back.
 */
const breakAbandoned = (path: string, seen: SeenLock): void => {
  const aside = `${path}.abandoned-${randomBytes(6).toString('hex')}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return // someone else broke it
    throw error
  }
  let taken = seen.text
  try {
    taken = readFileSync(aside, 'utf8')
  } catch {
    // gone already: nothing to compare, nothing to put back
  }
  if (taken !== seen.text) {
    try {
      linkSync(aside, path)
    } catch {
      // a new lock was taken meanwhile; the one set aside cannot be put back
    }
  }
  try {
    unlinkSync(aside)
  } catch {
    // already removed
  }
}

const describeOwner = (seen: SeenLock | undefined): string => {
  if (seen === undefined) return 'an unknown holder'
  if (seen.owner !== undefined) return `process ${seen.owner.pid} on ${seen.owner.host} since ${seen.owner.since}`
  return seen.text === ''
    ? `a holder that never wrote its name (an empty lock file, as a process killed while taking the lock leaves it; recovered once ${EMPTY_LOCK_GRACE_MS / 1000} s old)`
    : 'an unknown holder (the lock file does not say who)'
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const tryCreate = (path: string, owner: LockOwner): boolean => {
  let fd: number
  try {
    fd = openSync(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, JSON.stringify(owner))
  } finally {
    closeSync(fd)
  }
  return true
}

const releaser = (path: string, owner: LockOwner) => async (): Promise<string | undefined> => {
  try {
    const seen = readLock(path)
    if (seen?.owner?.token !== owner.token) return `${path}: the lock was taken away while this process held it (it was judged abandoned); check the store with verify`
    unlinkSync(path)
    return undefined
  } catch (error) {
    return `${path}: could not remove the lock file (${error instanceof Error ? error.message : String(error)}); remove it by hand`
  } finally {
    heldTokens.delete(owner.token)
  }
}

const waitForLock = async (path: string, options: LockOptions): Promise<E.Either<StateError, HeldLock>> => {
  const owner: LockOwner = { pid: process.pid, host: thisHost, token: randomBytes(12).toString('hex'), since: new Date().toISOString() }
  const deadline = Date.now() + options.timeoutMs
  let delayMs = 2
  let lastSeen: SeenLock | undefined
  let recovered = false
  for (;;) {
    // Registered before the file exists, so that no other manager of this process can see the
    // lock without its token.
    heldTokens.add(owner.token)
    let created = false
    try {
      created = tryCreate(path, { ...owner, since: new Date().toISOString() })
    } finally {
      if (!created) heldTokens.delete(owner.token)
    }
    if (created) return E.right({ recovered, release: releaser(path, owner) })
    lastSeen = readLock(path)
    // Given up between our attempt and our look: free now, so try again at once, even past the deadline.
    if (lastSeen === undefined) continue
    if (isAbandoned(lastSeen, options.foreignStaleMs ?? DEFAULT_FOREIGN_STALE_MS)) {
      breakAbandoned(path, lastSeen)
      recovered = true
      continue
    }
    if (Date.now() >= deadline) break
    await sleep(Math.min(delayMs, Math.max(1, deadline - Date.now())) * (0.5 + Math.random()))
    delayMs = Math.min(delayMs * 2, 50)
  }
  return E.left(
    new StateError(
      'LOCK_TIMEOUT',
      `${path}: gave up after ${options.timeoutMs} ms waiting for the write lock, held by ${describeOwner(lastSeen)}; if that process is gone for good, remove the lock file`,
    ),
  )
}

/** Takes the lock at `path`, waiting up to `timeoutMs` for its holder. */
export const acquireLock = (path: string, options: LockOptions): TE.TaskEither<StateError, HeldLock> =>
  attempt('take the write lock', path, () => waitForLock(path, options))

const LEFTOVER_LOCK_AGE_MS = 60_000

/**
 * Removes locks that a process killed while breaking them left set aside (`<lock>.abandoned-<hex>`,
 * once a minute old: a live breaker removes its own at once). Under the write lock.
 */
export const removeBrokenLocks = (path: string): ReadonlyArray<string> => {
  const prefix = `${basename(path)}.abandoned-`
  return removeLeftovers(dirname(path), (name, aside) => name.startsWith(prefix) && statSync(aside).mtimeMs < Date.now() - LEFTOVER_LOCK_AGE_MS)
}
