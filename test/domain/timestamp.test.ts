import { fc, it } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { compareTimestamps, formatTimestamp, parseInstant, sameInstant, Timestamp } from '../../src/domain/index.js'
import { EPOCH_MS_MAX, EPOCH_MS_MIN, rfc3339Timestamp } from '../arbitraries.js'
import { at } from './specification.js'

const ts = (s: string) => s as Timestamp

describe('formatTimestamp: RFC 3339 UTC, the fraction as Go writes it (no trailing zeros)', () => {
  test('whole seconds have no fraction', () =>
    expect(formatTimestamp(at('2025-01-01T12:00:00Z'))).toBe('2025-01-01T12:00:00Z'))
  test('otherwise up to three digits, trailing zeros trimmed, so that a Go rewrite changes no text', () => {
    expect(formatTimestamp(at('2025-01-01T12:00:00.123Z'))).toBe('2025-01-01T12:00:00.123Z')
    expect(formatTimestamp(at('2025-01-01T12:00:00.5Z'))).toBe('2025-01-01T12:00:00.5Z')
    expect(formatTimestamp(at('2025-01-01T08:00:01.120Z'))).toBe('2025-01-01T08:00:01.12Z')
    expect(formatTimestamp(at('2025-01-01T12:00:00.001Z'))).toBe('2025-01-01T12:00:00.001Z')
    expect(formatTimestamp(at('2025-01-01T12:00:00.010Z'))).toBe('2025-01-01T12:00:00.01Z')
  })
  test('always in UTC', () => expect(formatTimestamp(at('2025-01-01T05:00:00-07:00'))).toBe('2025-01-01T12:00:00Z'))
})

describe('parseInstant: the instant an RFC 3339 timestamp denotes, to the nanosecond', () => {
  test('UTC, offsets and fractions of 1 to 9 digits', () => {
    expect(parseInstant('2025-01-01T12:00:00Z')).toEqual({ epochMs: at('2025-01-01T12:00:00Z'), nanos: 0 })
    expect(parseInstant('2025-01-01T05:00:00.5-07:00')).toEqual({ epochMs: at('2025-01-01T12:00:00.500Z'), nanos: 0 })
    expect(parseInstant('2025-01-01T12:00:00.1231Z')).toEqual({
      epochMs: at('2025-01-01T12:00:00.123Z'),
      nanos: 100_000,
    })
    expect(parseInstant('2025-01-01T12:00:00.123456789+00:00')).toEqual({
      epochMs: at('2025-01-01T12:00:00.123Z'),
      nanos: 456_789,
    })
    expect(parseInstant('2025-01-01T13:30:00+01:30')).toEqual({ epochMs: at('2025-01-01T12:00:00Z'), nanos: 0 })
  })
  test('leap days exist only in leap years', () => {
    expect(parseInstant('2024-02-29T00:00:00Z')).toBeDefined()
    expect(parseInstant('2000-02-29T00:00:00Z')).toBeDefined()
    expect(parseInstant('2100-02-29T00:00:00Z')).toBeUndefined()
    expect(parseInstant('2025-02-29T00:00:00Z')).toBeUndefined()
  })
  test('years before 100 are not taken for 1900s', () =>
    expect(parseInstant('0050-01-01T00:00:00Z')?.epochMs).toBe(Date.parse('0050-01-01T00:00:00Z')))
  test('anything else is not a timestamp', () => {
    for (const text of [
      '2025-01-01',
      '2025-01-01T12:00:00',
      '2025-01-01 12:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T12:60:00Z',
      '2025-01-01T12:00:60Z',
      '2025-01-01T12:00:00.Z',
      '2025-01-01T12:00:00.1234567890Z',
      '2025-01-01T12:00:00+24:00',
      '2025-01-01T12:00:00+0100',
      ' 2025-01-01T12:00:00Z',
      'yesterday',
    ]) {
      expect(parseInstant(text), text).toBeUndefined()
      expect(Timestamp.is(text), text).toBe(false)
    }
  })
})

describe('compareTimestamps orders by instant, whatever the offset or precision', () => {
  test('examples', () => {
    expect(compareTimestamps(ts('2025-01-01T05:00:00.5-07:00'), ts('2025-01-01T12:00:00.12Z'))).toBeGreaterThan(0)
    expect(compareTimestamps(ts('2025-01-01T12:00:00.1231Z'), ts('2025-01-01T12:00:00.1239Z'))).toBeLessThan(0)
    expect(compareTimestamps(ts('2025-01-01T12:00:00Z'), ts('2025-01-01T13:00:00+01:00'))).toBe(0)
    expect(compareTimestamps(ts('2025-01-01T12:00:00.120000Z'), ts('2025-01-01T12:00:00.12Z'))).toBe(0)
  })
})

describe('timestamp properties', () => {
  const instant = fc.integer({ min: EPOCH_MS_MIN, max: EPOCH_MS_MAX })
  it.prop([instant], { numRuns: 500 })(
    'formatTimestamp writes an instant parseInstant reads back exactly, with a fraction only when the milliseconds are not zero',
    (ms) => {
      const text = formatTimestamp(ms)
      expect(parseInstant(text)).toEqual({ epochMs: ms, nanos: 0 })
      expect(text.includes('.')).toBe(ms % 1000 !== 0)
      expect(text.endsWith('Z')).toBe(true)
    },
  )
  it.prop([rfc3339Timestamp], { numRuns: 500 })(
    'any generated RFC 3339 timestamp parses, and agrees with Date.parse to the millisecond',
    (text) => {
      const parsed = parseInstant(text)
      expect(parsed).toBeDefined()
      const fraction = /\.(\d+)/.exec(text)?.[1] ?? ''
      const msText = text.replace(/\.\d+/, fraction === '' ? '' : `.${fraction.padEnd(3, '0').slice(0, 3)}`)
      expect(parsed?.epochMs).toBe(Date.parse(msText))
      expect(parsed?.nanos).toBe(Number(fraction.padEnd(9, '0').slice(3)))
    },
  )
  it.prop([rfc3339Timestamp, rfc3339Timestamp], { numRuns: 300 })(
    'compareTimestamps is antisymmetric and agrees with the instants',
    (a, b) => {
      const [x, y] = [parseInstant(a), parseInstant(b)]
      const expected = Math.sign((x?.epochMs ?? 0) - (y?.epochMs ?? 0) || (x?.nanos ?? 0) - (y?.nanos ?? 0))
      expect(Math.sign(compareTimestamps(a, b))).toBe(expected)
      expect(Math.sign(compareTimestamps(b, a))).toBe(-expected || 0)
    },
  )
})

describe('sameInstant: two texts of one instant are one value', () => {
  test('Go trims fraction zeros and writes +00:00 as Z', () => {
    expect(sameInstant(ts('2025-01-01T08:00:01.120Z'), ts('2025-01-01T08:00:01.12Z'))).toBe(true)
    expect(sameInstant(ts('2025-01-01T08:00:01.120000000+00:00'), ts('2025-01-01T08:00:01.12Z'))).toBe(true)
    expect(sameInstant(ts('2025-01-01T17:00:01.12+09:00'), ts('2025-01-01T08:00:01.12Z'))).toBe(true)
  })
  test('a nanosecond apart is another instant', () =>
    expect(sameInstant(ts('2025-01-01T08:00:01.120000001Z'), ts('2025-01-01T08:00:01.12Z'))).toBe(false))
  it.prop([fc.integer({ min: EPOCH_MS_MIN, max: EPOCH_MS_MAX })], { numRuns: 300 })(
    'what formatTimestamp writes denotes the instant, as the old three-digit text of it does',
    (ms) => {
      const written = formatTimestamp(ms)
      expect(parseInstant(written)).toEqual({ epochMs: ms, nanos: 0 })
      expect(written).not.toMatch(/\.\d*0Z$/)
      expect(sameInstant(written, ts(new Date(ms).toISOString()))).toBe(true)
    },
  )
})
