import { describe, expect, it } from 'vitest'
import { deploy, freshManager, memoryManager, rejection } from '../support/manager.js'
import { rewriteLog } from '../support/rewrite-log.js'
import { errors, keyFiles } from '../support/seal-keys.js'

const ALL = ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'] as const

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
