/**
 * Which lines are events of a newer version (named and skipped) and which are damage (refused):
 * the line as JSON, `prev` included, as the store's reader sees it.
 */
import { describe, expect, test } from 'vitest'
import { describeForeign, foreignEvent, upgradeTo } from '../../src/domain/index.js'

const ULID = '01JDQ4Z8X5K3M2N1P0QRSTVWXY'
const envelope = (fields: Record<string, unknown> = {}) => ({
  v: 1,
  id: ULID,
  type: 'ReleaseSealed',
  recordedAt: '2025-01-01T12:00:00.000Z',
  meta: { actor: 'ana', host: 'ci-7', pid: 4242, command: ULID },
  data: { anything: true },
  prev: '0'.repeat(64),
  ...fields,
})

describe('an event of a newer version', () => {
  test('given an envelope of this version, well-formed, whose type is unknown, then it is foreign, with its command', () => {
    expect(foreignEvent(envelope())).toEqual({ v: 1, type: 'ReleaseSealed', command: ULID })
    expect(
      foreignEvent(
        envelope({ meta: { actor: 'ana', host: 'ci-7', pid: 1, command: ULID, events: 2, writer: '0.6.0' } }),
      ),
    ).toEqual({ v: 1, type: 'ReleaseSealed', command: ULID, events: 2, writer: '0.6.0' })
  })

  test('given a higher envelope version, then it is foreign whatever else it holds, with what can be told of it', () => {
    expect(foreignEvent({ v: 2, prev: 'x' })).toEqual({ v: 2 })
    expect(foreignEvent(envelope({ v: 3, type: 'PhaseUpdated', meta: 'elsewhere' }))).toEqual({
      v: 3,
      type: 'PhaseUpdated',
    })
  })

  test('given a known type, a malformed envelope of this version, or no envelope version, then it is not foreign (it is damage)', () => {
    for (const damaged of [
      envelope({ type: 'PhaseUpdated' }), // a known type whose payload does not decode
      envelope({ id: 'not-a-ulid' }),
      envelope({ recordedAt: 'yesterday' }),
      envelope({ meta: { actor: 'ana' } }),
      envelope({ type: 7 }),
      envelope({ v: 0 }),
      envelope({ v: 1.5 }),
      envelope({ v: '2' }),
      { ...envelope(), v: undefined },
      null,
      [envelope()],
      'text',
    ]) {
      expect(foreignEvent(damaged), JSON.stringify(damaged)).toBeUndefined()
    }
  })

  test('is described by type, envelope version and writer, and says what to upgrade to', () => {
    expect(describeForeign({ v: 1, type: 'ReleaseSealed', writer: '0.6.0' })).toBe(
      'event type "ReleaseSealed" (envelope version 1), written by stagecraft-state 0.6.0',
    )
    expect(describeForeign({ v: 2 })).toBe('an event (envelope version 2), written by a newer stagecraft-state')
    expect(upgradeTo({ v: 1, type: 'ReleaseSealed', writer: '0.6.0' })).toBe('stagecraft-state 0.6.0 or later')
    expect(upgradeTo({ v: 1, type: 'ReleaseSealed' })).toBe('a stagecraft-state that knows event type "ReleaseSealed"')
    expect(upgradeTo({ v: 2, type: 'PhaseUpdated' })).toBe('a stagecraft-state that reads envelope version 2')
    // A writer or type with control characters is shown escaped, never raw on a terminal.
    expect(describeForeign({ v: 1, type: 'Sealed\u001b[2J', writer: '0.4\u0007' })).toBe(
      'event type "Sealed\\u001b[2J" (envelope version 1), written by stagecraft-state 0.4\\u0007',
    )
  })
})
