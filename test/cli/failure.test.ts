import { describe, expect, it } from 'vitest'
import { failureLine } from '../../src/cli/failure.js'
import { StateError } from '../../src/domain/state-error.js'

describe('the one line printed for a failure', () => {
  const postgres = {
    location: 'PostgreSQL store postgres://ci@db.internal:5432/deploys, schema stagecraft_state',
    stateFile: undefined,
  }
  const file = {
    location: 'file store /srv/app/.stagecraft/releases.json',
    stateFile: '/srv/app/.stagecraft/releases.json',
  }

  it('names the store when the message does not', () => {
    expect(failureLine(new StateError('RELEASE_NOT_FOUND', 'release rel-1 not found'), file)).toBe(
      'stagecraft-state: RELEASE_NOT_FOUND: release rel-1 not found (file store /srv/app/.stagecraft/releases.json)',
    )
  })

  it('does not name it twice when the message names the file or the database server', () => {
    expect(
      failureLine(
        new StateError('CORRUPT_STATE', '/srv/app/.stagecraft/releases.events.ndjson:3: not valid JSON'),
        file,
      ),
    ).not.toMatch(/\(file store/)
    expect(
      failureLine(
        new StateError('DB_UNREACHABLE', 'postgres://ci@db.internal:5432/deploys: connection refused'),
        postgres,
      ),
    ).toBe('stagecraft-state: DB_UNREACHABLE: postgres://ci@db.internal:5432/deploys: connection refused')
  })

  it('shows every control character of the message escaped, on one line: a value it quotes cannot forge a line or move the cursor', () => {
    const error = new StateError(
      'INVALID_INPUT',
      'release rel-\u001b[2J belongs to environment prod\r\nstagecraft-state: ok\u009b31m\u202e',
    )
    expect(failureLine(error, file)).toBe(
      'stagecraft-state: INVALID_INPUT: release rel-\\x1b[2J belongs to environment prod\\r\\nstagecraft-state: ok\\u009b31m\\u202e (file store /srv/app/.stagecraft/releases.json)',
    )
    expect(failureLine(new TypeError('bad \u001b]0;pwned\u0007'), file)).toContain(
      'bad \\x1b]0;pwned\\x07 (this is a bug',
    )
  })

  it("escapes the store it names too: a path is anyone's text", () => {
    expect(
      failureLine(new StateError('RELEASE_NOT_FOUND', 'release rel-1 not found'), {
        location: 'file store /tmp/\u001b[2J/releases.json',
        stateFile: undefined,
      }),
    ).toBe('stagecraft-state: RELEASE_NOT_FOUND: release rel-1 not found (file store /tmp/\\x1b[2J/releases.json)')
  })

  it('calls anything else a bug, without a stack trace', () => {
    expect(failureLine(new TypeError('x is undefined'), file)).toMatch(
      /^stagecraft-state: internal error: x is undefined \(this is a bug; run again with STAGECRAFT_DEBUG=1/,
    )
  })
})
