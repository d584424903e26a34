/**
 * What the store's process-level suites (concurrency, crash, interleaving) share: temporary
 * stores, child processes that talk in JSON lines, and the invariants a store must keep whatever
 * ran on it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  createStateManager,
  type HistoryEvent,
  PHASES,
  type PhaseStatus,
  type Release,
  type StateManager,
  type StoreSpec,
} from '../../../src/index.js'
import { fileStore, type FileStoreOptions } from '../../../src/store/file-store.js'
import { storePaths } from '../../../src/store/paths.js'
import { JsonLinesChild } from '../../support/json-lines-child.js'
import { type StoreFactory, subjectOf } from '../store-subject.js'

// ---------------------------------------------------------------------------------------------
// Temporary stores

/** A store in a fresh temporary directory; the state directory itself does not exist yet. */
export interface TempStore {
  readonly root: string
  readonly stateFile: string
  readonly eventLog: string
  readonly lock: string
  readonly directory: string
  readonly remove: () => Promise<void>
}

export const tempStore = async (prefix = 'stagecraft-store-'): Promise<TempStore> => {
  const root = await mkdtemp(join(tmpdir(), prefix))
  const stateFile = join(root, 'state', 'releases.json')
  const eventLog = join(root, 'state', 'releases.events.ndjson')
  return {
    root,
    stateFile,
    eventLog,
    lock: `${eventLog}.lock`,
    directory: dirname(stateFile),
    remove: () => rm(root, { recursive: true, force: true }),
  }
}

/** The file store at `stateFile`, opened with options a manager does not set (a checkpoint at every write, say). */
export const fileStoreWith = (stateFile: string, extra: Partial<FileStoreOptions>): StoreSpec => ({
  open: (context) => E.right(fileStore(storePaths(stateFile), { ...context, ...extra })),
})

/** Fresh file stores, as subjects of the suites every store runs (store-subject.ts), opened with `extra` when given. */
export const fileStoreSubjects =
  (prefix: string, extra?: Partial<FileStoreOptions>): StoreFactory =>
  async () => {
    const store = await tempStore(prefix)
    const spec = extra === undefined ? undefined : fileStoreWith(store.stateFile, extra)
    return subjectOf(
      (options) =>
        createStateManager({ stateFile: store.stateFile, ...(spec === undefined ? {} : { store: spec }), ...options }),
      (fresh) => expectSoundStore(fresh, store),
      store.remove,
    )
  }

/** The files beside the state file that no finished write may leave behind, by kind. */
export const leftovers = (store: TempStore) => {
  const names = existsSync(store.directory) ? readdirSync(store.directory) : []
  const log = basename(store.eventLog)
  return {
    /** The temporary files of files replaced whole: `.releases.json.stagecraft-tmp-<pid>-<hex>` and the like. */
    temporaries: names.filter((name) => /\.stagecraft-tmp-/.test(name)),
    /** The lock file while it names a holder: a writer is at work, or was killed at work. */
    locks: names.filter((name) => name === basename(store.lock) && readFileSync(store.lock, 'utf8') !== ''),
    /** Torn tails set aside. */
    torn: names.filter((name) => name.startsWith(`${log}.torn-`)),
    all: names,
  }
}

/** Expects no temporary snapshot file in the store, and a lock file that names no holder. */
export const expectNoLeftovers = (store: TempStore, context = ''): void => {
  const found = leftovers(store)
  expect(
    found.temporaries,
    `${context} temporary snapshot files left in ${store.directory}: ${found.all.join(', ')}`,
  ).toEqual([])
  expect(
    found.locks,
    `${context} lock file naming a holder left in ${store.directory}: ${found.all.join(', ')}`,
  ).toEqual([])
}

// ---------------------------------------------------------------------------------------------
// Invariants

const byId = (a: Release, b: Release): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The ids of the releases created, in the order the log recorded them: strictly increasing, so
 * also unique. Returns them.
 */
export const expectIdsIncreasing = (events: ReadonlyArray<HistoryEvent>): ReadonlyArray<string> => {
  const ids = events.flatMap((event) => (event.type === 'ReleaseCreated' ? [event.data.release.id as string] : []))
  const out = ids.flatMap((id, i) =>
    i > 0 && !((ids[i - 1] as string) < id) ? [`${ids[i - 1]} then ${id} at creation ${i}`] : [],
  )
  expect(out, 'ids not strictly increasing in creation order').toEqual([])
  expect(new Set(ids).size).toBe(ids.length)
  return ids
}

/**
 * Every environment's previousId chain, walked back from its newest release, covers its releases
 * exactly once, in id order (newest first), and ends at a release without a previousId.
 */
export const expectChains = (releases: ReadonlyArray<Release>): void => {
  const byEnvironment = new Map<string, Release[]>()
  for (const release of releases)
    byEnvironment.set(release.environment, [...(byEnvironment.get(release.environment) ?? []), release])
  const byIdMap = new Map(releases.map((release) => [release.id as string, release]))
  expect(byIdMap.size, 'release ids are not unique').toBe(releases.length)
  for (const [environment, group] of byEnvironment) {
    const expected = [...group]
      .sort(byId)
      .reverse()
      .map((release) => release.id as string)
    const walked: string[] = []
    for (let release = byIdMap.get(expected[0] as string); release !== undefined && walked.length <= releases.length;) {
      walked.push(release.id)
      release = release.previousId === undefined ? undefined : byIdMap.get(release.previousId)
    }
    expect(walked, `the previousId chain of ${environment}`).toEqual(expected)
    const first = byIdMap.get(expected[expected.length - 1] as string)
    expect(first?.previousId, `the first release of ${environment} has a previousId`).toBeUndefined()
  }
}

/** The ids in `releases.json`, sorted (empty when there is no file). */
export const snapshotIds = (store: TempStore): ReadonlyArray<string> => {
  if (!existsSync(store.stateFile)) return []
  const parsed = JSON.parse(readFileSync(store.stateFile, 'utf8')) as { releases: Array<{ id: string }> }
  return parsed.releases.map((release) => release.id).sort()
}

/** What a check of a store may let pass. */
export interface SoundOptions {
  /** A `verify` warning that is expected (a side file an earlier recovery left). */
  readonly allowWarning?: (problem: { location: string; message: string }) => boolean
  /** Words for assertion messages. */
  readonly context?: string
}

/**
 * The invariants of a history nothing is writing to, whatever store keeps it, read by a fresh
 * manager: ids strictly increasing, recorded times never going backwards, chains whole, every
 * environment's current release its newest, `verify` sound (without any problem unless
 * `allowWarning` accepts it). Returns every release.
 */
export const expectSoundHistory = async (
  fresh: StateManager,
  options: SoundOptions = {},
): Promise<ReadonlyArray<Release>> => {
  const context = options.context ?? ''
  const releases = await fresh.listAllReleases()
  const history = await fresh.history()
  const ids = expectIdsIncreasing(history)
  // Recorded times never go backwards (so the state at an instant is a prefix of the log).
  const backwards = history.flatMap((event, i) =>
    i > 0 && event.recordedAt < (history[i - 1] as HistoryEvent).recordedAt
      ? [`${event.position}: ${event.recordedAt}`]
      : [],
  )
  expect(backwards, `${context} events recorded before the event before them`).toEqual([])
  expect([...ids].sort(), `${context} releases created in the log vs releases listed`).toEqual(
    releases.map((r) => r.id as string).sort(),
  )
  expectChains(releases)
  for (const environment of new Set(releases.map((r) => r.environment))) {
    const newest = releases
      .filter((r) => r.environment === environment)
      .sort(byId)
      .reverse()[0]
    expect((await fresh.getCurrentRelease(environment)).id, `${context} current release of ${environment}`).toBe(
      newest?.id,
    )
  }
  const report = await fresh.verify()
  const unexpected = report.problems.filter(
    (problem) => problem.severity === 'error' || !(options.allowWarning?.(problem) ?? false),
  )
  expect(unexpected, `${context} verify problems`).toEqual([])
  expect(report.sound).toBe(true)
  expect(report.releases).toBe(releases.length)
  return releases
}

/**
 * The invariants of a file store nothing is writing to: those of its history
 * ({@link expectSoundHistory}), `releases.json` the projection, no leftovers. Returns every release.
 */
export const expectSoundStore = async (
  fresh: StateManager,
  store: TempStore,
  options: SoundOptions = {},
): Promise<ReadonlyArray<Release>> => {
  const releases = await expectSoundHistory(fresh, options)
  const context = options.context ?? ''
  expect(snapshotIds(store), `${context} ids in releases.json`).toEqual(releases.map((r) => r.id as string).sort())
  expectNoLeftovers(store, context)
  return releases
}

// ---------------------------------------------------------------------------------------------
// Acknowledged operations

/** A line a child writes when an operation resolved. */
export interface Ack {
  readonly t: 'ack'
  readonly op: 'create' | 'update' | 'recover'
  readonly environment?: string
  readonly version?: string
  readonly id?: string
  readonly phase?: string
  readonly status?: PhaseStatus
  readonly release: Release
}

/** Any line a child writes. */
export type ChildLine =
  | Ack
  | {
      readonly t: 'ready' | 'done' | 'holding' | 'stopped' | 'warning' | 'error' | 'unexpected'
      readonly [key: string]: unknown
    }

/** How far a phase status has come: a final status never changes, `running` only moves on to one. */
const rank = (status: PhaseStatus): number => (status === 'pending' ? 0 : status === 'running' ? 1 : 2)

/**
 * What acknowledged operations guarantee about the store, whoever wrote after them: each release
 * created, with the fields it was created with; per phase, the furthest status any acknowledged
 * operation returned (a final status stays; `running` may have reached an outcome since).
 * Acknowledgements may be added in any order (several writers resolve in any order).
 */
export class Acknowledged {
  readonly created = new Map<string, Release>()
  readonly phases = new Map<string, Record<string, PhaseStatus>>()
  count = 0

  add(ack: Ack): void {
    this.count++
    const { release } = ack
    if (ack.op === 'create') {
      expect(this.created.has(release.id), `release ${release.id} acknowledged as created twice`).toBe(false)
      expect(release.environment).toBe(ack.environment)
      expect(release.version).toBe(ack.version)
      expect(Object.values(release.phases).every((s) => s === 'pending')).toBe(true)
      this.created.set(release.id, release)
    } else if (ack.op === 'update') {
      expect(release.id).toBe(ack.id)
      expect(
        release.phases[ack.phase as (typeof PHASES)[number]],
        `acknowledged update ${ack.id} ${ack.phase} -> ${ack.status}`,
      ).toBe(ack.status)
    } else {
      expect(
        Object.values(release.phases).filter((s) => s === 'running' || s === 'pending'),
        `recovered ${release.id}`,
      ).toEqual([])
    }
    const known = this.phases.get(release.id) ?? {}
    for (const phase of PHASES) {
      const before = known[phase]
      const now = release.phases[phase]
      if (before !== undefined && rank(before) === 2 && rank(now) === 2) {
        expect(now, `${release.id} ${phase}: acknowledged as ${before}, later as ${now}: a final status changed`).toBe(
          before,
        )
      }
      if (before === undefined || rank(now) > rank(before)) known[phase] = now
    }
    this.phases.set(release.id, known)
  }

  /** Expects the effects of every acknowledged operation in `releases`; `exact` when nothing may have moved since. */
  expectIn(
    releases: ReadonlyArray<Release>,
    options: { readonly exact?: boolean; readonly context?: string } = {},
  ): void {
    const found = new Map(releases.map((release) => [release.id as string, release]))
    const problems: string[] = []
    for (const [id, created] of this.created) {
      const release = found.get(id)
      if (release === undefined) {
        problems.push(`${id}: acknowledged as created, missing`)
        continue
      }
      for (const field of ['environment', 'version', 'commitSha', 'timestamp', 'previousId'] as const) {
        if (release[field] !== created[field])
          problems.push(`${id}: ${field} is ${String(release[field])}, was created as ${String(created[field])}`)
      }
    }
    for (const [id, phases] of this.phases) {
      const release = found.get(id)
      if (release === undefined) {
        problems.push(`${id}: acknowledged as updated, missing`)
        continue
      }
      for (const phase of PHASES) {
        const acked = phases[phase] ?? 'pending'
        const now = release.phases[phase]
        const ok =
          options.exact === true
            ? now === acked
            : acked === 'pending'
              ? true
              : acked === 'running'
                ? now !== 'pending'
                : now === acked
        if (!ok) problems.push(`${id}: ${phase} is ${now}, acknowledged as ${acked}`)
      }
    }
    expect(problems, `${options.context ?? ''} acknowledged effects`).toEqual([])
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

const CHILDREN = fileURLToPath(new URL('.', import.meta.url))

/** A child process running one of the scripts beside this file. */
export class Child extends JsonLinesChild<ChildLine> {
  constructor(script: string, config: unknown, launcher?: ReadonlyArray<string>) {
    super(join(CHILDREN, script), config, launcher)
  }

  /** The acknowledgements received so far. */
  get acks(): ReadonlyArray<Ack> {
    return this.lines.filter((line): line is Ack => line.t === 'ack')
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A small seeded PRNG (mulberry32): the same seed draws the same delays. */
export const prng = (seed: number): ((below: number) => number) => {
  let state = seed >>> 0
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below)
  }
}

/** Runs a child as pid 1 of a PID namespace of its own, as a container does; killed with it. */
export const OWN_PID_NAMESPACE = ['unshare', '--pid', '--fork', '--kill-child'] as const

/** Why children cannot get PID namespaces of their own here (not root, no unshare), or undefined when they can. */
export const pidNamespacesUnavailable = (): string | undefined => {
  const tried = spawnSync(OWN_PID_NAMESPACE[0], [...OWN_PID_NAMESPACE.slice(1), 'true'], { encoding: 'utf8' })
  if (tried.error !== undefined) return `unshare could not be run (${tried.error.message})`
  return tried.status === 0
    ? undefined
    : `unshare --pid is not permitted here (${tried.stderr.trim() || `exit ${tried.status}`})`
}
