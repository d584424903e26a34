import { describe, expect, it } from 'vitest'
import { failureLine } from '../../src/cli/failure.js'
import { StateError } from '../../src/errors.js'

describe('the one line printed for a failure', () => {
  const postgres = { location: 'PostgreSQL store postgres://ci@db.internal:5432/deploys, schema stagecraft_state', stateFile: undefined }
  const file = { location: 'file store /srv/app/.stagecraft/releases.json', stateFile: '/srv/app/.stagecraft/releases.json' }

  it('names the store when the message does not', () => {
    expect(failureLine(new StateError('RELEASE_NOT_FOUND', 'release rel-1 not found'), file)).toBe(
      'stagecraft-state: RELEASE_NOT_FOUND: release rel-1 not found (file store /srv/app/.stagecraft/releases.json)',
    )
  })

  it('does not name it twice when the message names the file or the database server', () => {
    expect(failureLine(new StateError('CORRUPT_STATE', '/srv/app/.stagecraft/releases.events.ndjson:3: not valid JSON'), file)).not.toMatch(/\(file store/)
    expect(failureLine(new StateError('DB_UNREACHABLE', 'postgres://ci@db.internal:5432/deploys: connection refused'), postgres)).toBe(
      'stagecraft-state: DB_UNREACHABLE: postgres://ci@db.internal:5432/deploys: connection refused',
    )
  })

  it('calls anything else a bug, without a stack trace', () => {
    expect(failureLine(new TypeError('x is undefined'), file)).toMatch(/^stagecraft-state: internal error: x is undefined \(this is a bug; run again with STAGECRAFT_DEBUG=1/)
  })
})
