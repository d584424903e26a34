import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { evolve, initialState } from '../../src/domain/index.js'
import { HeadSealed, type SealedFields, sealedBytes } from '../../src/domain/seal.js'

const HASH = 'ab'.repeat(32)
const KEY = 'cd'.repeat(32)
const SIGNATURE = `${'A'.repeat(86)}==`

const fields = (over: Partial<SealedFields> = {}): SealedFields =>
  ({
    head: { position: 12, sha256: HASH },
    sealedAt: '2025-03-14T09:15:06.759Z',
    keyId: KEY,
    algorithm: 'ed25519',
    ...over,
  }) as SealedFields

describe('the bytes a seal signs', () => {
  it('are the domain line, then one "name: value" line per field in a fixed order, each ending with a newline', () => {
    expect(sealedBytes(fields())).toBe(
      'stagecraft-state seal v1\n' +
        'position: 12\n' +
        `sha256: ${HASH}\n` +
        'sealedAt: 2025-03-14T09:15:06.759Z\n' +
        `keyId: ${KEY}\n` +
        'algorithm: ed25519\n',
    )
  })

  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/)
  const sealed = fc.record({
    position: fc.integer({ min: 1, max: 2 ** 40 }),
    sha256: hex64,
    keyId: hex64,
    ms: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  })
  const fieldsOf = (s: { position: number; sha256: string; keyId: string; ms: number }) =>
    fields({
      head: { position: s.position, sha256: s.sha256 } as SealedFields['head'],
      sealedAt: new Date(s.ms).toISOString() as SealedFields['sealedAt'],
      keyId: s.keyId as SealedFields['keyId'],
    })

  test.prop([sealed, sealed])('differ whenever a field differs: no two seals sign the same bytes', (a, b) => {
    const same = a.position === b.position && a.sha256 === b.sha256 && a.keyId === b.keyId && a.ms === b.ms
    expect(sealedBytes(fieldsOf(a)) === sealedBytes(fieldsOf(b))).toBe(same)
  })
})

describe('the HeadSealed codec', () => {
  const data = { ...fields(), signature: SIGNATURE }

  it('accepts a seal as seal writes it', () => {
    expect(E.isRight(HeadSealed.decode(data))).toBe(true)
  })

  it.each([
    ['a position of 0', { ...data, head: { position: 0, sha256: HASH } }],
    ['an upper-case hash', { ...data, head: { position: 1, sha256: HASH.toUpperCase() } }],
    ['a short key id', { ...data, keyId: 'cd' }],
    ['another algorithm', { ...data, algorithm: 'rsa' }],
    ['a signature of the wrong length', { ...data, signature: 'AAAA' }],
    ['a time that is not RFC 3339', { ...data, sealedAt: 'yesterday' }],
  ])('refuses %s', (_, given) => {
    expect(E.isLeft(HeadSealed.decode(given))).toBe(true)
  })

  it('given a seal, the fold changes no release', () => {
    const state = evolve(initialState, { type: 'HeadSealed', data: data as HeadSealed })
    expect(state.releases.size).toBe(0)
  })
})
