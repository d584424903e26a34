import { generateKeyPairSync } from 'node:crypto'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hashLine } from '../../src/store/log-line.js'
import { deploy, freshManager, memoryManager, rejection } from '../support/manager.js'
import { logLines, rewriteLog } from '../support/rewrite-log.js'
import { errors, keyFiles } from '../support/seal-keys.js'

describe('seal: the head signed and recorded', () => {
  it('given a store with events, when sealed, then a HeadSealed follows the head and names its line hash', async () => {
    const { manager, eventLog } = freshManager()
    await deploy(manager, 'prod', 'v1', ['build'])
    const key = keyFiles()
    const sealed = await manager.seal({ key: { file: key.private } })
    const lines = logLines(eventLog)
    expect(sealed).toEqual({
      position: 4,
      head: { position: 3, sha256: hashLine(lines[2] as string) },
      sealedAt: expect.any(String),
      keyId: key.keyId,
    })
    const event = JSON.parse(lines[3] as string) as { type: string; data: Record<string, unknown> }
    expect(event.type).toBe('HeadSealed')
    expect(event.data).toMatchObject({ head: sealed.head, keyId: key.keyId, algorithm: 'ed25519' })
    // A seal changes no release.
    expect((await manager.listAllReleases()).length).toBe(1)
  })

  it('given an empty store, sealing is refused and nothing is created', async () => {
    const { manager, stateFile } = freshManager()
    const error = await rejection(manager.seal({ key: keyFiles().pem.privatePem }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/holds no event yet: there is no head to seal/)
    expect(() => logLines(stateFile.replace(/\.json$/, '.events.ndjson'))).toThrow()
  })

  it.each([
    ['a missing file', (k: ReturnType<typeof keyFiles>) => ({ file: `${k.private}.missing` }), /no such file/],
    ['the public key', (k: ReturnType<typeof keyFiles>) => ({ file: k.public }), /it is a public key/],
    [
      'an RSA key',
      () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
      /it is an rsa key, not Ed25519/,
    ],
    ['garbage', () => 'not a key at all', /not a private key in PEM/],
    [
      'a directory',
      (k: ReturnType<typeof keyFiles>) => ({ file: dirname(k.private) }),
      /cannot be read \(it is a directory\)/,
    ],
  ])('given %s as the key, sealing is refused naming it, and nothing is recorded', async (_, key, why) => {
    const { manager, eventLog } = freshManager()
    await deploy(manager, 'prod', 'v1')
    const keys = keyFiles()
    const given = key(keys) as string | { file: string }
    const error = await rejection(manager.seal({ key: given }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(why)
    if (typeof given === 'object') expect(error.message).toContain(given.file)
    expect(logLines(eventLog)).toHaveLength(1)
  })
})

describe('verify with trusted keys', () => {
  it('given a sealed log, verify --trust is sound and names the newest valid seal', async () => {
    const { manager } = freshManager()
    await deploy(manager, 'prod', 'v1', ['build'])
    const key = keyFiles()
    const sealed = await manager.seal({ key: { file: key.private } })
    const report = await manager.verify({ trust: [{ file: key.public }] })
    expect(report.sound).toBe(true)
    expect(report.problems).toEqual([])
    expect(report.seals).toMatchObject({
      count: 1,
      keysChecked: true,
      newestValid: { position: 4, head: sealed.head, sealedAt: sealed.sealedAt, keyId: key.keyId },
    })
  })

  it('given a line before the seal rewritten and the chain recomputed, verify --trust fails naming the seal', async () => {
    const { manager, make, eventLog } = freshManager()
    await deploy(manager, 'prod', 'v1', ['build'])
    const key = keyFiles()
    await manager.seal({ key: { file: key.private } })
    await deploy(manager, 'prod', 'v2')
    await manager.seal({ key: { file: key.private } })
    rewriteLog(eventLog, (line, n) =>
      n === 2 ? { ...line, meta: { ...(line['meta'] as object), actor: 'mallory' } } : line,
    )
    const report = await make().verify({ trust: [{ file: key.public }] })
    expect(report.sound).toBe(false)
    expect(errors(report)).toEqual([
      {
        severity: 'error',
        location: `${eventLog}:4`,
        message: expect.stringMatching(
          /^the log was rewritten after this seal: event 3's line has SHA-256 [0-9a-f]{64} now, not [0-9a-f]{64} as sealed at/,
        ),
      },
      {
        severity: 'error',
        location: `${eventLog}:4`,
        message: `1 later seal do not match the log either (the last at ${eventLog}:6)`,
      },
      {
        severity: 'error',
        location: manager.location,
        message: 'none of the 2 seals in the log is valid with the trusted keys',
      },
    ])
    // Without seals, the same rewrite is sound: the chain was recomputed.
    expect((await make().verify()).problems.filter((p) => !p.message.includes('seal'))).toEqual([])
  })

  it('given a seal line edited by hand (its signed time changed, the chain recomputed), its line is named', async () => {
    const { manager, make, eventLog } = freshManager()
    await deploy(manager, 'prod', 'v1')
    const key = keyFiles()
    await manager.seal({ key: { file: key.private } })
    rewriteLog(eventLog, (line, n) =>
      n === 2 ? { ...line, data: { ...(line['data'] as object), sealedAt: '2030-01-01T00:00:00.000Z' } } : line,
    )
    const report = await make().verify({ trust: [{ file: key.public }] })
    expect(errors(report)[0]).toEqual({
      severity: 'error',
      location: `${eventLog}:2`,
      message: expect.stringMatching(
        /signature does not verify with the trusted key [0-9a-f]{16}… \(.*seal\.pem\.pub\)/,
      ),
    })
  })

  it('given an undecodable seal line, verify names the line', async () => {
    const { manager, make, eventLog } = freshManager()
    await deploy(manager, 'prod', 'v1')
    await manager.seal({ key: keyFiles().pem.privatePem })
    rewriteLog(eventLog, (line, n) =>
      n === 2 ? { ...line, data: { ...(line['data'] as object), signature: 'forged' } } : line,
    )
    const report = await make().verify()
    expect(errors(report)[0]?.location).toBe(`${eventLog}:2`)
    expect(errors(report)[0]?.message).toMatch(/not an event: .*signature/)
  })

  it('given a seal by another key, it is an error; the trusted key that signed nothing is a warning', async () => {
    const { manager } = memoryManager()
    await deploy(manager, 'prod', 'v1')
    await manager.seal({ key: keyFiles().pem.privatePem })
    const trusted = keyFiles()
    const report = await manager.verify({ trust: [{ file: trusted.public }] })
    expect(report.sound).toBe(false)
    expect(report.problems).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/which is not a trusted key/) }),
      {
        severity: 'warning',
        location: trusted.public,
        message: `trusted key ${trusted.keyId.slice(0, 16)}… signed no valid seal in this log`,
      },
      expect.objectContaining({
        severity: 'error',
        message: 'none of the 1 seals in the log is valid with the trusted keys',
      }),
    ])
  })

  it('given two keys (a rotation), seals by either verify when both are trusted', async () => {
    const { manager } = memoryManager()
    const [old, current] = [keyFiles(), keyFiles()]
    await deploy(manager, 'prod', 'v1')
    await manager.seal({ key: old.pem.privatePem })
    await deploy(manager, 'prod', 'v2')
    const newest = await manager.seal({ key: current.pem.privatePem })
    const report = await manager.verify({ trust: [old.pem.publicPem, current.pem.publicPem] })
    expect(report.sound).toBe(true)
    expect(report.seals?.newestValid?.position).toBe(newest.position)
    // Only the new key trusted: the old seal is an error.
    expect((await manager.verify({ trust: [current.pem.publicPem] })).sound).toBe(false)
  })

  it('given no seal at all, verify with trusted keys fails', async () => {
    const { manager } = memoryManager()
    await deploy(manager, 'prod', 'v1')
    const report = await manager.verify({ trust: [keyFiles().pem.publicPem] })
    expect(report.sound).toBe(false)
    expect(errors(report).map((p) => p.message)).toEqual([
      'the log holds no seal, and trusted keys were given: nothing shows the log was not rewritten',
    ])
  })

  it('given a maximum seal age, the newest valid seal older than that fails (later seals deleted)', async () => {
    const { manager, clock } = memoryManager()
    const key = keyFiles()
    await deploy(manager, 'prod', 'v1')
    await manager.seal({ key: key.pem.privatePem })
    const trust = [key.pem.publicPem]
    expect((await manager.verify({ trust, maxSealAgeMs: 60 * 60 * 1000 })).sound).toBe(true)
    clock.set(Date.UTC(2025, 0, 3, 12))
    const report = await manager.verify({ trust, maxSealAgeMs: 24 * 60 * 60 * 1000 })
    expect(errors(report).map((p) => p.message)).toEqual([
      expect.stringMatching(/^the newest valid seal, sealed at .*, is 1d 23h old, more than the 1d allowed/),
    ])
    expect((await rejection(manager.verify({ maxSealAgeMs: 1000 }))).message).toMatch(/needs trusted keys/)
  })

  it('an age under a minute is said in seconds, not as 0m', async () => {
    const { manager, clock } = memoryManager()
    const key = keyFiles()
    await deploy(manager, 'prod', 'v1')
    const sealed = await manager.seal({ key: key.pem.privatePem })
    clock.set(Date.parse(sealed.sealedAt) + 42_500)
    const report = await manager.verify({ trust: [key.pem.publicPem], maxSealAgeMs: 30_000 })
    expect(errors(report).map((p) => p.message)).toEqual([
      expect.stringMatching(/, is 42s old, more than the 30s allowed/),
    ])
  })

  it('without trusted keys, seals are checked against the log only, and the report says so', async () => {
    const { manager } = memoryManager()
    await deploy(manager, 'prod', 'v1')
    await manager.seal({ key: keyFiles().pem.privatePem })
    const report = await manager.verify()
    expect(report.sound).toBe(true)
    expect(report.seals).toMatchObject({ count: 1, keysChecked: false, newestValid: { position: 2 } })
  })
})
