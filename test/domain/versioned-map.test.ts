/**
 * The persistent map of a state's releases: each version reads like the plain map the same
 * operations would make, and drafting the next version never changes the one before.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import type { Release, ReleaseId } from '../../src/domain/index.js'
import { ReleaseMap } from '../../src/domain/versioned-map.js'

type Group = ReadonlyArray<Release>
const group = (tag: number): Group => Object.freeze([{ tag } as unknown as Release])
const id = (n: number): ReleaseId => `rel-${String(n).padStart(4, '0')}` as ReleaseId

// Few ids, so that operations meet the same ones often: sets of present and absent ids, removals.
const operation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), id: fc.nat(200), tag: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), id: fc.nat(200) }),
)
// Many versions, some of many operations, so that changes are merged into a new base now and then.
const versions = fc.array(fc.array(operation, { maxLength: 300 }), { minLength: 1, maxLength: 12 })

const contents = (map: ReadonlyMap<ReleaseId, Group>) => [...map].sort(([a], [b]) => a.localeCompare(b))

describe('VersionedMap (the releases of a state: ReleaseMap)', () => {
  test.prop([versions, fc.array(fc.nat(200), { maxLength: 40 })], { numRuns: 100 })(
    'every version holds what a plain map given the same operations holds; earlier versions stay as they were',
    (steps, probes) => {
      let version = ReleaseMap.of(new Map())
      const model = new Map<ReleaseId, Group>()
      const kept: Array<{ map: ReleaseMap; expected: ReturnType<typeof contents> }> = []
      for (const step of steps) {
        const draft = ReleaseMap.draft(version)
        for (const change of step) {
          if (change.op === 'set') {
            const value = group(change.tag)
            draft.set(id(change.id), value)
            model.set(id(change.id), value)
          } else expect(draft.delete(id(change.id))).toBe(model.delete(id(change.id)))
          expect(draft.size).toBe(model.size)
        }
        version = draft.seal()
        expect(contents(version)).toEqual(contents(model))
        expect(version.size).toBe(model.size)
        expect([...version.keys()].sort()).toEqual([...model.keys()].sort())
        expect([...version.values()].length).toBe(model.size)
        for (const probe of probes) {
          expect(version.get(id(probe))).toBe(model.get(id(probe)))
          expect(version.has(id(probe))).toBe(model.has(id(probe)))
        }
        kept.push({ map: version, expected: contents(model) })
      }
      for (const { map, expected } of kept) expect(contents(map)).toEqual(expected)
    },
  )

  it('iterates the base in its order, then the ids added since in the order they came; an override keeps its place', () => {
    const first = ReleaseMap.draft(ReleaseMap.of(new Map()))
    for (const n of [1, 2, 3]) first.set(id(n), group(n))
    const base = first.seal()
    const next = ReleaseMap.draft(base)
    next.set(id(5), group(5))
    next.set(id(2), group(20))
    next.set(id(4), group(4))
    next.delete(id(1))
    expect([...next.seal()].map(([key, value]) => [key, (value[0] as unknown as { tag: number }).tag])).toEqual([
      [id(2), 20],
      [id(3), 3],
      [id(5), 5],
      [id(4), 4],
    ])
  })

  it('given a sealed version, when anything tries to change it, then it throws and the version is unchanged', () => {
    const draft = ReleaseMap.draft(ReleaseMap.of(new Map()))
    draft.set(id(1), group(1))
    const sealed = draft.seal()
    expect(() => sealed.set(id(2), group(2))).toThrow(TypeError)
    expect(() => sealed.delete(id(1))).toThrow(TypeError)
    expect(() => draft.set(id(3), group(3))).toThrow(TypeError)
    expect(() => (sealed as unknown as Map<ReleaseId, Group>).clear()).toThrow(TypeError)
    expect([...sealed.keys()]).toEqual([id(1)])
  })
})
