import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { StateError } from '../../src/domain/state-error.js'
import type { EventStore, RecordProblem, Visitor } from '../../src/store/event-store.js'
import { fileStore } from '../../src/store/file-store.js'
import { GENESIS_HASH, hashLine } from '../../src/store/log-line.js'
import { storePaths, type StorePaths } from '../../src/store/paths.js'
import { deployEnvelopes, envelopesEndingInRecovery } from '../support/envelopes.js'
import { appendToLog } from '../support/raw-lines.js'
import { tempDir } from '../support/temp.js'
import { appendAll, eventStoreContract, readAll } from './contract.js'

const openStore = (stateFile: string, warnings: string[] = []): { store: EventStore; paths: StorePaths } => {
  const paths = storePaths(stateFile)
  return {
    paths,
    store: fileStore(paths, {
      lockTimeoutMs: 2_000,
      onWarning: (w) => warnings.push(w),
      now: () => new Date(Date.UTC(2025, 0, 1)),
    }),
  }
}

eventStoreContract('the file store', async () => {
  const stateFile = join(tempDir(), '.stagecraft', 'releases.json')
  return {
    store: openStore(stateFile).store,
    reopen: async () => openStore(stateFile).store,
    appendLines: async (lines) => appendToLog(storePaths(stateFile).eventLog, lines),
  }
})

const failureOf = async (task: () => Promise<E.Either<StateError, unknown>>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error('expected a failure')
  return result.left
}

const logLines = (paths: StorePaths): string[] => readFileSync(paths.eventLog, 'utf8').split('\n').slice(0, -1)

describe('the file store keeps its files beside the state file', () => {
  it('names the log X.events.ndjson, the lock X.events.ndjson.lock, the checkpoint X.checkpoint and the snapshot record X.json.sha256 for a state file X.json', () => {
    expect(storePaths('/a/.stagecraft/releases.json')).toEqual({
      stateFile: '/a/.stagecraft/releases.json',
      eventLog: '/a/.stagecraft/releases.events.ndjson',
      lock: '/a/.stagecraft/releases.events.ndjson.lock',
      checkpoint: '/a/.stagecraft/releases.checkpoint',
      snapshotRecord: '/a/.stagecraft/releases.json.sha256',
      directory: '/a/.stagecraft',
    })
    expect(storePaths('/a/state').eventLog).toBe('/a/state.events.ndjson')
  })

  it('gives the two names of one store, X and X.json, which share a log, one lock', () => {
    expect(storePaths('/a/releases').lock).toBe(storePaths('/a/releases.json').lock)
  })

  it('writes one JSON event per line, each chained to the SHA-256 of the line before', async () => {
    const { store, paths } = openStore(join(tempDir(), 'releases.json'))
    await appendAll(store, deployEnvelopes(4))
    const lines = logLines(paths)
    expect(lines).toHaveLength(4)
    const prevs = lines.map((line) => (JSON.parse(line) as { prev: string }).prev)
    expect(prevs).toEqual([
      GENESIS_HASH,
      hashLine(lines[0] as string),
      hashLine(lines[1] as string),
      hashLine(lines[2] as string),
    ])
    expect(readFileSync(paths.lock, 'utf8'), 'the lock names no holder once released').toBe('')
  })

  it('gives a state directory it creates a .gitignore that ignores everything, and leaves an existing one alone', async () => {
    const root = tempDir()
    const { store, paths } = openStore(join(root, 'deep', '.stagecraft', 'releases.json'))
    await appendAll(store, deployEnvelopes(1))
    expect(readFileSync(join(paths.directory, '.gitignore'), 'utf8')).toMatch(/^\*$/m)
    const existing = join(root, 'mine')
    mkdirSync(existing)
    await appendAll(openStore(join(existing, 'releases.json')).store, deployEnvelopes(1))
    expect(readdirSync(existing).sort()).toEqual([
      'releases.checkpoint',
      'releases.events.ndjson',
      'releases.events.ndjson.lock',
      'releases.json',
      'releases.json.sha256',
    ])
  })

  it('creates nothing when a missing store is read', async () => {
    const root = tempDir()
    const { store } = openStore(join(root, '.stagecraft', 'releases.json'))
    expect((await readAll(store)).events).toEqual([])
    expect(readdirSync(root)).toEqual([])
  })
})

describe('the file store and an incomplete last line', () => {
  const torn = async () => {
    const warnings: string[] = []
    const { store, paths } = openStore(join(tempDir(), 'releases.json'), warnings)
    await appendAll(store, deployEnvelopes(3))
    const tail = '{"v":1,"id":"01JG'
    appendFileSync(paths.eventLog, tail)
    return { store, paths, tail, warnings }
  }

  it('lets readers read every complete line and report the incomplete one without touching it (an append may be in flight)', async () => {
    const { store, paths, tail } = await torn()
    const before = readFileSync(paths.eventLog)
    const end = await store.read(store.origin, { event: () => undefined })()
    expect(E.isRight(end) && end.right.cursor.position).toBe(3)
    expect(E.isRight(end) && end.right.incompleteTail).toMatchObject({
      location: `${paths.eventLog}:4`,
      bytes: tail.length,
    })
    expect(readFileSync(paths.eventLog)).toEqual(before)
  })

  it('has a writer (who holds the lock, so knows no append is in flight) move it to a side file, report it, and go on', async () => {
    const { store, paths, tail, warnings } = await torn()
    await appendAll(store, deployEnvelopes(5).slice(3))
    const asides = readdirSync(paths.directory).filter((name) => name.startsWith('releases.events.ndjson.torn-'))
    expect(asides).toHaveLength(1)
    expect(readFileSync(join(paths.directory, asides[0] as string), 'utf8')).toBe(tail)
    expect(warnings).toEqual([
      expect.stringContaining(`${paths.eventLog}:4: an incomplete last line of ${tail.length} bytes`),
    ])
    expect(logLines(paths)).toHaveLength(5)
    expect((await readAll(store)).events).toHaveLength(5)
    expect(await store.leftovers()()).toEqual(E.right([join(paths.directory, asides[0] as string)]))
  })
})

describe('the file store and a command whose events were not all appended', () => {
  it('has a writer set the command aside whole, torn line and complete lines alike, report it, and go on from before it', async () => {
    const warnings: string[] = []
    const { store, paths } = openStore(join(tempDir(), 'releases.json'), warnings)
    const { before, recovery } = envelopesEndingInRecovery(4)
    await appendAll(store, before)
    const sound = readFileSync(paths.eventLog)
    const recorded = readFileSync(paths.snapshotRecord)
    await appendAll(store, recovery)
    // A machine crash tore the recovery's append: three of its six lines and part of a fourth
    // reached the disk. Nothing after the append was written: the snapshot's record is as before.
    const appended = readFileSync(paths.eventLog).subarray(sound.length)
    const kept = appended.subarray(
      0,
      appended.indexOf('\n', appended.indexOf('\n', appended.indexOf('\n') + 1) + 1) + 20,
    )
    writeFileSync(paths.eventLog, Buffer.concat([sound, kept]))
    writeFileSync(paths.snapshotRecord, recorded)

    expect((await readAll(store)).events.map((event) => event.envelope)).toEqual(before)
    // The recovery again, whole this time: what follows the commands before it.
    await appendAll(store, recovery)
    expect(warnings).toEqual([
      expect.stringContaining(
        `${paths.eventLog}:${before.length + 1}: an incomplete last command of ${kept.length} bytes (3 of the 6 events it recorded)`,
      ),
    ])
    const aside = readdirSync(paths.directory).filter((name) => name.startsWith('releases.events.ndjson.torn-'))
    expect(aside.map((name) => readFileSync(join(paths.directory, name)))).toEqual([kept])
    expect(readFileSync(paths.eventLog).subarray(0, sound.length).equals(sound)).toBe(true)
    expect((await readAll(store)).events).toHaveLength(before.length + recovery.length)
  })
})

describe('the file store refuses a damaged log with the file and line', () => {
  const damaged = async (damage: (lines: string[]) => string[]) => {
    const { store, paths } = openStore(join(tempDir(), 'releases.json'))
    await appendAll(store, deployEnvelopes(6))
    writeFileSync(paths.eventLog, `${damage(logLines(paths)).join('\n')}\n`)
    return { store, paths }
  }

  it.each([
    [
      'garbage in the middle',
      (lines: string[]) => [...lines.slice(0, 2), 'not json at all', ...lines.slice(3)],
      3,
      /not valid JSON/,
    ],
    [
      'a line that is JSON but not an event',
      (lines: string[]) => [...lines.slice(0, 2), '{"v":1,"type":"Nope"}', ...lines.slice(3)],
      3,
      /not an event/,
    ],
    [
      'an edited line',
      (lines: string[]) => lines.map((line, i) => (i === 0 ? line.replace('"v1.0-', '"v9.0-') : line)),
      2,
      /line 1 was edited/,
    ],
    ['a deleted line', (lines: string[]) => lines.filter((_, i) => i !== 2), 3, /hash chain is broken/],
    [
      'two lines swapped',
      (lines: string[]) => [lines[0], lines[2], lines[1], ...lines.slice(3)] as string[],
      2,
      /hash chain is broken/,
    ],
    ['the first line deleted', (lines: string[]) => lines.slice(1), 1, /first line does not start the chain/],
  ])('%s', async (_name, damage, line, message) => {
    const { store, paths } = await damaged(damage)
    const before = readFileSync(paths.eventLog)
    const error = await failureOf(store.read(store.origin, { event: () => undefined }))
    expect(error.code).toBe('CORRUPT_STATE')
    expect(error.message).toContain(`${paths.eventLog}:${line}:`)
    expect(error.message).toMatch(message)
    const refused = await failureOf(store.write((session) => session.read(store.origin, { event: () => undefined })))
    expect(refused.code).toBe('CORRUPT_STATE')
    expect(readFileSync(paths.eventLog)).toEqual(before)
  })

  it('reports every bad line to a visitor that asks for problems, and the break in the chain after each, and keeps reading', async () => {
    const { store, paths } = await damaged((lines) => [
      ...lines.slice(0, 1),
      'garbage',
      ...lines.slice(2, 4),
      '{}',
      ...lines.slice(5),
    ])
    const problems: RecordProblem[] = []
    const positions: number[] = []
    const visitor: Visitor = { event: (e) => void positions.push(e.position), problem: (p) => void problems.push(p) }
    await store.read(store.origin, visitor)()
    expect(problems.map((p) => p.location)).toEqual([2, 3, 5, 6].map((line) => `${paths.eventLog}:${line}`))
    expect(problems[1]?.message).toMatch(/line 2 was edited/)
    expect(positions).toEqual([1, 4])
  })

  it('refuses a log that shrank below what was already read, or was replaced', async () => {
    const { store, paths } = openStore(join(tempDir(), 'releases.json'))
    await appendAll(store, deployEnvelopes(4))
    const { cursor } = await readAll(store)
    const lines = logLines(paths)
    writeFileSync(paths.eventLog, `${lines.slice(0, 2).join('\n')}\n`)
    expect((await failureOf(store.read(cursor, { event: () => undefined }))).message).toMatch(
      /shorter than the \d+ bytes already read/,
    )
    writeFileSync(`${paths.eventLog}.new`, `${lines.join('\n')}\n`)
    renameSync(`${paths.eventLog}.new`, paths.eventLog)
    expect((await failureOf(store.read(cursor, { event: () => undefined }))).message).toMatch(/replaced/)
  })
})
