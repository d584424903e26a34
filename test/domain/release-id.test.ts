import { fc, it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import {
  formatReleaseId,
  idClockOffsetMs,
  MAX_ID_EPOCH_MS,
  MIN_ID_EPOCH_MS,
  nextReleaseId,
  ReleaseId,
  releaseIdEpochMs,
} from '../../src/domain/index.js'
import { epochMs } from '../arbitraries.js'
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

describe('idClockOffsetMs: how far the time an id reads is from its instant', () => {
  test('an id that reads its instant in UTC: none (Go ids truncate the milliseconds)', () => {
    expect(idClockOffsetMs('rel-20261202-191109546', at('2026-12-02T19:11:09.546Z'))).toBeUndefined()
    expect(idClockOffsetMs('rel-20250101-120000', at('2025-01-01T12:00:00.999Z'))).toBeUndefined()
  })
  test('an id the Go tool wrote from a Tokyo clock: nine hours ahead', () =>
    expect(idClockOffsetMs('rel-20261203-041109546', at('2026-12-02T19:11:09.546Z'))).toBe(9 * 3_600_000))
  test('a legacy id written from a clock at -07:00: seven hours behind, to the second', () =>
    expect(idClockOffsetMs('rel-20250101-050000', at('2025-01-01T12:00:00.5Z'))).toBe(-7 * 3_600_000))
  test('an id that reads no time: none', () => {
    for (const id of ['zzz', 'deploy-42', 'rel-20250615', 'rel-20250230-120000000'])
      expect(idClockOffsetMs(id, at('2025-01-01T12:00:00Z'))).toBeUndefined()
  })
})

describe('nextReleaseId: the clock, or 1 ms after the latest instant, with an id that reads it in UTC', () => {
  const free = (): boolean => false
  test('with no history, the clock reading', () =>
    expect(right(nextReleaseId(at('2025-01-01T12:00:00.5Z'), undefined, free))).toEqual({
      id: 'rel-20250101-120000500',
      epochMs: at('2025-01-01T12:00:00.5Z'),
    }))
  test('a clock ahead of the latest instant is used as is', () => {
    expect(right(nextReleaseId(at('2025-01-02T00:00:00Z'), at('2025-01-01T12:00:00Z'), free)).id).toBe(
      'rel-20250102-000000000',
    )
  })
  test('a repeated millisecond or a clock behind gives the latest instant plus one millisecond', () => {
    expect(right(nextReleaseId(at('2025-01-01T12:00:00Z'), at('2025-01-01T12:00:00Z'), free)).id).toBe(
      'rel-20250101-120000001',
    )
    expect(right(nextReleaseId(at('2020-01-01T00:00:00Z'), at('2025-01-01T12:00:00Z'), free)).id).toBe(
      'rel-20250101-120000001',
    )
  })
  test('an id held already (by a release whose id does not read its instant) moves instant and id on', () => {
    const held = new Set(['rel-20250101-120000000', 'rel-20250101-120000001'])
    expect(right(nextReleaseId(at('2025-01-01T12:00:00Z'), undefined, (id) => held.has(id)))).toEqual({
      id: 'rel-20250101-120000002',
      epochMs: at('2025-01-01T12:00:00.002Z'),
    })
  })
  test('past the last instant an id can encode: INVALID_INPUT', () =>
    failure(nextReleaseId(at('2025-01-01T00:00:00Z'), MAX_ID_EPOCH_MS, free), 'INVALID_INPUT', 'past the year 9999'))
  test('a reading outside what an id can encode is INVALID_INPUT naming it', () => {
    failure(
      nextReleaseId(MAX_ID_EPOCH_MS + 1, undefined, free),
      'INVALID_INPUT',
      `the clock reads ${MAX_ID_EPOCH_MS + 1} ms since the epoch`,
    )
    failure(nextReleaseId(MIN_ID_EPOCH_MS - 1, undefined, free), 'INVALID_INPUT', 'years 0000 to 9999')
    failure(nextReleaseId(0.5, undefined, free), 'INVALID_INPUT', 'reads 0.5 ms')
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
  it.prop([epochMs, fc.option(epochMs, { nil: undefined }), fc.array(epochMs.map(formatReleaseId))], {
    numRuns: 500,
  })('the next instant is the clock, or 1 ms after the latest; its id reads it and is not held', (now, latest, ids) => {
    const held = new Set<string>(ids)
    const next = right(nextReleaseId(now, latest, (id) => held.has(id)))
    expect(next.id).toBe(formatReleaseId(next.epochMs))
    expect(held.has(next.id)).toBe(false)
    const floor = latest === undefined ? now : Math.max(now, latest + 1)
    expect(next.epochMs).toBeGreaterThanOrEqual(floor)
    for (let ms = floor; ms < next.epochMs; ms++) expect(held.has(formatReleaseId(ms))).toBe(true)
  })
})
