/**
 * Many writers on one file store at once: child processes (real processes, the built package),
 * and the in-process suite every store runs (concurrency-contract.ts: many calls on one manager,
 * several managers). Whatever the interleaving, nothing acknowledged is lost, ids stay unique and
 * increasing, every environment keeps one chain, and `releases.json` is the projection of the
 * log, with no temporary or lock file left behind.
 */
import { readdirSync } from 'node:fs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, PHASES } from '../../src/index.js'
import {
  Acknowledged,
  Child,
  expectSoundStore,
  fileStoreSubjects,
  OWN_PID_NAMESPACE,
  pidNamespacesUnavailable,
  type TempStore,
  tempStore,
} from './children/harness.js'
import { concurrencyContract } from './concurrency-contract.js'

const stores: TempStore[] = []
const newStore = async (): Promise<TempStore> => {
  const store = await tempStore('stagecraft-concurrency-')
  stores.push(store)
  return store
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.remove()))
})

beforeAll(() => {
  // The children import dist/: `npm test` builds first.
  expect(readdirSync(new URL('../../dist/', import.meta.url)), 'dist/ is missing: run npm run build').toContain(
    'index.js',
  )
})

describe('several processes deploying on one store at once', () => {
  const CHILDREN = 4
  const RELEASES_EACH = 9
  const PIPELINES = 2
  const SHARED = ['prod', 'staging']

  const deployTogether = async (launcher?: ReadonlyArray<string>): Promise<ReadonlyArray<Child>> => {
    const store = await newStore()
    const children = Array.from(
      { length: CHILDREN },
      (_, n) =>
        new Child(
          'deployer.mjs',
          {
            stateFile: store.stateFile,
            name: `worker${n}`,
            releases: RELEASES_EACH,
            sharedEnvironments: SHARED,
            pipelines: PIPELINES,
            lockTimeoutMs: 60_000,
            pauseMs: 8,
          },
          launcher,
        ),
    )
    try {
      await Promise.all(
        children.map((child) => child.until((c) => c.lines.some((line) => line.t === 'ready'), 'ready')),
      )
      for (const child of children) child.send('go') // all start together
      const exits = await Promise.all(children.map((child) => child.exited))
      for (const [n, exit] of exits.entries())
        expect(exit, `worker${n}: ${children[n]?.errors}`).toEqual({ code: 0, signal: null })
    } finally {
      await Promise.all(children.map((child) => child.kill()))
    }

    const acknowledged = new Acknowledged()
    for (const child of children) {
      expect(child.lines.at(-1)?.t).toBe('done')
      for (const ack of child.acks) acknowledged.add(ack)
    }
    // The children's writes really interleaved (one after the other would switch writers only 3 times).
    const writers = (await createStateManager({ stateFile: store.stateFile }).history()).map(
      (event) => event.meta.actor,
    )
    const switches = writers.filter((actor, i) => i > 0 && actor !== writers[i - 1]).length
    expect(switches, 'the children hardly interleaved: the test did not exercise concurrency').toBeGreaterThan(
      4 * CHILDREN,
    )

    const fresh = createStateManager({ stateFile: store.stateFile })
    const releases = await expectSoundStore(fresh, store)
    expect(releases).toHaveLength(CHILDREN * RELEASES_EACH)
    expect(acknowledged.created.size).toBe(CHILDREN * RELEASES_EACH)
    // Each child owned its releases, and all finished: every release is exactly as last acknowledged.
    acknowledged.expectIn(releases, { exact: true })
    for (const environment of [...SHARED, ...children.map((_, n) => `own-worker${n}`)]) {
      const versions = releases.filter((r) => r.environment === environment).map((r) => r.version)
      expect(versions.length, `releases of ${environment}`).toBeGreaterThan(0)
    }
    // Shared environments hold releases of every child.
    for (const environment of SHARED) {
      const owners = new Set(releases.filter((r) => r.environment === environment).map((r) => r.version.split('-')[0]))
      expect(owners.size, `writers of ${environment}`).toBe(CHILDREN)
    }
    // Read-after-write for any reader: releases.json already showed every release when the children ended.
    const completed = releases.filter((r) => PHASES.every((p) => r.phases[p] === 'completed'))
    expect(completed.length).toBeGreaterThan(0)
    expect(completed.length).toBeLessThan(releases.length) // some failed and were recovered
    return children
  }

  it(`${CHILDREN} processes x ${RELEASES_EACH} releases (in ${PIPELINES} concurrent pipelines each): nothing lost, one chain per environment, releases.json the projection`, async () => {
    await deployTogether()
  }, 120_000)

  // Containers on one host sharing a volume: every writer is pid 1, with the same host name. A lock
  // judged by pid and host let them break each other's live lock and fork the log.
  const noNamespaces = pidNamespacesUnavailable()
  if (noNamespaces !== undefined)
    console.info(`skipped: ${CHILDREN} writers in PID namespaces of their own: ${noNamespaces}`)
  it.skipIf(noNamespaces !== undefined)(
    `${CHILDREN} processes, each pid 1 in a PID namespace of its own: the same, as the kernel holds the lock`,
    async () => {
      const children = await deployTogether(OWN_PID_NAMESPACE)
      expect(
        children.map((child) => (child.lines.find((line) => line.t === 'ready') as { pid?: number } | undefined)?.pid),
      ).toEqual(children.map(() => 1))
    },
    120_000,
  )
})

concurrencyContract('the file store', fileStoreSubjects('stagecraft-concurrency-'))
