/**
 * The pure parts of the CLI, checked directly: tables, spans of time, option values, quoting and
 * the colour decision.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { abandonedHint } from '../../src/cli/commands/abandoned.js'
import { changeLines } from '../../src/cli/format/changes.js'
import { formatSpan } from '../../src/domain/duration-text.js'
import { formatAge, shortCommit } from '../../src/cli/format/release.js'
import { colourWanted, PAINT_MARK, styleFor } from '../../src/cli/format/style.js'
import { displayWidth, renderTable } from '../../src/cli/format/table.js'
import { wrap } from '../../src/cli/help.js'
import { shellQuote } from '../../src/cli/shell-quote.js'
import { checkTimeRange, parseDuration, parseInstantOption, parsePositiveInteger } from '../../src/cli/values.js'
import { PHASES, type Release } from '../../src/index.js'
import type { ReleaseChange } from '../../src/internals.js'

const strip = (text: string): string => text.replaceAll(PAINT_MARK, '').replace(/\u001b\[\d+m/g, '')

describe('renderTable', () => {
  it('aligns on the plain text even when cells are painted, and leaves no trailing blanks', () => {
    const style = styleFor(true)
    const lines = renderTable(
      ['A', 'BB', 'C'],
      [
        ['xxxx', { text: 'y', paint: style.red }, 'z'],
        ['x', 'yyyy', ''],
      ],
      style,
    )
    expect(lines.map(strip)).toEqual(['A     BB    C', 'xxxx  y     z', 'x     yyyy'])
    expect(lines[1]).toContain(`${PAINT_MARK}\u001b[31my${PAINT_MARK}\u001b[39m     `)
  })

  it('measures cells as a terminal shows them: wide characters and emoji 2, combining marks and zero-width characters 0', () => {
    expect(displayWidth('生产')).toBe(4)
    expect(displayWidth('v1-日本語')).toBe(9)
    expect(displayWidth('🚀v2')).toBe(4)
    expect(displayWidth('e\u0301')).toBe(1)
    expect(displayWidth('a\u200bb')).toBe(2)
    expect(displayWidth('ｖ１')).toBe(4) // fullwidth forms
  })

  it('pads wide and combining text to the same column as plain text', () => {
    const rows = [
      ['生产', 'x'],
      ['🚀v2', 'y'],
      ['e\u0301', 'z'],
      ['abcd', 'w'],
    ]
    expect(renderTable(['ENV', 'V'], rows, styleFor(false))).toEqual([
      'ENV   V',
      '生产  x',
      '🚀v2  y',
      'e\u0301     z',
      'abcd  w',
    ])
  })
})

describe('times', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [61_000, '1m 1s'],
    [3_600_000, '1h'],
    [3_660_000, '1h 1m'],
    [86_400_000, '1d'],
    [90_000_000, '1d 1h'],
  ])('formatSpan(%i) is %s', (ms, text) => expect(formatSpan(ms)).toBe(text))

  it('formatAge says "in" for the future and ? for nonsense', () => {
    const now = new Date('2025-01-01T12:00:00Z')
    expect(formatAge('2025-01-01T11:00:00Z', now)).toBe('1h')
    expect(formatAge('2025-01-01T12:05:00Z', now)).toBe('in 5m')
    expect(formatAge('garbage', now)).toBe('?')
  })

  it('shortCommit', () => {
    expect(shortCommit('abc123def456')).toBe('abc123d')
    expect(shortCommit('')).toBe('-')
  })
})

describe('option values', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
  ])('duration %s is %i ms', (raw, ms) => expect(parseDuration('x', raw)).toEqual(E.right(ms)))

  it.each(['30', '-1s', '1w', 'h', ''])('duration %j is refused', (raw) =>
    expect(E.isLeft(parseDuration('x', raw))).toBe(true),
  )

  it.each(['1', '25'])('limit %s', (raw) => expect(parsePositiveInteger('limit', raw)).toEqual(E.right(Number(raw))))
  it.each(['0', '-3', '1.5', 'x', '1e3'])('limit %j is refused', (raw) =>
    expect(E.isLeft(parsePositiveInteger('limit', raw))).toBe(true),
  )

  it('instants: RFC 3339 as given, a date as its midnight UTC, a duration as that long ago', () => {
    const now = new Date('2025-06-01T12:00:00Z')
    expect(parseInstantOption('at', '2025-01-01T14:02:00+02:00', now)).toEqual(E.right('2025-01-01T14:02:00+02:00'))
    expect(parseInstantOption('at', '2025-01-01', now)).toEqual(E.right('2025-01-01T00:00:00Z'))
    expect(parseInstantOption('at', '2h', now)).toEqual(E.right('2025-06-01T10:00:00.000Z'))
    for (const bad of ['2025-13-01', 'noon', '2025-01-01 14:02:00', '', '2025-01-01x14:02:00z'])
      expect(E.isLeft(parseInstantOption('at', bad, now))).toBe(true)
  })

  it('instants: t and z in lowercase, as RFC 3339 allows', () => {
    const now = new Date('2025-06-01T12:00:00Z')
    expect(parseInstantOption('at', '2025-01-01t14:02:00z', now)).toEqual(E.right('2025-01-01T14:02:00Z'))
    expect(parseInstantOption('at', '2025-01-01T14:02:00.5z', now)).toEqual(E.right('2025-01-01T14:02:00.5Z'))
    expect(parseInstantOption('at', '2025-01-01t16:02:00+02:00', now)).toEqual(E.right('2025-01-01T16:02:00+02:00'))
  })

  it('a time range: refused when --since is later than --until, whatever their offsets', () => {
    expect(checkTimeRange({ since: '2025-01-01T10:00:00Z', until: '2025-01-01T10:00:00Z' })).toEqual(
      E.right({ since: '2025-01-01T10:00:00Z', until: '2025-01-01T10:00:00Z' }),
    )
    expect(E.isRight(checkTimeRange({ since: '2025-01-01T11:00:00+02:00', until: '2025-01-01T10:00:00Z' }))).toBe(true) // 09:00Z
    expect(E.isRight(checkTimeRange({ since: '2025-01-01T10:00:00Z' }))).toBe(true)
    const swapped = checkTimeRange(
      { since: '2025-01-01T10:00:00.000000001Z', until: '2025-01-01T10:00:00Z' },
      'history',
    )
    expect(E.isLeft(swapped) && swapped.left).toMatchObject({
      command: 'history',
      message: expect.stringMatching(/^--since \S+ is later than --until \S+/),
    })
  })
})

describe('shellQuote', () => {
  it.each([
    ['v1.2.3', 'v1.2.3'],
    ['rel-20250101-120000000', 'rel-20250101-120000000'],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
    ['', "''"],
  ])('%j -> %s', (raw, quoted) => expect(shellQuote(raw)).toBe(quoted))
})

describe('colourWanted', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '0' }, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ])('tty %s, env %j -> %s', (tty, env, wanted) => expect(colourWanted(tty, env)).toBe(wanted))
})

describe('wrap', () => {
  it('breaks at blanks within the width', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc'])
    expect(wrap('', 10)).toEqual([])
  })

  it('measures in terminal cells', () => {
    expect(wrap('生产 生产 ab', 9)).toEqual(['生产 生产', 'ab'])
  })

  it('breaks a word wider than the line after a URL separator, else where the line ends', () => {
    expect(wrap('see postgres://user@host:5432/deploys?schema=shop now', 20)).toEqual([
      'see postgres://user@',
      'host:5432/deploys?',
      'schema=shop now',
    ])
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl'])
  })
})

describe('changeLines: what an accepted outside edit changed', () => {
  const base = {
    id: 'rel-20250101-120000000',
    environment: 'prod',
    version: 'v1',
    commitSha: '',
    timestamp: '2025-01-01T12:00:00.000Z',
    phases: Object.fromEntries(PHASES.map((phase) => [phase, 'pending'])),
  } as unknown as Release
  const change = (before: Release[], after: Release[]): ReleaseChange =>
    ({ releaseId: base.id, before, after }) as ReleaseChange

  it('phases in deploy order with the status they became, then fields', () => {
    const after = {
      ...base,
      version: 'v2',
      previousId: 'rel-20241231-120000000',
      phases: { ...base.phases, rollout: 'failed', build: 'completed' },
    } as unknown as Release
    expect(changeLines(change([base], [after]))).toEqual([
      { phase: 'build', text: 'pending -> completed', to: 'completed' },
      { phase: 'rollout', text: 'pending -> failed', to: 'failed' },
      { phase: '', text: 'version v1 -> v2' },
      { phase: '', text: 'previous (none) -> rel-20241231-120000000' },
    ])
  })

  it('an empty value, fields it does not model, and one id held several times', () => {
    const after = { ...base, commitSha: 'abcd', preserved: { otherFields: { region: 'eu' } } } as unknown as Release
    expect(changeLines(change([base], [after])).map((line) => line.text)).toEqual([
      'commit (empty) -> abcd',
      'fields stagecraft-state does not model changed',
    ])
    expect(changeLines(change([base, base], [base])).map((line) => line.text)).toEqual(['2 records with this id -> 1'])
    expect(changeLines(change([], [base])).map((line) => line.text)).toEqual(['added: prod v1 (-)'])
  })
})

describe('abandonedHint', () => {
  const release = (n: number) => ({ id: `rel-20250101-12000000${n}` }) as Release

  it('spells out five recover commands at most, then how to list them all', () => {
    const releases = [1, 2, 3, 4, 5, 6, 7].map(release)
    const lines = abandonedHint(releases, 3_600_000, { total: 7, environment: 'prod eu' })
    expect(lines[1]).toBe(
      '7 releases are possibly abandoned: not finished (pending or in progress) with no event for over 1h. If their orchestrators are gone, close them out:',
    )
    expect(lines.slice(2, 7)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `  stagecraft-state recover rel-20250101-12000000${n} --reason 'orchestrator gone'`),
    )
    expect(lines.slice(7)).toEqual([
      "2 more releases are possibly abandoned; list them all with: stagecraft-state list --abandoned --env 'prod eu'",
    ])
  })

  it('gives a threshold back as --abandoned-after takes it', () => {
    expect(abandonedHint([], 90_000, { total: 2 }).at(-1)).toBe(
      '2 releases are possibly abandoned; list them all with: stagecraft-state list --abandoned --abandoned-after 90s',
    )
    expect(abandonedHint([], 1500, { total: 1 }).at(-1)).toMatch(/ --abandoned-after 1500ms$/)
    expect(abandonedHint([], 3_600_000, { total: 0 })).toEqual([])
  })
})
