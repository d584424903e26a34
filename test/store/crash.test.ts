/**
 * Crashes: deploying processes killed with SIGKILL at random moments, over and over, on one
 * store; and processes killed while they hold the write lock.
 *
 * After every kill: a new manager reads the store; every operation a killed process had
 * acknowledged is there; the next write succeeds (regenerating a stale releases.json, removing a
 * temporary file, recovering the dead writer's lock, setting a torn last line aside); and the
 * store verifies.
 *
 * The random delays come from a seed printed with every failure; set CRASH_SEED to draw the same
 * delays again (the moments they hit still depend on the machine).
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, isStateError, type Release } from '../../src/index.js'
import { releaseRecordText } from '../../src/internals.js'
import { GO_FIXTURES, readGoFixture } from '../fixtures/index.js'
import {
  Acknowledged,
  Child,
  expectIdsIncreasing,
  expectNoLeftovers,
  expectSoundStore,
  leftovers,
  prng,
  sleep,
  snapshotIds,
  type TempStore,
  tempStore,
} from './children/harness.js'

const stores: TempStore[] = []
const children: Child[] = []
const newStore = async (): Promise<TempStore> => {
  const store = await tempStore('stagecraft-crash-')
  stores.push(store)
  return store
}
const spawnChild = (script: string, config: unknown): Child => {
  const child = new Child(script, config)
  children.push(child)
  return child
}
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()))
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})

beforeAll(() => {
  expect(readdirSync(new URL('../../dist/', import.meta.url)), 'dist/ is missing: run npm run build').toContain(
    'index.js',
  )
})

/** A manager for checking, collecting its warnings. */
const checker = (store: TempStore, options: { lockTimeoutMs?: number; abandonedAfterMs?: number } = {}) => {
  const warnings: string[] = []
  const manager = createStateManager({
    stateFile: store.stateFile,
    actor: 'checker',
    onWarning: (message) => warnings.push(message),
    ...options,
  })
  return { manager, warnings }
}

/** Puts a releases.json (with no event log) in the store. */
const seedSnapshot = async (store: TempStore, text: string): Promise<void> => {
  mkdirSync(store.directory, { recursive: true })
  writeFileSync(store.stateFile, text)
}

const isSideFileWarning = (problem: { location: string; message: string }): boolean =>
  /\.events\.ndjson\.torn-/.test(problem.location)

describe('deploying processes killed with SIGKILL at random moments, many times over, on one store', () => {
  const ROUNDS = 25
  const seed = Number(process.env['CRASH_SEED'] ?? randomBytes(4).readUInt32LE(0))

  it(`${ROUNDS} rounds of two deployers, each killed at a random moment (seed ${seed}): nothing acknowledged is lost, the store opens, the next write recovers, verify is sound`, async () => {
    const random = prng(seed)
    const store = await newStore()
    const acknowledged = new Acknowledged()
    const seen = { staleSnapshot: 0, lockLeft: 0, temporaryLeft: 0, tornSimulated: 0, warnings: 0 }
    let tornFiles = 0

    for (let round = 0; round < ROUNDS; round++) {
      const context = `round ${round} (seed ${seed}):`
      // Two deployers on one store; one is killed first, the other must carry on (recovering the
      // lock if the first died holding it), then is killed too.
      const config = (name: string) => ({
        stateFile: store.stateFile,
        name,
        environments: ['prod', 'staging', `own-${name}`],
        lockTimeoutMs: 20_000,
      })
      const first = spawnChild('crash-deployer.mjs', config(`r${round}a`))
      const second = spawnChild('crash-deployer.mjs', config(`r${round}b`))
      const killAfter = async (child: Child, acks: number, delayMs: number): Promise<void> => {
        const target = child.acks.length + acks
        await child.until((c) => c.acks.length >= target, `${acks} more acknowledged operations (${context})`)
        await sleep(delayMs)
        await child.kill()
      }
      await Promise.all(
        [first, second].map((child) =>
          child.until((c) => c.lines.some((line) => line.t === 'ready'), `ready (${context})`),
        ),
      )
      await killAfter(first, random(5), random(40))
      await killAfter(second, 1 + random(3), random(40))
      for (const child of [first, second]) {
        expect((await child.exited).signal, `${context} ${child.errors}`).toBe('SIGKILL')
        expect(child.errors, context).toBe('')
        for (const ack of child.acks) acknowledged.add(ack)
      }

      // A kill in the middle of an append can leave a torn last line (rare: an append is one
      // write). Every fifth round leaves one for sure: a prefix of a line, as a crash would.
      let torn: Buffer | undefined
      if (round % 5 === 4) {
        const lastLine = readFileSync(store.eventLog, 'utf8').trimEnd().split('\n').at(-1) ?? ''
        torn = Buffer.from(lastLine.slice(0, 1 + random(lastLine.length - 1)), 'utf8')
        appendFileSync(store.eventLog, torn)
        seen.tornSimulated++
      }

      // What the dead left behind, as seen before anyone writes.
      const before = leftovers(store)
      if (before.locks.length > 0) seen.lockLeft++
      if (before.temporaries.length > 0) seen.temporaryLeft++
      const { manager, warnings } = checker(store, { lockTimeoutMs: 20_000, abandonedAfterMs: 0 })
      const beforeReport = await manager.verify()
      if (beforeReport.problems.some((p) => /behind the event log/.test(p.message))) seen.staleSnapshot++

      // A new manager reads the store, and sees everything acknowledged.
      acknowledged.expectIn(await manager.listAllReleases(), { context })

      // A write succeeds: the orchestrator starting again closes out what the dead left running.
      const abandoned = await manager.abandonedReleases()
      for (const release of abandoned) {
        const { release: recovered } = await manager.recoverRelease(
          release.id,
          `round ${round}: its deployer was killed`,
        )
        expect(
          Object.values(recovered.phases).filter((s) => s === 'pending' || s === 'running'),
          context,
        ).toEqual([])
      }
      const { release: marker } = await manager.createRelease('checker', `round-${round}`)
      acknowledged.add({ t: 'ack', op: 'create', environment: 'checker', version: `round-${round}`, release: marker })
      seen.warnings += warnings.length

      if (torn !== undefined) {
        const tornWarnings = warnings.filter((w) => w.includes('incomplete last line'))
        expect(tornWarnings, `${context} ${warnings.join(' | ')}`).toHaveLength(1)
        const sideFiles = leftovers(store).torn
        expect(sideFiles, context).toHaveLength(++tornFiles)
        const newest = sideFiles.find((name) => tornWarnings[0]?.includes(name))
        expect(newest, `${context} the warning names the side file`).toBeDefined()
        expect(
          readFileSync(join(store.directory, newest as string)).equals(torn),
          `${context} the side file holds the torn bytes`,
        ).toBe(true)
        expect(readFileSync(store.eventLog, 'utf8').endsWith('\n'), context).toBe(true)
      } else {
        expect(
          warnings.filter((w) => w.includes('incomplete last line')),
          context,
        ).toEqual([])
      }

      // Everything acknowledged, the dead's and the checker's, is there for a fresh manager; the store verifies.
      const fresh = createStateManager({ stateFile: store.stateFile })
      const releases = await expectSoundStore(fresh, store, { allowWarning: isSideFileWarning, context })
      acknowledged.expectIn(releases, { context })
    }

    console.info(
      `crash test, seed ${seed}: ${ROUNDS} rounds, ${acknowledged.count} acknowledged operations; left behind by kills:`,
      seen,
    )
    // The kills landed where it matters: a writer spends most of its time holding the lock, and a
    // good part of it between its append and its snapshot replace; 25 rounds that never left a
    // lock or a stale releases.json behind did not test crash recovery.
    expect(acknowledged.created.size).toBeGreaterThan(2 * ROUNDS)
    expect(seen.lockLeft, "rounds that left a dead holder's lock").toBeGreaterThan(0)
    expect(seen.staleSnapshot, 'rounds that left releases.json behind the log').toBeGreaterThan(0)
  }, 180_000)
})

describe('a Go-written releases.json, imported by a first write killed at a random moment', () => {
  const ROUNDS_EACH = 2
  const seed = Number(process.env['CRASH_SEED'] ?? randomBytes(4).readUInt32LE(0))

  it(`${ROUNDS_EACH} rounds per Go fixture (seed ${seed}): the imported records survive unchanged, the next write recovers, verify is sound`, async () => {
    const random = prng(seed)
    const seen = { importedBeforeKill: 0, fileUntouchedAtKill: 0 }
    for (const fixture of GO_FIXTURES) {
      for (let round = 0; round < ROUNDS_EACH; round++) {
        const context = `${fixture} round ${round} (seed ${seed}):`
        const store = await newStore()
        const text = readGoFixture(fixture)
        // What the file holds, as this module reads it before any import.
        await seedSnapshot(store, text)
        const expected = (await createStateManager({ stateFile: store.stateFile }).listAllReleases())
          .map(releaseRecordText)
          .sort()
        expect(expected.length, context).toBeGreaterThan(0)

        const child = spawnChild('crash-deployer.mjs', {
          stateFile: store.stateFile,
          name: `go${round}`,
          environments: ['prod', 'staging'],
          lockTimeoutMs: 20_000,
        })
        await child.until((c) => c.lines.some((line) => line.t === 'ready'), `ready (${context})`)
        const acks = random(3)
        await child.until((c) => c.acks.length >= acks, `${acks} acknowledged operations (${context})`)
        await sleep(random(25))
        await child.kill()
        expect(child.errors, context).toBe('')
        const acknowledged = new Acknowledged()
        for (const ack of child.acks) acknowledged.add(ack)
        if (existsSync(store.eventLog) && statSync(store.eventLog).size > 0) seen.importedBeforeKill++
        if (readFileSync(store.stateFile, 'utf8') === text) seen.fileUntouchedAtKill++

        // A new manager reads the store: the imported records, as they were, and what was acknowledged.
        const { manager } = checker(store, { abandonedAfterMs: 0 })
        const importedNow = (all: ReadonlyArray<Release>): string[] =>
          all
            .filter((r) => !r.version.startsWith(`go${round}-`) && r.environment !== 'checker')
            .map(releaseRecordText)
            .sort()
        expect(
          importedNow(await manager.listAllReleases()),
          `${context} imported records before the next write`,
        ).toEqual(expected)
        acknowledged.expectIn(await manager.listAllReleases(), { context })

        // The next write succeeds; afterwards the store verifies (warnings about what the file itself holds are kept on
        // purpose).
        const created = (await manager.listAllReleases()).filter((r) => r.version.startsWith(`go${round}-`))
        for (const release of await manager.abandonedReleases())
          if (created.some((r) => r.id === release.id)) await manager.recoverRelease(release.id, 'killed')
        await manager.createRelease('checker', `after-${fixture}`)
        const fresh = createStateManager({ stateFile: store.stateFile })
        const after = await fresh.listAllReleases()
        expect(importedNow(after), `${context} imported records after the next write`).toEqual(expected)
        acknowledged.expectIn(after, { context })
        const report = await fresh.verify()
        expect(
          report.problems.filter((p) => p.severity === 'error'),
          context,
        ).toEqual([])
        expect(report.sound, context).toBe(true)
        expectIdsIncreasing(await fresh.history())
        expect(snapshotIds(store), context).toEqual(after.map((r) => r.id as string).sort())
        expectNoLeftovers(store, context)
      }
    }
    console.info(
      `import crash test, seed ${seed}: ${GO_FIXTURES.length * ROUNDS_EACH} rounds; killed after the import was appended:`,
      seen,
    )
  }, 120_000)
})

describe('a writer killed between the steps of its write: before its append, after it, with its snapshot staged, renamed and recorded, after its checkpoint', () => {
  for (const step of [
    'snapshot checked',
    'appended',
    'snapshot staged',
    'snapshot written',
    'snapshot recorded',
    'checkpoint written',
  ] as const) {
    for (const op of ['create', 'update'] as const) {
      it(`killed after "${step}" in a ${op}: the store opens, the next write recovers, nothing acknowledged is lost, and a durable write stands`, async () => {
        const store = await newStore()
        const seeder = createStateManager({ stateFile: store.stateFile, actor: 'seeder' })
        const acknowledged = new Acknowledged()
        const { release: first } = await seeder.createRelease('prod', 'v1')
        acknowledged.add({ t: 'ack', op: 'create', environment: 'prod', version: 'v1', release: first })
        acknowledged.add({
          t: 'ack',
          op: 'update',
          id: first.id,
          phase: 'build',
          status: 'running',
          release: (await seeder.updatePhase(first.id, 'build', 'running')).release,
        })
        const write =
          op === 'create'
            ? { op, environment: 'prod', version: 'v2' }
            : { op, id: first.id, phase: 'build', status: 'completed' }
        const writer = spawnChild('stopped-writer.mjs', { stateFile: store.stateFile, stopAt: step, ...write })
        await writer.until((c) => c.lines.some((line) => line.t === 'stopped'), `the writer stopped after "${step}"`)
        await writer.kill()

        const { manager, warnings } = checker(store)
        const seen = await manager.listAllReleases()
        acknowledged.expectIn(seen)
        // Past its append, its events were durable when it stopped: the write stands, acknowledged or not.
        const durable = step !== 'snapshot checked'
        if (op === 'create')
          expect(seen.map((release) => release.version).sort()).toEqual(durable ? ['v1', 'v2'] : ['v1'])
        else
          expect(seen.find((release) => release.id === first.id)?.phases.build).toBe(durable ? 'completed' : 'running')
        await manager.createRelease('staging', 'v1')
        expect(
          warnings.filter((warning) => !/lock|behind the event log/.test(warning)),
          warnings.join(' | '),
        ).toEqual([])
        await expectSoundStore(createStateManager({ stateFile: store.stateFile, onWarning: () => undefined }), store)
      })
    }
  }
})

describe('a writer killed while it holds the write lock', () => {
  /**
   * A store with one release, its releases.json removed, and a child holding the real lock while it "regenerates" it.
   */
  const holdLock = async (store: TempStore): Promise<{ holder: Child; existing: Release }> => {
    const { release: existing } = await createStateManager({ stateFile: store.stateFile }).createRelease('prod', 'v1')
    rmSync(store.stateFile)
    const holder = spawnChild('lock-holder.mjs', { stateFile: store.stateFile })
    await holder.until((c) => c.lines.some((line) => line.t === 'holding'), 'the lock held')
    const lock = JSON.parse(readFileSync(store.lock, 'utf8')) as { pid: number; host: string }
    expect(lock).toMatchObject({ pid: holder.pid, host: hostname() })
    return { holder, existing }
  }

  it('while the holder lives: reads do not wait; a writer waits lockTimeoutMs and fails with LOCK_TIMEOUT naming the holder; nothing is written', async () => {
    const store = await newStore()
    const { holder, existing } = await holdLock(store)
    const { manager } = checker(store, { lockTimeoutMs: 400 })

    expect((await manager.listAllReleases()).map((r) => r.id)).toEqual([existing.id])
    expect((await manager.getCurrentRelease('prod')).id).toBe(existing.id)

    const logBefore = readFileSync(store.eventLog)
    const started = Date.now()
    const error = await manager.createRelease('prod', 'v2').then(
      () => undefined,
      (e: unknown) => e,
    )
    const waited = Date.now() - started
    expect(isStateError(error, 'LOCK_TIMEOUT'), String(error)).toBe(true)
    expect((error as Error).message).toContain(`process ${holder.pid}`)
    expect(waited).toBeGreaterThanOrEqual(400) // it waited out its timeout: a lower bound only
    const zero = await checker(store, { lockTimeoutMs: 0 })
      .manager.updatePhase(existing.id, 'build', 'running')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(isStateError(zero, 'LOCK_TIMEOUT'), String(zero)).toBe(true)
    expect(readFileSync(store.eventLog).equals(logBefore)).toBe(true)
    expect(readFileSync(store.lock, 'utf8'), 'the lock names its holder').toContain(`"pid":${holder.pid}`)
  })

  it('a writer naming the store without .json (the same log) waits for the same lock: one store under two names never forks', async () => {
    const store = await newStore()
    const { holder } = await holdLock(store)
    const other = createStateManager({
      stateFile: store.stateFile.slice(0, -'.json'.length),
      lockTimeoutMs: 300,
      onWarning: () => undefined,
    })
    const logBefore = readFileSync(store.eventLog)
    const error = await other.createRelease('prod', 'v2').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isStateError(error, 'LOCK_TIMEOUT'), String(error)).toBe(true)
    expect((error as Error).message).toContain(`process ${holder.pid}`)
    expect(readFileSync(store.eventLog).equals(logBefore)).toBe(true)
  })

  it('once the holder is killed, the next writer recovers the lock at once (lockTimeoutMs 0) and the store verifies', async () => {
    const store = await newStore()
    const { holder, existing } = await holdLock(store)
    await holder.kill()
    expect(readFileSync(store.lock, 'utf8'), 'the killed holder left its name in the lock file').toContain(
      `"pid":${holder.pid}`,
    )

    const { manager, warnings } = checker(store, { lockTimeoutMs: 0 })
    const { release: created } = await manager.createRelease('prod', 'v2')
    expect(created.previousId).toBe(existing.id)
    expect(
      warnings.some((w) => w.includes('was missing')),
      warnings.join(' | '),
    ).toBe(true) // the snapshot the holder never rewrote
    const releases = await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
    expect(releases.map((r) => r.version).sort()).toEqual(['v1', 'v2']) // the holder's own write never happened
  })

  it('a holder SIGKILLed: a deployer in another process recovers its lock and makes progress', async () => {
    const store = await newStore()
    const { holder, existing } = await holdLock(store)
    await holder.kill()
    // A deployer process (not this one) must recover the dead holder's lock to make progress.
    const deployer = spawnChild('crash-deployer.mjs', {
      stateFile: store.stateFile,
      name: 'after',
      environments: ['prod'],
      lockTimeoutMs: 20_000,
    })
    await deployer.until((c) => c.acks.length >= 3, 'three acknowledged operations after the holder died')
    await deployer.kill()
    expect(deployer.errors).toBe('')
    const acknowledged = new Acknowledged()
    for (const ack of deployer.acks) acknowledged.add(ack)
    const first = deployer.acks[0]
    expect(first?.op).toBe('create')
    expect(first?.release.previousId).toBe(existing.id)
    // The deployer was killed at a random moment, perhaps in the instant between creating its lock
    // file and filling it: such an empty lock is only recovered after a grace period, so wait past it.
    // One write at least, as the rounds above make: a deployer killed holding the lock with no
    // release in progress (after recovering a failed one) leaves nothing abandoned to recover.
    const { manager } = checker(store, { lockTimeoutMs: 20_000, abandonedAfterMs: 0 })
    for (const release of await manager.abandonedReleases()) await manager.recoverRelease(release.id, 'killed')
    const { release: marker } = await manager.createRelease('checker', 'after')
    acknowledged.add({ t: 'ack', op: 'create', environment: 'checker', version: 'after', release: marker })
    const releases = await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
    acknowledged.expectIn(releases)
  })
})

describe('a releases.json left behind by a writer killed between its append and its snapshot replace', () => {
  // The kill is simulated exactly: a hard link keeps the releases.json the writer found, and is
  // put back after the writer (a real process) finished; the file is then byte for byte, inode,
  // size and modification time, what a kill just before its rename would have left.
  // What a writer killed between its append and its snapshot leaves: releases.json as it was, and
  // the record of its SHA-256, written after it, as it was too.
  const killedBeforeSnapshot = async (store: TempStore, write: Record<string, unknown>): Promise<void> => {
    const record = `${store.stateFile}.sha256`
    linkSync(store.stateFile, `${store.stateFile}.before`)
    const recorded = readFileSync(record)
    const writer = spawnChild('one-write.mjs', { stateFile: store.stateFile, ...write })
    expect(await writer.exited, writer.errors).toEqual({ code: 0, signal: null })
    renameSync(`${store.stateFile}.before`, store.stateFile)
    writeFileSync(record, recorded)
  }

  it('is regenerated by the next write of a fresh manager, even one that records nothing (an idempotent retry)', async () => {
    const store = await newStore()
    const { release } = await createStateManager({ stateFile: store.stateFile }).createRelease('prod', 'v1')
    await killedBeforeSnapshot(store, { op: 'update', id: release.id, phase: 'push', status: 'running' })
    expect((await createStateManager({ stateFile: store.stateFile }).verify()).sound).toBe(false)

    const { manager, warnings } = checker(store)
    expect((await manager.updatePhase(release.id, 'build', 'pending')).release.phases.push).toBe('running')
    expect(
      warnings.some((w) => w.includes('behind the event log')),
      warnings.join(' | '),
    ).toBe(true)
    await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
  })

  // A releases.json whose fingerprint is the one this manager last wrote is not in step once the
  // log has grown since.
  it('is regenerated by the next write of the manager that wrote it, even one that records nothing', async () => {
    const store = await newStore()
    const { manager } = checker(store)
    const { release } = await manager.createRelease('prod', 'v1')
    await manager.updatePhase(release.id, 'build', 'running') // this manager wrote the current releases.json
    await killedBeforeSnapshot(store, { op: 'update', id: release.id, phase: 'push', status: 'running' })

    // An idempotent retry: it succeeds, and returns the release as the log has it...
    expect((await manager.updatePhase(release.id, 'build', 'running')).release.phases.push).toBe('running')
    // ...so when it returns, releases.json must show the log too (read-after-write for readers of the file).
    const inFile = (
      JSON.parse(readFileSync(store.stateFile, 'utf8')) as {
        releases: Array<{ id: string; phases: Record<string, string> }>
      }
    ).releases.find((r) => r.id === release.id)
    expect(inFile?.phases['push'], 'releases.json after the write returned').toBe('running')
    await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
  })
})

describe('torn last lines set aside again and again', () => {
  // Side files must stay apart when the clock reading and the pid repeat: a name clash would be
  // IO_ERROR (EEXIST) for that write and every write after it.
  it('by one manager whose injected clock repeats (a fixed test clock): every torn tail gets its own side file, every write succeeds', async () => {
    const store = await newStore()
    const fixed = new Date('2030-01-01T00:00:00.000Z')
    const warnings: string[] = []
    const manager = createStateManager({
      stateFile: store.stateFile,
      now: () => fixed,
      onWarning: (message) => warnings.push(message),
    })
    await manager.createRelease('prod', 'v0')
    const tails = ['{"torn":', '{"v":1,"prev":"ab', '{']
    for (const [i, tail] of tails.entries()) {
      appendFileSync(store.eventLog, tail) // a crash in the middle of an append
      const outcome = await manager.createRelease('prod', `v${i + 1}`).then(
        ({ release }) => release.version,
        (error: unknown) => String(error),
      )
      expect(outcome, `write after torn tail ${i + 1}`).toBe(`v${i + 1}`)
    }
    const sideFiles = leftovers(store).torn
    expect(sideFiles).toHaveLength(tails.length)
    expect(sideFiles.map((name) => readFileSync(join(store.directory, name), 'utf8')).sort()).toEqual([...tails].sort())
    expect(warnings.filter((w) => w.includes('incomplete last line'))).toHaveLength(tails.length)
    await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store, {
      allowWarning: isSideFileWarning,
    })
  })
})

describe('lock files that no process holds', () => {
  /** The pid of a process that has exited (and been reaped). */
  const deadPid = (): number =>
    Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }))
  const holderName = (pid: number, host: string) =>
    JSON.stringify({ pid, host, since: new Date(Date.now() - 3_600_000).toISOString() })

  // Only the kernel's lock counts: a name in the file, whoever it names, is what a killed holder
  // left. Judged by pid, a live pid (reused, or the parent of a restarted container's pid 1) was
  // never recovered, and a dead one in another PID namespace was wrongly recovered.
  it.each([
    ['a dead process of this host', () => deadPid(), (pid: number) => holderName(pid, hostname())],
    ['a live process of this host (its pid reused)', () => process.ppid, (pid: number) => holderName(pid, hostname())],
    ['this very process', () => process.pid, (pid: number) => holderName(pid, hostname())],
    ['a process of another host', () => 4242, (pid: number) => holderName(pid, `not-${hostname()}`)],
    ['something unreadable (any pid)', () => 4243, () => '{"pid":'],
    ['nobody (an empty file)', () => 4244, () => ''],
  ])(
    'naming %s: taken at once (lockTimeoutMs 0), and what the killed holder left is cleared',
    async (_, pidOf, content) => {
      const store = await newStore()
      const manager = createStateManager({ stateFile: store.stateFile, lockTimeoutMs: 0 })
      const { release: first } = await manager.createRelease('prod', 'v1')
      const pid = pidOf()
      const named = content(pid)
      writeFileSync(store.lock, named)
      const leftover = join(store.directory, `.releases.json.stagecraft-tmp-${pid}-0123456789ab`)
      const someoneElses = join(store.directory, `.releases.json.stagecraft-tmp-${pid + 100_000}-0123456789ab`)
      writeFileSync(leftover, 'half a snapshot')
      writeFileSync(someoneElses, 'half a snapshot')
      expect((await manager.updatePhase(first.id, 'build', 'running')).release.phases.build).toBe('running')
      // An empty file says that nobody was killed holding the lock: no directory scan for leftovers.
      expect(existsSync(leftover), 'the temporary file of the killed holder').toBe(named === '')
      expect(existsSync(someoneElses), 'a temporary file of another pid').toBe(named !== '{"pid":')
      rmSync(leftover, { force: true })
      rmSync(someoneElses, { force: true })
      await expectSoundStore(createStateManager({ stateFile: store.stateFile }), store)
    },
  )
})
