/**
 * `migrate` between two file stores, through the CLI: no database needed, so the option itself
 * (`--batch`) is checked on every machine. What migrate does inside is another suite's business;
 * this holds it to what docs/cli.md promises: every line and hash unchanged, both sides sound.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { acquireLock, type HeldLock } from '../../src/store/file-lock.js'
import { storePaths } from '../../src/store/paths.js'
import { commandNamed } from '../../src/cli/commands/index.js'
import { fails, ok, storeFiles, tempDir } from './support.js'

const hasBatch = commandNamed('migrate')?.options?.['batch'] !== undefined

/** A file store of a few releases made through the CLI, more events than one batch. */
const sourceStore = async (): Promise<{ directory: string; source: string }> => {
  const directory = tempDir()
  const source = join(directory, 'from', 'releases.json')
  for (const version of ['v1', 'v2', 'v3']) {
    const id = (
      await ok(directory, ['--state-file', source, 'create', '--env', 'prod', '--version', version, '-q'])
    ).trim()
    // Completed, not left running: a create over a running release is RELEASE_IN_PROGRESS.
    await ok(directory, ['--state-file', source, 'phase', id, 'build', 'completed'])
  }
  return { directory, source }
}

describe.runIf(hasBatch)('migrate --batch', () => {
  it.each(['1', '2', '500'])(
    '--batch %s copies every line and hash unchanged, and both sides verify',
    async (batch) => {
      const { directory, source } = await sourceStore()
      const target = join(directory, 'to', 'releases.json')
      const out = await ok(directory, ['migrate', '--from', source, '--to', target, '--batch', batch])
      expect(out).toMatch(/^moved 6 events from /)
      expect(storeFiles(target).logLines()).toEqual(storeFiles(source).logLines())
      expect(storeFiles(target).snapshot()).toBe(storeFiles(source).snapshot())
      expect(await ok(directory, ['--state-file', target, 'verify'])).toMatch(/^sound: 6 events, 3 releases/)
    },
  )

  it.each([
    ['0', /--batch "0" is not a whole number of 1 or more/],
    ['ten', /--batch "ten" is not a whole number/],
  ])('--batch %s is a usage error, and nothing is written', async (batch, message) => {
    const { directory, source } = await sourceStore()
    const target = join(directory, 'to', 'releases.json')
    expect(await fails(directory, ['migrate', '--from', source, '--to', target, '--batch', batch], 2)).toMatch(message)
    expect(storeFiles(target).exists()).toBe(false)
  })
})

/** Holds the write lock of the store at `stateFile` (this process, while the CLI runs), as another writer would. */
const lockedBy = async (stateFile: string): Promise<HeldLock> => {
  mkdirSync(dirname(stateFile), { recursive: true })
  const lock = await acquireLock(storePaths(stateFile).lock, { timeoutMs: 1000 })()
  if (E.isLeft(lock)) throw lock.left
  return lock.right
}

describe('migrate errors name the store they are about, never the default store', () => {
  // The default store, named by the environment, has nothing to do with a migration.
  const unrelated = (directory: string) => ({ STAGECRAFT_STATE_FILE: join(directory, 'unrelated', 'releases.json') })

  it('a target whose lock is held: LOCK_TIMEOUT names the target lock, not the source or the default store', async () => {
    const { directory, source } = await sourceStore()
    const target = join(directory, 'to', 'releases.json')
    const lock = await lockedBy(target)
    const line = await fails(
      directory,
      ['--lock-timeout', '200ms', 'migrate', '--from', source, '--to', target],
      1,
      unrelated(directory),
    ).finally(() => lock.release())
    expect(line).toMatch(
      new RegExp(`^stagecraft-state: LOCK_TIMEOUT: ${storePaths(target).lock}: gave up after 200 ms`),
    )
    expect(line).not.toContain('unrelated')
    expect(line).not.toContain(source)
  })

  it('a source whose lock is held: LOCK_TIMEOUT names the source lock', async () => {
    const { directory, source } = await sourceStore()
    const lock = await lockedBy(source)
    const line = await fails(
      directory,
      ['--lock-timeout', '200ms', 'migrate', '--from', source, '--to', join(directory, 'to', 'releases.json')],
      1,
      unrelated(directory),
    ).finally(() => lock.release())
    expect(line).toMatch(new RegExp(`^stagecraft-state: LOCK_TIMEOUT: ${storePaths(source).lock}: gave up`))
    expect(line).not.toContain('unrelated')
  })

  it('a target that does not verify: named as the target, and nothing else', async () => {
    const { directory, source } = await sourceStore()
    const target = join(directory, 'to', 'releases.json')
    await ok(directory, ['migrate', '--from', source, '--to', target])
    appendFileSync(storeFiles(target).eventLog, 'not an event\n')
    const line = await fails(directory, ['migrate', '--from', source, '--to', target], 1, unrelated(directory))
    expect(line).toMatch(
      new RegExp(
        `^stagecraft-state: CORRUPT_STATE: file store ${target} does not verify; fix it before moving into it: ${storeFiles(target).eventLog}:7: `,
      ),
    )
    expect(line).not.toContain('unrelated')
  })

  it('a default store that could not be used (a bad STAGECRAFT_STATE_URL, a file in the way of .stagecraft) is no concern of migrate', async () => {
    const { directory, source } = await sourceStore()
    writeFileSync(join(directory, '.stagecraft'), 'a file, not a directory')
    await ok(directory, ['migrate', '--from', source, '--to', join(directory, 'to', 'releases.json')], {
      STAGECRAFT_STATE_URL: 'not a url',
    })
  })
})
