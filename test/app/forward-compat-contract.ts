/**
 * Forward compatibility, whatever the store: events a newer stagecraft-state recorded (a type this
 * version does not know, or a higher envelope version) are named with their place and the version
 * that wrote them; reads go on without them and say so; writes are refused, recording nothing.
 * Damage stays damage. Each store's test file runs this suite with a way to append raw lines, as a
 * newer version would (and, where the store keeps a cache of the fold, to advance it past them).
 */
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { PhaseStatus, ReleasePhase, StateManager } from '../../src/index.js'
import { deploy, rejection } from '../support/manager.js'

/** A fresh, empty store. */
export interface CompatSubject {
  /** A manager on the store (another process); `warnings` collects what it warns of. */
  readonly manager: () => { readonly manager: StateManager; readonly warnings: string[] }
  /** Appends lines as a newer version would: each made from the hash of the line before it, chained. */
  readonly appendLines: (lines: ReadonlyArray<(prev: string) => string>) => Promise<void>
  /** Where event `position` is, as messages name it, or its end (`…/releases.events.ndjson:4`, `schema.events:4`). */
  readonly locationOf: (position: number) => string
  /** Everything the store holds, to show that a refused write recorded nothing. */
  readonly contents: () => Promise<string>
}

const AT = '2025-01-01T13:00:00.000Z'

/** A line of a newer version: a type this one does not know, in envelope version `v`, written by `writer`. */
export const newerLine =
  (options: { type?: string; v?: number; writer?: string; data?: unknown; command?: string; events?: number } = {}) =>
  (prev: string): string =>
    JSON.stringify({
      v: options.v ?? 1,
      id: ulid(Date.parse(AT)),
      type: options.type ?? 'ReleaseSealed',
      recordedAt: AT,
      meta: {
        actor: 'newer-ci',
        host: 'runner',
        pid: 7,
        command: options.command ?? ulid(Date.parse(AT)),
        ...(options.events === undefined ? {} : { events: options.events }),
        ...(options.writer === undefined ? {} : { writer: options.writer }),
      },
      data: options.data ?? { releaseId: 'rel-20250101-120000000', sealedBy: 'auditor' },
      prev,
    })

/** A `PhaseUpdated` line as any version writes it. */
const phaseLine =
  (releaseId: string, phase: string, from: string, to: string) =>
  (prev: string): string =>
    JSON.stringify({
      v: 1,
      id: ulid(Date.parse(AT) + 1),
      type: 'PhaseUpdated',
      recordedAt: AT,
      meta: { actor: 'newer-ci', host: 'runner', pid: 7, command: ulid(Date.parse(AT) + 1) },
      data: { releaseId, phase, from, to },
      prev,
    })

/** Runs the suite on the stores `open` makes. */
export const forwardCompatContract = (name: string, open: () => Promise<CompatSubject>): void => {
  describe(`events of a newer stagecraft-state, on ${name}`, () => {
    /** Two releases of prod recorded by this version (4 events), then what a newer version appended. */
    const touchedByNewer = async (lines: (second: string) => ReadonlyArray<(prev: string) => string>) => {
      const subject = await open()
      const { manager } = subject.manager()
      const first = await deploy(manager, 'prod', 'v1', ['build'])
      const second = await deploy(manager, 'prod', 'v2')
      await subject.appendLines(lines(second.id))
      return { subject, first, second }
    }

    it('given an event type it does not know, when reading, then every read answers without it and warns naming the type, the place and the writer', async () => {
      const { subject, first, second } = await touchedByNewer((second) => [
        newerLine({ writer: '0.6.0' }),
        phaseLine(second, 'build', 'pending', 'running'),
      ])
      const { manager, warnings } = subject.manager()
      expect((await manager.listReleases('prod')).map((r) => r.id)).toEqual([second.id, first.id])
      expect((await manager.getCurrentRelease('prod')).phases.build).toBe('running') // the known event after it is folded
      expect((await manager.getRelease(first.id)).phases.build).toBe('completed')
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain(
        `${subject.locationOf(5)}: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0, cannot be interpreted`,
      )
      expect(warnings[0]).toMatch(/it was skipped.*Upgrade to stagecraft-state 0\.6\.0 or later/)
      expect((await manager.history()).map((e) => e.position)).toEqual([1, 2, 3, 4, 6])
      expect(warnings).toHaveLength(1) // once per manager, however many reads

      // Reads of the past, each by a manager of its own: they warn too.
      const audit = subject.manager()
      expect((await audit.manager.history()).map((e) => e.position)).toEqual([1, 2, 3, 4, 6])
      expect(audit.warnings).toEqual(warnings)
      const past = subject.manager()
      expect((await past.manager.stateAt(AT)).current.get('prod')?.phases.build).toBe('running')
      expect(past.warnings).toEqual(warnings)
    })

    it('given an event type it does not know, when writing, then every write is refused with NEWER_VERSION, naming the event and what to upgrade to, and nothing is recorded', async () => {
      const { subject, second } = await touchedByNewer(() => [newerLine({ writer: '0.6.0' })])
      const before = await subject.contents()
      const { manager } = subject.manager()
      const writes: ReadonlyArray<() => Promise<unknown>> = [
        () => manager.createRelease('prod', 'v3'),
        () => manager.createRelease('staging', 'v1'),
        () => manager.updatePhase(second.id, 'build', 'running'),
        () => manager.updatePhase(second.id, 'build', 'pending'), // even a write that would record nothing
        () => manager.recoverRelease(second.id, 'stuck'),
      ]
      for (const write of writes) {
        const error = await rejection(write())
        expect(error.code).toBe('NEWER_VERSION')
        expect(error.message).toContain(
          `${subject.locationOf(5)}: event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0`,
        )
        expect(error.message).toMatch(
          /nothing was written\. Upgrade to stagecraft-state 0\.6\.0 or later to write to this store$/,
        )
      }
      expect(await subject.contents()).toBe(before)
    })

    it("given an event type it does not know, when a write names a phase or a status this version does not know, then NEWER_VERSION, not INVALID_INPUT: it may be a newer version's", async () => {
      const { subject, second } = await touchedByNewer(() => [newerLine({ writer: '0.6.0' })])
      const before = await subject.contents()
      const { manager } = subject.manager()
      for (const write of [
        () => manager.updatePhase(second.id, 'verify' as ReleasePhase, 'running'),
        () => manager.updatePhase(second.id, 'build', 'paused' as PhaseStatus),
      ]) {
        const error = await rejection(write())
        expect(error.code).toBe('NEWER_VERSION')
        expect(error.message).toMatch(/Upgrade to stagecraft-state 0\.6\.0 or later to write to this store$/)
      }
      expect(await subject.contents()).toBe(before)
    })

    it('given a higher envelope version, when reading and writing, then it is named by that version, reads go on and writes are refused', async () => {
      const { subject, second } = await touchedByNewer((id) => [
        newerLine({ v: 2, type: 'PhaseUpdated', data: { release: id, step: 'build' } }),
      ])
      const { manager, warnings } = subject.manager()
      expect((await manager.getCurrentRelease('prod')).id).toBe(second.id)
      expect(warnings[0]).toContain(
        `${subject.locationOf(5)}: event type "PhaseUpdated" (envelope version 2), written by a newer stagecraft-state, cannot be interpreted: this version of stagecraft-state reads envelope version 1 only`,
      )
      const error = await rejection(manager.createRelease('prod', 'v3'))
      expect(error.code).toBe('NEWER_VERSION')
      expect(error.message).toMatch(
        /nothing was written\. Upgrade to a stagecraft-state that reads envelope version 2 to write to this store$/,
      )
    })

    it('given an event after it that needs what was skipped, when reading, then that event is skipped too and said so, not called damage', async () => {
      // The newer version adopted a release this one never saw created, then updated it.
      const adopted = 'rel-20250101-125959000'
      const { subject } = await touchedByNewer(() => [
        newerLine({ type: 'ReleaseAdopted', data: { releaseId: adopted } }),
        phaseLine(adopted, 'build', 'pending', 'running'),
      ])
      const { manager, warnings } = subject.manager()
      expect(await manager.listReleases('prod')).toHaveLength(2)
      expect(warnings.join('\n')).toContain(
        `${subject.locationOf(6)}: could not be folded after the events skipped above (release ${adopted} is not in the history), and was skipped too`,
      )
    })

    it('given an event of a newer version, when verifying, then the store is sound and the report warns of it, and of what could not be checked after it', async () => {
      const adopted = 'rel-20250101-125959000'
      const { subject } = await touchedByNewer(() => [
        newerLine({ type: 'ReleaseAdopted', writer: '0.5.1', data: { releaseId: adopted } }),
        phaseLine(adopted, 'build', 'pending', 'running'),
      ])
      const { manager } = subject.manager()
      const report = await manager.verify()
      expect(report.sound).toBe(true)
      expect(report.events).toBe(6)
      expect(report.head?.position).toBe(6)
      expect(report.problems).toContainEqual({
        severity: 'warning',
        location: expect.stringContaining(subject.locationOf(5)),
        message: expect.stringMatching(
          /^event type "ReleaseAdopted" \(envelope version 1\), written by stagecraft-state 0\.5\.1: not checked, and skipped .*upgrade to stagecraft-state 0\.5\.1 or later$/,
        ),
      })
      expect(report.problems).toContainEqual({
        severity: 'warning',
        location: expect.stringContaining(subject.locationOf(6)),
        message: expect.stringMatching(/^not checked: it cannot be folded after the events of a newer version/),
      })
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([])
    })

    it('given damage rather than a newer event, then it is still CORRUPT_STATE: a known type with a bad payload, and an unknown type that breaks the hash chain', async () => {
      const badPayload = await touchedByNewer((id) => [
        newerLine({ type: 'PhaseUpdated', data: { releaseId: id, phase: 'build', from: 'pending', to: 'sideways' } }),
      ])
      const { manager: one } = badPayload.subject.manager()
      const damaged = await rejection(one.listReleases('prod'))
      expect(damaged.code).toBe('CORRUPT_STATE')
      expect(damaged.message).toContain(badPayload.subject.locationOf(5))
      expect((await one.verify()).sound).toBe(false)

      const unchained = await touchedByNewer(() => [() => newerLine({ writer: '0.6.0' })('f'.repeat(64))])
      const { manager: two } = unchained.subject.manager()
      const broken = await rejection(two.listReleases('prod'))
      expect(broken.code).toBe('CORRUPT_STATE')
      expect(broken.message).toMatch(/hash chain is broken/)
    })
  })
}
