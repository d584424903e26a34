/**
 * Text that cannot attack a terminal (src/cli/format/visible.ts): what `visible` escapes and how,
 * that its output holds nothing a terminal obeys or hides, that it agrees with the domain's sets,
 * and that a suggested command quoting such a value gives the value back when pasted into bash.
 */
import { spawnSync } from 'node:child_process'
import { fc, it as property } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { escapeCharacter, hasUnsafe, terminalSafeJson, visible } from '../../src/cli/format/visible.js'
import { outputTo } from '../../src/cli/output.js'
import { shellQuote } from '../../src/cli/shell-quote.js'
import { firstHiddenCharacter, firstLoneSurrogate } from '../../src/internals.js'
import { quote } from '../../src/domain/show.js'
import { anyText } from '../arbitraries.js'

// Every code point a terminal obeys or hides, and lone surrogates, as the issue lists them.
const UNSAFE_CODE_POINT =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Text with the characters of attacks mixed in. */
const hostileText = fc
  .array(
    fc.oneof(
      anyText(8),
      fc.constantFrom(
        '\u001b[2J',
        '\u001b]0;pwned\u0007',
        '\r\n',
        '\u009b',
        '\u202e',
        '\u200b',
        '\ud800',
        '\udfff',
        '\\',
        "'",
        '\u{1f680}',
      ),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))

describe('visible', () => {
  it('escapes C0 controls (TAB, LF and CR too), DEL, C1 controls, bidi and zero-width characters, separators and lone surrogates', () => {
    expect(visible('rel-\u001b[2J')).toBe('rel-\\x1b[2J')
    expect(visible('prod\u001b]0;pwned\u0007')).toBe('prod\\x1b]0;pwned\\x07')
    expect(visible('v1\r\nrel-fake\tx\u007f')).toBe('v1\\r\\nrel-fake\\tx\\x7f')
    expect(visible('rel-2\u009b31m')).toBe('rel-2\\u009b31m')
    expect(visible('pro\u200bd \u202edorp \u2066x\u2069 \u061c \u200e\u200f \u2060\ufeff \u2028\u2029')).toBe(
      'pro\\u200bd \\u202edorp \\u2066x\\u2069 \\u061c \\u200e\\u200f \\u2060\\ufeff \\u2028\\u2029',
    )
    expect(visible('v\ud800 x\udc00')).toBe('v\\ud800 x\\udc00')
  })

  it('leaves printable text alone: accents, wide characters, emoji (a surrogate pair), a backslash', () => {
    for (const text of ['prod', 'cafe\u0301', '生产', '🚀v2', 'a\\x1b', 'é\u00a0x']) expect(visible(text)).toBe(text)
  })

  property.prop([hostileText], { numRuns: 500 })(
    'for any string, the escaped text holds no control, bidi, zero-width or lone surrogate code point',
    (text) => {
      expect(visible(text)).not.toMatch(UNSAFE_CODE_POINT)
      expect(hasUnsafe(text)).toBe(UNSAFE_CODE_POINT.test(text))
    },
  )

  property.prop([hostileText], { numRuns: 300 })(
    'is idempotent, so text escaped where it was formatted is not escaped again',
    (text) => {
      expect(visible(visible(text))).toBe(visible(text))
    },
  )

  it('escapes exactly what the domain finds: every UTF-16 unit agrees', () => {
    const disagreements: string[] = []
    for (let unit = 0; unit <= 0xffff; unit++) {
      const character = String.fromCharCode(unit)
      const escaped = visible(character) !== character
      // What a write refuses in a name is shown escaped; what a message quotes is escaped the same way.
      const refused = firstHiddenCharacter(character) !== undefined || firstLoneSurrogate(character) !== undefined
      const quoted = quote(character)
      if (
        escaped !== UNSAFE_CODE_POINT.test(character) ||
        (refused && !escaped) ||
        quoted !== terminalSafeJson(JSON.stringify(character)) ||
        UNSAFE_CODE_POINT.test(quoted)
      ) {
        disagreements.push(`U+${unit.toString(16).padStart(4, '0')}`)
      }
    }
    expect(disagreements).toEqual([])
  })
})

describe('terminal-safe JSON', () => {
  property.prop([hostileText], { numRuns: 300 })(
    'parses to the same value, and holds no code point a terminal obeys or hides',
    (text) => {
      const json = terminalSafeJson(JSON.stringify({ text }, null, 2))
      expect(JSON.parse(json)).toEqual({ text })
      expect(json.replaceAll('\n', '')).not.toMatch(UNSAFE_CODE_POINT)
    },
  )

  it('writes U+009B, U+2028 and U+2029 as \\u escapes', () => {
    expect(terminalSafeJson(JSON.stringify('a\u009b\u2028\u2029b'))).toBe('"a\\u009b\\u2028\\u2029b"')
  })

  it('shows a raw CR as \\u000d: JSON.stringify writes none, but a top-level field kept as a file wrote it may hold one', () => {
    expect(terminalSafeJson('{"x": [1,\r  2]}')).toBe('{"x": [1,\\u000d  2]}')
  })
})

describe('a suggested command naming such a value', () => {
  const bash = (script: string): string => spawnSync('bash', ['-c', script], { encoding: 'utf8' }).stdout

  it("quotes it in $'...', which bash turns back into the value", () => {
    for (const value of ['rel-\u001b[2J', "it's\r\nfake", 'back\\slash \u009b', 'pro\u200bd \u202e']) {
      const quoted = shellQuote(value)
      expect(quoted).toMatch(/^\$'/)
      expect(quoted).not.toMatch(UNSAFE_CODE_POINT)
      expect(bash(`printf %s ${quoted}`)).toBe(value)
    }
  })

  it('keeps plain single quotes for text with nothing to escape', () => {
    expect(shellQuote('orchestrator gone')).toBe("'orchestrator gone'")
    expect(shellQuote('rel-1')).toBe('rel-1')
  })

  it('escapes one character as bash reads it: \\t, \\x1b, \\u009b', () => {
    expect(['\t', '\u001b', '\u009b', '\ud800'].map(escapeCharacter)).toEqual(['\\t', '\\x1b', '\\u009b', '\\ud800'])
  })
})

describe('the output of a run', () => {
  const capture = (json: boolean, env: Record<string, string> = {}) => {
    const written = { stdout: '', stderr: '' }
    const out = outputTo(
      { write: (text) => (written.stdout += text), isTTY: true },
      { write: (text) => (written.stderr += text) },
      { TERM: 'xterm', ...env },
      json,
    )
    return { out, written }
  }

  it('escapes a warning whole, on one line', () => {
    const { out, written } = capture(false)
    out.warn('release rel-\u001b[2J of prod\r\nfake\n')
    expect(written.stderr).toBe('stagecraft-state: warning: release rel-\\x1b[2J of prod\\r\\nfake\n')
  })

  it("keeps the palette's colours and escapes any other escape sequence in a line, even one painted", () => {
    const { out, written } = capture(false)
    out.lines([`created ${out.style.bold('rel-\u001b[1m')}: prod\u001b[31m v1`])
    expect(written.stdout).toBe('created \u001b[1mrel-\\x1b[1m\u001b[22m: prod\\x1b[31m v1\n')
  })

  it('writes JSON with U+009B, bidi and zero-width characters escaped', () => {
    const { out, written } = capture(true)
    out.value({ id: 'rel-2\u009b31m', environment: 'pro\u200bd' })
    expect(written.stdout).toBe('{\n  "id": "rel-2\\u009b31m",\n  "environment": "pro\\u200bd"\n}\n')
  })
})
