/**
 * Given the file this module last wrote (the base), the file another tool left, and the history now, what is adopted.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { PhaseStatus, ReleasePhase, StoredRelease } from '../../src/domain/index.js'
import { adoptOutsideWrite, outsideChanges, OUTSIDE_WRITER } from '../../src/domain/outside-writes.js'
import type { Snapshot } from '../../src/domain/snapshot.js'
import { allPending } from '../../src/domain/phase.js'
import { created, newRelease, phaseUpdated, stateAfter, storedRelease } from './specification.js'

const A = newRelease('2025-01-01T12:00:00Z')
const history = [created(A)]
const base = stateAfter(history)

const file = (...releases: ReadonlyArray<StoredRelease>): Snapshot => ({ releases, otherFields: {} })

// A release as the Go Stagecraft appends it: its id from the wall clock of its zone, the environment's current before.
const goRelease = (
  id: string,
  timestamp: string,
  fields: { environment?: string; previousId?: string; phases?: Partial<Record<ReleasePhase, PhaseStatus>> } = {},
) =>
  storedRelease({
    id,
    timestamp,
    version: 'v2-go',
    commitSha: 'commit1',
    environment: fields.environment ?? 'prod',
    ...(fields.previousId === undefined ? {} : { previousId: fields.previousId }),
    ...(fields.phases === undefined ? {} : { phases: fields.phases }),
  })

const G = goRelease('rel-20250102-050000000', '2025-01-02T05:00:00+09:00', { previousId: A.id })

const changes = (verdict: ReturnType<typeof outsideChanges>) => {
  if (E.isLeft(verdict)) throw new Error(`expected changes, got: ${verdict.left}`)
  return verdict.right
}

const refusal = (verdict: ReturnType<typeof outsideChanges>): string => {
  if (E.isRight(verdict)) throw new Error(`expected a refusal, got ${JSON.stringify(verdict.right)}`)
  return verdict.left
}

describe('changes another tool made to releases.json', () => {
  it('a release appended as the Go Stagecraft appends one is one added release', () => {
    expect(changes(outsideChanges(base, file(A, G), base))).toEqual([{ releaseId: G.id, before: [], after: [G] }])
  })

  it('a phase moved along an allowed transition is one change of that release', () => {
    const moved = { ...A, phases: { ...A.phases, build: 'completed' as const } }
    expect(changes(outsideChanges(base, file(moved), base))).toEqual([{ releaseId: A.id, before: [A], after: [moved] }])
  })

  it('a file that differs only in how it spells times (.120 as .12, +00:00 as Z) changes nothing', () => {
    const B = storedRelease({ id: 'rel-20250101-120001120', timestamp: '2025-01-01T12:00:01.120Z' })
    const state = stateAfter([created(B)])
    const respelt = { ...B, timestamp: '2025-01-01T12:00:01.12+00:00' as StoredRelease['timestamp'] }
    expect(changes(outsideChanges(state, file(respelt), state))).toEqual([])
  })

  it('is recorded as one SnapshotReconciled event marked adopted, naming the file', () => {
    const source = { file: '/srv/.stagecraft/releases.json', sha256: 'f'.repeat(64) }
    expect(adoptOutsideWrite(base, file(A, G), base, source)).toEqual(
      E.right([
        {
          type: 'SnapshotReconciled',
          data: { changes: [{ releaseId: G.id, before: [], after: [G] }], otherFields: {}, source, adopted: true },
        },
      ]),
    )
    expect(OUTSIDE_WRITER).toBe('releases.json, written by another tool')
  })

  it("keeps the history's own releases the other tool did not see, and adopts its release in another environment", () => {
    const ours = newRelease('2025-01-01T12:30:00Z', { previousId: A.id })
    const log = stateAfter([created(ours)], base)
    const staging = goRelease('rel-20250101-123100000', '2025-01-01T12:31:00Z', { environment: 'staging' })
    expect(changes(outsideChanges(base, file(A, staging), log))).toEqual([
      { releaseId: staging.id, before: [], after: [staging] },
    ])
  })

  it('refuses a release appended in an environment whose current release the other tool did not see', () => {
    const ours = newRelease('2025-01-01T12:30:00Z', { previousId: A.id })
    const log = stateAfter([created(ours)], base)
    const late = goRelease('rel-20250101-123100000', '2025-01-01T12:31:00Z', { previousId: A.id })
    expect(refusal(outsideChanges(base, file(A, late), log))).toContain(
      `naming previous release ${A.id}, but the current release of "prod" is ${ours.id}`,
    )
  })

  it('lays a phase the other tool moved over the history, which moved another phase meanwhile', () => {
    const log = stateAfter([phaseUpdated(A.id, 'push', 'pending', 'running')], base)
    const theirs = { ...A, phases: { ...A.phases, build: 'completed' as const } }
    expect(changes(outsideChanges(base, file(theirs), log))).toEqual([
      {
        releaseId: A.id,
        before: [{ ...A, phases: { ...allPending(), push: 'running' } }],
        after: [{ ...A, phases: { ...allPending(), push: 'running', build: 'completed' } }],
      },
    ])
  })

  it('keeps a phase the history moved further than the other tool; refuses two different outcomes', () => {
    const log = stateAfter(
      [phaseUpdated(A.id, 'build', 'pending', 'running'), phaseUpdated(A.id, 'build', 'running', 'completed')],
      base,
    )
    const running = { ...A, phases: { ...A.phases, build: 'running' as const } }
    expect(changes(outsideChanges(base, file(running), log))).toEqual([])
    const failed = { ...A, phases: { ...A.phases, build: 'failed' as const } }
    expect(refusal(outsideChanges(base, file(failed), log))).toContain(
      'phase build of release ' + A.id + ' is completed in the history and failed in the file',
    )
  })

  it('adopts a release the Go Stagecraft gave the id of the one before it (two in one millisecond)', () => {
    const first = goRelease('rel-20250101-120000123', '2025-01-01T12:00:00.1231Z')
    const second = goRelease('rel-20250101-120000123', '2025-01-01T12:00:00.1239Z', { previousId: first.id })
    const state = stateAfter([{ type: 'SnapshotImported', data: { releases: [first] } }])
    expect(changes(outsideChanges(state, file(first, second), state))).toEqual([
      { releaseId: first.id, before: [first], after: [first, second] },
    ])
  })

  it.each([
    ['a release removed', file(), `release ${A.id} was removed`],
    ['a release rewritten', file({ ...A, version: 'v9' }), `the version of release ${A.id} was rewritten`],
    ['its previous release changed', file({ ...A, previousId: G.id }), 'the previous_id of release'],
    [
      'a phase moved back',
      file({ ...A, phases: { ...A.phases, build: 'pending' } }),
      'went back from completed to pending',
    ],
    [
      'a release added with an id the Go tool does not write',
      file(A, { ...G, id: 'hotfix-1' as StoredRelease['id'] }),
      'was added with an id the Go Stagecraft does not write',
    ],
    [
      'a release added before its previous one',
      file(A, goRelease('rel-20250101-110000000', '2025-01-01T11:00:00Z', { previousId: A.id })),
      'with a timestamp before its previous release',
    ],
    ['a release added naming no previous one', file(A, goRelease(G.id, G.timestamp)), 'previous release (none)'],
  ])('refuses %s', (_, theirs, why) => {
    const completed = stateAfter([phaseUpdated(A.id, 'build', 'pending', 'completed')], base)
    const from = why.includes('went back') ? completed : base
    expect(refusal(outsideChanges(from, theirs, from))).toContain(why)
  })

  it('from an older base (a stale read), adopts what the tool added to it, kept releases recorded since included', () => {
    // The tool read a file it had written itself on top of the base (holding G), added G2, and renamed it over a
    // later file of this module's, after this module had adopted G and created its own release.
    const ours = newRelease('2025-01-02T06:00:00Z', { previousId: G.id })
    const log = stateAfter([created(G), created(ours)], base)
    const G2 = goRelease('rel-20250102-150000000', '2025-01-02T06:00:01Z', { environment: 'staging' })
    expect(changes(outsideChanges(base, file(A, G, G2), log, true))).toEqual([
      { releaseId: G2.id, before: [], after: [G2] },
    ])
  })

  it('from an older base, refuses a new release under an id the history recorded since: more likely that one edited', () => {
    const ours = newRelease('2025-01-01T12:30:00Z', { previousId: A.id })
    const log = stateAfter([created(ours)], base)
    const rewritten = storedRelease({ id: ours.id, timestamp: ours.timestamp, environment: 'stage' })
    expect(refusal(outsideChanges(base, file(A, rewritten), log, true))).toContain(
      `release ${ours.id} of the history was rewritten, or added again under its id`,
    )
    expect(changes(outsideChanges(base, file(A, rewritten), log, false))).toHaveLength(1)
  })

  it('refuses a change of the top-level fields', () => {
    expect(refusal(outsideChanges(base, { releases: [A], otherFields: { note: 'x' } }, base))).toContain(
      'top-level fields',
    )
  })
})
