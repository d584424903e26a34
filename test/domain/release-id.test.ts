import { fc, it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import {
  firstEpochMsAfter,
  formatReleaseId,
  MAX_ID_EPOCH_MS,
  MIN_ID_EPOCH_MS,
  nextReleaseId,
  ReleaseId,
  releaseIdEpochMs,
} from '../../src/domain/index.js'
import { blockingReleaseId, epochMs, storedReleaseId } from '../arbitraries.js'
import { failure, right } from './helpers.js'
import { at } from './specification.js'

describe('formatReleaseId: rel-YYYYMMDD-HHMMSSmmm in UTC', () => {
  test('examples', () => {
    expect(formatReleaseId(at('2025-01-01T12:00:00Z'))).toBe('rel-20250101-120000000')
    expect(formatReleaseId(at('2025-01-01T12:00:00.123Z'))).toBe('rel-20250101-120000123')
    expect(formatReleaseId(at('2025-01-01T00:30:00+02:00'))).toBe('rel-20241231-223000000')
    expect(formatReleaseId(at('2024-02-29T23:59:59.999Z'))).toBe('rel-20240229-235959999')
  })
  test('the first and last instants an id can encode are years 0000 and 9999', () => {
    expect(formatReleaseId(MIN_ID_EPOCH_MS)).toBe('rel-00000101-000000000')
    expect(formatReleaseId(MAX_ID_EPOCH_MS)).toBe('rel-99991231-235959999')
  })
})

describe('releaseIdEpochMs: the instant of a canonical id, nothing for others', () => {
  test('canonical ids', () => expect(releaseIdEpochMs('rel-20250101-120000123')).toBe(at('2025-01-01T12:00:00.123Z')))
  test('legacy, foreign and impossible ids have no instant', () => {
    for (const id of [
      'rel-20250101-120000',
      'deploy-42',
      'rel-20250230-120000000',
      'rel-20250101-250000000',
      'rel-20250101-120000123 ',
      'REL-20250101-120000123',
    ]) {
      expect(releaseIdEpochMs(id)).toBeUndefined()
    }
  })
  test('the ReleaseId codec accepts any non-empty string (ids of older files are kept as they are)', () => {
    expect(ReleaseId.is('anything at all')).toBe(true)
    expect(ReleaseId.is('')).toBe(false)
    expect(ReleaseId.is(42)).toBe(false)
  })
})

describe('firstEpochMsAfter: the earliest instant whose id sorts after an id', () => {
  test('a canonical id: one millisecond later', () =>
    expect(firstEpochMsAfter('rel-20250101-120000123')).toBe(at('2025-01-01T12:00:00.124Z')))
  test('a legacy id: the first millisecond of its second', () =>
    expect(firstEpochMsAfter('rel-20250101-120000')).toBe(at('2025-01-01T12:00:00.000Z')))
  test('a foreign id that sorts before every canonical id: the first instant there is', () =>
    expect(firstEpochMsAfter('deploy-42')).toBe(MIN_ID_EPOCH_MS))
  test('a partial id: the first instant whose id is greater', () =>
    expect(firstEpochMsAfter('rel-20250615')).toBe(at('2025-06-15T00:00:00Z')))
  test('an id nothing sorts after: none', () => {
    for (const id of ['zzz', 'rel-99991231-235959999', 'rel-a', 'release'])
      expect(firstEpochMsAfter(id)).toBeUndefined()
  })
})

describe('nextReleaseId', () => {
  test('with no history, the clock reading', () =>
    expect(right(nextReleaseId(at('2025-01-01T12:00:00.5Z'), undefined))).toEqual({
      id: 'rel-20250101-120000500',
      epochMs: at('2025-01-01T12:00:00.5Z'),
    }))
  test('a clock ahead of the greatest id is used as is', () => {
    expect(right(nextReleaseId(at('2025-01-02T00:00:00Z'), 'rel-20250101-120000000' as ReleaseId)).id).toBe(
      'rel-20250102-000000000',
    )
  })
  test('a repeated millisecond or a clock behind gives the greatest id plus one millisecond', () => {
    expect(right(nextReleaseId(at('2025-01-01T12:00:00Z'), 'rel-20250101-120000000' as ReleaseId)).id).toBe(
      'rel-20250101-120000001',
    )
    expect(right(nextReleaseId(at('2020-01-01T00:00:00Z'), 'rel-20250101-120000000' as ReleaseId)).id).toBe(
      'rel-20250101-120000001',
    )
  })
  test('a greatest id nothing can follow is INVALID_INPUT naming it', () =>
    failure(nextReleaseId(at('2025-01-01T00:00:00Z'), 'zzz' as ReleaseId), 'INVALID_INPUT', '"zzz"'))
  test('a reading outside what an id can encode is INVALID_INPUT naming it', () => {
    failure(
      nextReleaseId(MAX_ID_EPOCH_MS + 1, undefined),
      'INVALID_INPUT',
      `the clock reads ${MAX_ID_EPOCH_MS + 1} ms since the epoch`,
    )
    failure(nextReleaseId(MIN_ID_EPOCH_MS - 1, undefined), 'INVALID_INPUT', 'years 0000 to 9999')
    failure(nextReleaseId(0.5, undefined), 'INVALID_INPUT', 'reads 0.5 ms')
  })
})

describe('release id properties', () => {
  const anyInstant = fc.integer({ min: MIN_ID_EPOCH_MS, max: MAX_ID_EPOCH_MS })
  it.prop([anyInstant], { numRuns: 500 })('an id names its instant: releaseIdEpochMs inverts formatReleaseId', (ms) => {
    const id = formatReleaseId(ms)
    expect(id).toMatch(/^rel-\d{8}-\d{9}$/)
    expect(releaseIdEpochMs(id)).toBe(ms)
  })
  it.prop([anyInstant, anyInstant], { numRuns: 500 })(
    'ids sort as their instants do: lexicographic order is chronological order',
    (a, b) => {
      expect(formatReleaseId(a) < formatReleaseId(b)).toBe(a < b)
      expect(formatReleaseId(a) === formatReleaseId(b)).toBe(a === b)
    },
  )
  it.prop([epochMs, storedReleaseId], { numRuns: 500 })(
    'after any legacy, canonical or foreign id, the next id sorts after it, and is the clock when the clock id already does',
    (now, greatest) => {
      const next = right(nextReleaseId(now, greatest))
      expect(next.id > greatest).toBe(true)
      expect(next.id).toBe(formatReleaseId(next.epochMs))
      if (formatReleaseId(now) > greatest) expect(next.epochMs).toBe(now)
      else expect(formatReleaseId(next.epochMs - 1) > greatest).toBe(false)
    },
  )
  it.prop([epochMs, blockingReleaseId], { numRuns: 100 })(
    'after an id nothing can follow, INVALID_INPUT',
    (now, greatest) => {
      failure(nextReleaseId(now, greatest), 'INVALID_INPUT', `"${greatest}"`)
    },
  )
})
