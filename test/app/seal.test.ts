import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateSealKeys } from '../../src/app/seal-keys.js'
import { hashLine } from '../../src/store/log-line.js'
import { deploy, freshManager, memoryManager, rejection } from '../support/manager.js'
import { logLines, rewriteLog } from '../support/rewrite-log.js'
import { tempDir } from '../support/temp.js'

const ALL = ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'] as const

/** A key pair written to files in a fresh directory: `private` (PKCS#8 PEM) and `public` (SPKI PEM). */
const keyFiles = () => {
  const dir = tempDir()
  const keys = generateSealKeys()
  const files = { private: join(dir, 'seal.pem'), public: join(dir, 'seal.pem.pub') }
  writeFileSync(files.private, keys.privatePem)
  writeFileSync(files.public, keys.publicPem)
  return { ...files, keyId: keys.keyId, pem: keys }
}

const errors = (report: { problems: ReadonlyArray<{ severity: string; location: string; message: string }> }) =>
  report.problems.filter((p) => p.severity === 'error')

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

  it('without trusted keys, seals are checked against the log only, and the report says so', async () => {
    const { manager } = memoryManager()
    await deploy(manager, 'prod', 'v1')
    await manager.seal({ key: keyFiles().pem.privatePem })
    const report = await manager.verify()
    expect(report.sound).toBe(true)
    expect(report.seals).toMatchObject({ count: 1, keysChecked: false, newestValid: { position: 2 } })
  })
})

describe('verify --head: the log still extends a head recorded elsewhere', () => {
  it('given the head verify printed, a later verify with it is sound; a rewrite or a cut is named', async () => {
    const { manager, make, eventLog } = freshManager()
    await deploy(manager, 'prod', 'v1', ['build'])
    const head = (await manager.verify()).head
    if (head === undefined) throw new Error('no head')
    await deploy(manager, 'prod', 'v2')
    const text = `${head.position}:${head.sha256}`
    const ok = await manager.verify({ head: text })
    expect(ok.sound).toBe(true)
    expect(ok.seals?.headMatched).toEqual(head)
    rewriteLog(eventLog, (line, n) => (n === 1 ? { ...line, meta: { ...(line['meta'] as object), actor: 'x' } } : line))
    expect(errors(await make().verify({ head: text }))).toEqual([
      {
        severity: 'error',
        location: `${manager.location} (event 3)`,
        message: expect.stringMatching(
          /^event 3's line has SHA-256 [0-9a-f]{64}, not [0-9a-f]{64} as recorded: the log was rewritten at or before event 3$/,
        ),
      },
    ])
    expect(errors(await make().verify({ head: `9:${head.sha256}` }))[0]?.message).toBe(
      'the recorded head is event 9, but the log holds 4 events: it was cut back since the head was recorded',
    )
    expect((await rejection(manager.verify({ head: '3:abc' }))).message).toMatch(/is not N:HASH/)
  })
})

describe('the seal option: sealed when a release reaches a final overall status', () => {
  const finishedBy = async (
    manager: Awaited<ReturnType<typeof memoryManager>>['manager'],
    last: 'completed' | 'failed',
  ) => {
    const { release } = await manager.createRelease('prod', 'v1')
    for (const phase of ALL.slice(0, -1)) {
      expect((await manager.updatePhase(release.id, phase, 'completed')).sealed).toBeUndefined()
    }
    return { release, recorded: await manager.updatePhase(release.id, 'finalize', last) }
  }

  it.each(['completed', 'failed'] as const)('given a release %s by a phase, that write is sealed', async (last) => {
    const key = keyFiles()
    const { manager } = memoryManager({ seal: { key: key.pem.privatePem } })
    const { recorded } = await finishedBy(manager, last)
    expect(recorded.sealed).toMatchObject({ position: recorded.position + 1, head: { position: recorded.position } })
    expect((await manager.verify({ trust: [key.pem.publicPem] })).sound).toBe(true)
  })

  it('given a release recovered, the recovery is sealed; a create or a running phase is not', async () => {
    const key = keyFiles()
    const { manager } = memoryManager({ seal: { key: key.pem.privatePem } })
    const { release } = await manager.createRelease('prod', 'v1')
    expect((await manager.updatePhase(release.id, 'build', 'running')).sealed).toBeUndefined()
    const recovered = await manager.recoverRelease(release.id, 'runner lost')
    expect(recovered.sealed?.head.position).toBe(recovered.position)
    const types = (await manager.history()).map((e) => e.type)
    expect(types.filter((t) => t === 'HeadSealed')).toHaveLength(1)
  })

  it('given a key that cannot be used, the write still succeeds, with a warning that it was not sealed', async () => {
    const { manager, warnings } = memoryManager({ seal: { key: { file: '/nonexistent/seal.pem' } } })
    const { recorded } = await finishedBy(manager, 'completed')
    expect(recorded.sealed).toBeUndefined()
    expect(recorded.release.phases.finalize).toBe('completed')
    expect(warnings).toEqual([
      `the write was recorded (event ${recorded.position}), but the seal after it was not: ` +
        '/nonexistent/seal.pem: the seal key (an Ed25519 private key in PEM) cannot be read (no such file)',
    ])
  })
})

describe('sealing while others write', () => {
  it('given writers on the same store, every seal signs the head at its own append: all verify', async () => {
    const key = keyFiles()
    const { manager, make } = freshManager()
    const other = make()
    await deploy(manager, 'prod', 'v0')
    const sealing = (async () => {
      for (let i = 0; i < 5; i++) await manager.seal({ key: key.pem.privatePem })
    })()
    const writing = (async () => {
      for (let i = 1; i <= 5; i++) await deploy(other, `env${i}`, `v${i}`, ['build'])
    })()
    await Promise.all([sealing, writing])
    const report = await make().verify({ trust: [key.pem.publicPem] })
    expect(report.problems).toEqual([])
    expect(report.seals?.count).toBe(5)
    await other.close()
  })
})
