import { it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import {
  allReleases,
  initialState,
  projectSnapshot,
  projectSnapshotBytesInIdOrder,
  showsState,
  type Timestamp,
  releaseRecordText,
  sameReleases,
  type StoredRelease,
} from '../../src/domain/index.js'
import { generatedState } from '../arbitraries.js'
import { decoded, importedState, inFileOrder, loaded, view } from './helpers.js'
import {
  completedAll,
  created,
  imported,
  newRelease,
  phaseUpdated,
  stateAfter,
  storedRelease,
} from './specification.js'

const a = newRelease('2025-01-01T12:00:00Z', { version: 'v1.2.3', commitSha: 'abc123def456' })
const b = newRelease('2025-01-02T08:30:00.250Z', { version: 'v1.3.0', previousId: a.id })

describe('projectSnapshot gives the exact releases.json text', () => {
  test('the empty state is {"releases": []} on three lines, no trailing newline', () => {
    expect(projectSnapshot(initialState)).toBe('{\n  "releases": []\n}')
    expect(projectSnapshot(importedState({ releases: [], otherFields: {} }))).toBe('{\n  "releases": []\n}')
  })
  test('records in time order, 2-space indent, keys id..previous_id, phases in phase order, previous_id omitted for a first release', () => {
    const state = stateAfter([
      created(a),
      ...completedAll(a.id),
      created(b),
      phaseUpdated(b.id, 'build', 'pending', 'running'),
    ])
    expect(projectSnapshot(state)).toBe(
      [
        '{',
        '  "releases": [',
        '    {',
        '      "id": "rel-20250101-120000000",',
        '      "environment": "prod",',
        '      "version": "v1.2.3",',
        '      "commit_sha": "abc123def456",',
        '      "timestamp": "2025-01-01T12:00:00Z",',
        '      "phases": {',
        '        "build": "completed",',
        '        "push": "completed",',
        '        "migrate_pre": "completed",',
        '        "rollout": "completed",',
        '        "migrate_post": "completed",',
        '        "finalize": "completed"',
        '      }',
        '    },',
        '    {',
        '      "id": "rel-20250102-083000250",',
        '      "environment": "prod",',
        '      "version": "v1.3.0",',
        '      "commit_sha": "",',
        '      "timestamp": "2025-01-02T08:30:00.25Z",', // written now: no trailing zeros, as Go writes it
        '      "phases": {',
        '        "build": "running",',
        '        "push": "pending",',
        '        "migrate_pre": "pending",',
        '        "rollout": "pending",',
        '        "migrate_post": "pending",',
        '        "finalize": "pending"',
        '      },',
        '      "previous_id": "rel-20250101-120000000"',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    )
  })
  test('imported records keep their timestamp byte for byte, leave absent phases out, and keep unknown phases and fields after the known ones', () => {
    const text =
      '{"releases": [{"zeta": 1, "phases": {"zzz_custom": "weird", "build": "completed"}, "timestamp": "2025-01-01T05:00:00.500000000-07:00", "version": "<v>", "environment": "prod", "id": "rel-20250101-050000", "alpha": [true]}], "schema": 2}'
    expect(projectSnapshot(loaded(text))).toBe(
      [
        '{',
        '  "releases": [',
        '    {',
        '      "id": "rel-20250101-050000",',
        '      "environment": "prod",',
        '      "version": "<v>",',
        '      "commit_sha": "",',
        '      "timestamp": "2025-01-01T05:00:00.500000000-07:00",',
        '      "phases": {',
        '        "build": "completed",',
        '        "zzz_custom": "weird"',
        '      },',
        '      "zeta": 1,',
        '      "alpha": [',
        '        true',
        '      ]',
        '    }',
        '  ],',
        '  "schema": 2',
        '}',
      ].join('\n'),
    )
  })
  test('records of an import are written in id order whatever the file order; a shared id writes both, in file order', () => {
    const late = storedRelease({ id: 'rel-20250102-000000', timestamp: '2025-01-02T00:00:00Z', version: 'late' })
    const twin1 = storedRelease({ id: 'rel-20250101-000000', timestamp: '2025-01-01T00:00:00Z', version: 'twin1' })
    const twin2 = storedRelease({ id: 'rel-20250101-000000', timestamp: '2025-01-01T00:00:00Z', version: 'twin2' })
    const text = projectSnapshot(stateAfter([imported([late, twin1, twin2])]))
    expect(decoded(text).releases.map((r) => r.version)).toEqual(['twin1', 'twin2', 'late'])
  })
  test('non-ASCII characters are written as they are, control characters escaped', () => {
    const text = projectSnapshot(
      stateAfter([created(newRelease('2025-01-01T00:00:00Z', { version: 'v1-é-中-🚀-"q"-\\' }))]),
    )
    expect(text).toContain('"version": "v1-é-中-🚀-\\"q\\"-\\\\"')
    const withControl = projectSnapshot(
      stateAfter([imported([storedRelease({ id: 'x', timestamp: '2025-01-01T00:00:00Z', version: 'a\u0001b\tc' })])]),
    )
    expect(withControl).toContain('"version": "a\\u0001b\\tc"')
  })
  test('a record is the text of its release alone: the same release gives the same text', () => {
    expect(releaseRecordText(a)).toBe(releaseRecordText({ ...a }))
    expect(releaseRecordText(a)).not.toBe(releaseRecordText({ ...a, version: 'v9' }))
    expect(releaseRecordText(a).startsWith('    {\n      "id"')).toBe(true)
  })
})

describe('sameReleases compares what would be written', () => {
  test('equal lists are the same; order, count and any field matter', () => {
    expect(sameReleases([a, b], [{ ...a }, { ...b }])).toBe(true)
    expect(sameReleases([a, b], [b, a])).toBe(false)
    expect(sameReleases([a], [a, a])).toBe(false)
    expect(sameReleases([a], [{ ...a, phases: { ...a.phases, push: 'skipped' } }])).toBe(false)
    expect(sameReleases([a], [{ ...a, preserved: { otherFields: { x: 1 } } } as StoredRelease])).toBe(false)
  })
})

describe('projection properties', () => {
  it.prop([generatedState], { numRuns: 300 })(
    'projecting then decoding (and importing) a state gives the same state',
    (state) => {
      const again = importedState(decoded(projectSnapshot(state)))
      const expected = view(state)
      const greatest = [...state.releases.keys()].at(-1)
      expect(view(again)).toEqual({ ...expected, greatestId: greatest })
      expect(sameReleases([...allReleases(again)], [...allReleases(state)])).toBe(true)
    },
  )
  it.prop([generatedState], { numRuns: 200 })('the projection of a decoded projection is the same text', (state) => {
    const text = projectSnapshot(state)
    expect(projectSnapshot(loaded(text))).toBe(text)
  })
  it.prop([generatedState], { numRuns: 200 })(
    'the text is valid JSON: 2-space indented, no trailing newline, one record per release in time order',
    (state) => {
      const text = projectSnapshot(state)
      const json = JSON.parse(text) as { releases: Array<{ id: string }> }
      expect(json.releases.map((r) => r.id)).toEqual(inFileOrder(allReleases(state)).map((r) => r.id))
      expect(text.endsWith('\n')).toBe(false)
      expect(text.split('\n').every((line) => /^( {2})*\S/.test(line))).toBe(true)
    },
  )
})

describe('releases.json lists releases in time order, ties by id', () => {
  const tokyo = storedRelease({ id: 'rel-20261203-041109546', timestamp: '2026-12-03T04:11:09.546+09:00' })
  const next = newRelease('2026-12-02T19:11:09.600Z', { previousId: tokyo.id })
  const state = stateAfter([imported([tokyo]), created(next)])
  const idsIn = (text: string) => (JSON.parse(text) as { releases: Array<{ id: string }> }).releases.map((r) => r.id)
  test("a release made after a Go release from a Tokyo clock follows it, though its id sorts before the Go one's", () =>
    expect(idsIn(projectSnapshot(state))).toEqual([tokyo.id, next.id]))
  test('the id order earlier versions wrote is still known, to recognise their files', () =>
    expect(idsIn(new TextDecoder().decode(projectSnapshotBytesInIdOrder(state)))).toEqual([next.id, tokyo.id]))
  test('releases at one instant are listed by id', () => {
    const x = storedRelease({ id: 'b', timestamp: '2025-01-01T12:00:00Z' })
    const y = storedRelease({ id: 'a', timestamp: '2025-01-01T21:00:00+09:00', environment: 'dev' })
    expect(idsIn(projectSnapshot(stateAfter([imported([x, y])])))).toEqual(['a', 'b'])
  })
  test('for ids that read their instants in UTC, time order is id order: the bytes are those written before', () => {
    const a = newRelease('2025-01-01T12:00:00Z')
    const b = newRelease('2025-01-02T12:00:00.5Z', { previousId: a.id })
    const plain = stateAfter([created(a), created(b)])
    expect(projectSnapshot(plain)).toBe(new TextDecoder().decode(projectSnapshotBytesInIdOrder(plain)))
  })
})

describe('a snapshot shows a state whatever text it gives an instant', () => {
  const old = storedRelease({ id: 'rel-20250101-080001120', timestamp: '2025-01-01T08:00:01.120Z' })
  const state = stateAfter([imported([old])])
  test('.12Z for .120Z, and an offset for Z', () => {
    for (const timestamp of [
      '2025-01-01T08:00:01.12Z',
      '2025-01-01T17:00:01.12+09:00',
      '2025-01-01T08:00:01.120+00:00',
    ])
      expect(showsState({ releases: [{ ...old, timestamp: timestamp as Timestamp }], otherFields: {} })(state)).toBe(
        true,
      )
  })
  test('but not another instant, nor another field', () => {
    expect(
      showsState({ releases: [{ ...old, timestamp: '2025-01-01T08:00:01.121Z' as Timestamp }], otherFields: {} })(
        state,
      ),
    ).toBe(false)
    const edited = { ...old, timestamp: '2025-01-01T08:00:01.12Z' as Timestamp, version: 'v2' }
    expect(showsState({ releases: [edited], otherFields: {} })(state)).toBe(false)
  })
})
