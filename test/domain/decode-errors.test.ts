import { describe, expect, test } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { decodeSnapshot, describeDecodeErrors } from '../../src/domain/index.js'
import { failure } from './helpers.js'

const FILE = '.stagecraft/releases.json'
const refused = (text: string, ...message: ReadonlyArray<string | RegExp>): string =>
  failure(decodeSnapshot(text, FILE), 'CORRUPT_STATE', ...message)

/** A pretty-printed file whose second record (starting on line 11) is given. */
const secondRecordIs = (second: string): string =>
  [
    '{',
    '  "releases": [',
    '    {',
    '      "id": "rel-20250101-120000",',
    '      "environment": "prod",',
    '      "version": "v1",',
    '      "timestamp": "2025-01-01T12:00:00Z",',
    '      "phases": {"build": "completed"}',
    '    },',
    '    ',
    `    ${second}`,
    '  ]',
    '}',
  ].join('\n')
const good = (fields: Record<string, unknown>) =>
  JSON.stringify({ id: 'rel-b', environment: 'prod', version: 'v2', timestamp: '2025-01-02T12:00:00Z', ...fields })

describe('a releases.json that cannot be read is CORRUPT_STATE naming the file, the line and the release', () => {
  test('an empty file', () =>
    refused(' \n', `${FILE}: the file is empty; expected a JSON object with a "releases" array`))
  test('invalid JSON where the parser gives a position: the line of the problem', () => {
    refused(
      '{\n  "releases": [\n    {"id" 1}\n  ]\n}',
      `${FILE}:3: not valid JSON (`,
      "Expected ':' after property name",
    )
  })
  test('a truncated file: the last line', () =>
    refused('{\n"releases": [\n{"id": "a"\n}\n]\n', `${FILE}:6: not valid JSON`))
  test('invalid JSON where the parser gives no position: the file, the line and the parser message', () => {
    refused('{"releases": [}', `${FILE}:1: not valid JSON`, "Unexpected token '}'")
  })
  test('invalid JSON where V8 gives no position still names the line', () => {
    refused('{\n  "releases": [\n  }\n}', `${FILE}:3:`)
  })
  test('the text the parser quotes is escaped: the message stays one line, whatever it quotes', () => {
    const message = refused('{"releases": [,\n\u0007]}', `${FILE}:1: not valid JSON`, '\\u000a')
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
  })
  test('a file cut off where V8 only says "Unexpected end of JSON input" names its last line', () => {
    refused('{\n  "releases": [\n    {"id":', `${FILE}:3: not valid JSON`, 'Unexpected end of JSON input')
  })
  test('a top level that is not an object', () => {
    refused('[]', `${FILE}: the top level is [], not a JSON object with a "releases" array`)
    refused('null', `${FILE}: the top level is null, not a JSON object with a "releases" array`)
    refused('"releases"', `${FILE}: the top level is "releases", not a JSON object`)
  })
  test('"releases" that is not an array', () =>
    refused('{"releases": {"id": "a"}}', `${FILE}: "releases" is {"id":"a"}, not an array of release records`))
  test('a record that is not an object', () =>
    refused('{"releases": [\n  42\n]}', `${FILE}:2: release 1: expected an object, got 42`))
  test('a key written twice in one record (JSON.parse would keep the last): CORRUPT_STATE naming the line, the record and the key', () => {
    refused(
      secondRecordIs(
        '{"id": "rel-b", "environment": "prod", "version": "v2", "timestamp": "2025-01-02T12:00:00Z", "id": "rel-c"}',
      ),
      `${FILE}:11: the key "id" appears twice in releases[1]; a JSON reader keeps only one of the two values`,
    )
    refused(
      '{\n  "releases": [],\n  "releases": null\n}',
      `${FILE}:3: the key "releases" appears twice in the top-level object`,
    )
  })
  test('no message names a codec (TypeScript, not words for people)', () => {
    for (const text of [
      '[]',
      '7',
      '{"releases": 5}',
      '{"releases": [[]]}',
      '{"releases": ["x"]}',
      secondRecordIs(good({ phases: 5 })),
      secondRecordIs(good({ previous_id: 5 })),
    ]) {
      expect(refused(text)).not.toMatch(/Partial<|\{ *\w+:|Unknown(Record|Array)|ReleaseRecord|\(\w+ \| \w+\)/)
    }
  })
  test('control characters in a value are escaped, C1 controls included', () => {
    refused(secondRecordIs(good({ timestamp: 'now\u0085\u009b2J' })), 'got "now\\u0085\\u009b2J"')
  })
  test('a bad timestamp, naming the line, the position and id of the release, and the value', () => {
    refused(
      secondRecordIs(good({ timestamp: 'yesterday' })),
      `${FILE}:11: release 2 (id "rel-b"): timestamp: expected an RFC 3339 timestamp, got "yesterday"`,
    )
  })
  test('timestamps that look right but are not instants', () => {
    for (const timestamp of [
      '2025-02-30T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01 12:00:00Z',
      '2025-01-01T12:00:00',
      '2025-01-01T12:00:00.1234567891Z',
      '2025-01-01T12:00:00+24:00',
    ]) {
      refused(
        secondRecordIs(good({ timestamp })),
        `release 2 (id "rel-b"): timestamp: expected an RFC 3339 timestamp, got ${JSON.stringify(timestamp)}`,
      )
    }
  })
  test('a bad status name, naming the phase and the value', () => {
    refused(
      secondRecordIs(good({ phases: { build: 'done' } })),
      `${FILE}:11: release 2 (id "rel-b"): phases.build: expected one of pending, running, completed, failed, skipped, got "done"`,
    )
  })
  test('phases that are not an object', () =>
    refused(
      secondRecordIs(good({ phases: ['build'] })),
      'release 2 (id "rel-b"): phases: expected an object or null, got ["build"]',
    ))
  test('missing and mistyped fields, all of them in one message', () => {
    const message = refused(
      secondRecordIs(JSON.stringify({ id: 'rel-b', environment: 7, commit_sha: 5 })),
      `${FILE}:11: release 2 (id "rel-b"): `,
    )
    expect(message).toContain('environment: expected a string, got 7')
    expect(message).toContain('version: expected a string, got nothing')
    expect(message).toContain('timestamp: expected an RFC 3339 timestamp, got nothing')
    expect(message).toContain('commit_sha: expected a string or null, got 5')
  })
  test('an empty id or a record without one', () => {
    refused(secondRecordIs(good({ id: '' })), 'release 2 (id ""): id: expected a non-empty release id, got ""')
    refused(
      secondRecordIs(good({ id: undefined })),
      `${FILE}:11: release 2: id: expected a non-empty release id, got nothing`,
    )
  })
  test('the first bad record is the one reported', () => {
    refused(
      `{"releases": [${good({ id: 'one', version: 1 })}, ${good({ id: 'two', version: 2 })}]}`,
      'release 1 (id "one")',
    )
  })
})

describe('describeDecodeErrors', () => {
  const errors = <A>(codec: t.Decoder<unknown, A>, value: unknown): ReadonlyArray<string> => {
    const result = codec.decode(value)
    return E.isLeft(result) ? describeDecodeErrors(result.left) : []
  }
  test('one line per field: path, what was expected, what was found', () => {
    expect(
      errors(t.type({ a: t.string, b: t.array(t.number), c: t.union([t.string, t.null]) }), {
        a: 1,
        b: [1, 'x'],
        c: 2,
      }),
    ).toEqual([
      'a: expected a string, got 1',
      'b[1]: expected a number, got "x"',
      'c: expected a string or null, got 2',
    ])
  })
  test('long values are cut at 80 characters', () => {
    const [line] = errors(t.type({ a: t.number }), { a: 'x'.repeat(200) })
    expect(line).toBe(`a: expected a number, got "${'x'.repeat(76)}...`)
  })
  test('nested paths are joined with dots', () =>
    expect(errors(t.type({ a: t.type({ b: t.boolean }) }), { a: { b: 'no' } })).toEqual([
      'a.b: expected a boolean, got "no"',
    ]))
})
