/**
 * `keygen`, `seal` and `verify --trust/--max-seal-age/--head`: keys made by the CLI and by OpenSSL, errors as one line
 * naming the file (never a stack trace), and a log rewritten with its chain recomputed caught by its seal.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rewriteLog } from '../support/rewrite-log.js'
import { cli, defaultStore, fails, ok, seed, tempDir } from './support.js'

const ALL = ['build', 'push', 'migrate_pre', 'rollout', 'migrate_post', 'finalize'] as const

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** A store with one release completed (seven events). */
const storeWithRelease = async () => {
  const directory = tempDir()
  const store = defaultStore(directory)
  await seed(store.stateFile, async (manager) => {
    const { release } = await manager.createRelease('prod', 'v1')
    for (const phase of ALL) await manager.updatePhase(release.id, phase, 'completed')
  })
  return { directory, store }
}

describe('keygen', () => {
  it('writes a private key readable by its owner only and a public key beside it, and prints the key id', async () => {
    const directory = tempDir()
    const out = await ok(directory, ['keygen', '--out', 'seal.pem'])
    const keyId = /key id: +([0-9a-f]{64})/.exec(out)?.[1]
    expect(keyId).toBeDefined()
    expect(statSync(join(directory, 'seal.pem')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(directory, 'seal.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(readFileSync(join(directory, 'seal.pem.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    // Nothing of a store is made by keygen.
    expect(existsSync(join(directory, '.stagecraft'))).toBe(false)
  })

  it('refuses to replace a key, and writes nothing', async () => {
    const directory = tempDir()
    writeFileSync(join(directory, 'seal.pem.pub'), 'kept')
    expect(await fails(directory, ['keygen', '--out', 'seal.pem'], 1)).toBe(
      `stagecraft-state: INVALID_INPUT: ${join(directory, 'seal.pem.pub')}: the key cannot be written: it exists ` +
        'already; keygen never replaces a key (every seal it made would become unverifiable); nothing was written',
    )
    expect(existsSync(join(directory, 'seal.pem'))).toBe(false)
    expect(await fails(directory, ['keygen'], 2)).toMatch(/missing --out FILE/)
  })
})

describe('seal and verify --trust', () => {
  it('given a sealed store, verify --trust is sound and names the newest valid seal', async () => {
    const { directory, store } = await storeWithRelease()
    await ok(directory, ['keygen', '--out', 'seal.pem'])
    expect(await ok(directory, ['seal', '--key', 'seal.pem'])).toMatch(
      /^sealed event 7 \(sha256 [0-9a-f]{64}\) at \S+\nwith key [0-9a-f]{64}; the seal is event 8\n$/,
    )
    const out = await ok(directory, ['verify', '--trust', 'seal.pem.pub', '--max-seal-age', '1h'])
    expect(out).toContain(`sound: 8 events, 1 release in file store ${store.stateFile}, no problems`)
    expect(out).toMatch(/seals: 1, checked against the trusted keys; newest valid: event 8 \(sealing event 7\) at/)
    const json = JSON.parse(await ok(directory, ['verify', '--json', '--trust', 'seal.pem.pub'])) as {
      seals: { count: number; newestValid: { position: number } }
    }
    expect(json.seals).toMatchObject({ count: 1, keysChecked: true, newestValid: { position: 8 } })
    // Without --trust, it says the seals were not checked against keys.
    expect(await ok(directory, ['verify'])).toMatch(/seals: 1, NOT checked against keys \(give --trust\)/)
  })

  it('given a line rewritten before the seal and the chain recomputed, verify --trust fails naming the seal', async () => {
    const { directory, store } = await storeWithRelease()
    await ok(directory, ['keygen', '--out', 'seal.pem'])
    await ok(directory, ['seal', '--key', 'seal.pem'])
    rewriteLog(store.eventLog, (line, n) =>
      n === 1 ? { ...line, meta: { ...(line['meta'] as object), actor: 'mallory' } } : line,
    )
    const run = await cli(directory, ['verify', '--trust', 'seal.pem.pub'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      new RegExp(`^${store.eventLog}:8: error: the log was rewritten after this seal: event 7's line has SHA-256`, 'm'),
    )
    expect(run.stderr).toBe('')
  })

  it('given a key that cannot be used, seal says so in one line naming the file, and records nothing', async () => {
    const { directory, store } = await storeWithRelease()
    await ok(directory, ['keygen', '--out', 'seal.pem'])
    writeFileSync(join(directory, 'garbage.pem'), 'not a key')
    const cases: Array<[string, RegExp]> = [
      ['missing.pem', /missing\.pem: the seal key \(an Ed25519 private key in PEM\) cannot be read \(no such file\)/],
      ['seal.pem.pub', /seal\.pem\.pub: not a usable seal key .*: it is a public key/],
      ['garbage.pem', /garbage\.pem: not a usable seal key .*: it is not a private key in PEM/],
    ]
    for (const [file, message] of cases) expect(await fails(directory, ['seal', '--key', file], 1)).toMatch(message)
    expect(store.logLines()).toHaveLength(7)
    expect(await fails(directory, ['seal'], 1)).toMatch(/seal needs a key/)
  })

  it('given an empty store, seal is refused and creates nothing', async () => {
    const directory = tempDir()
    await ok(directory, ['keygen', '--out', 'seal.pem'])
    expect(await fails(directory, ['seal', '--key', 'seal.pem'], 1)).toMatch(/holds no event yet: there is no head/)
    expect(existsSync(join(directory, '.stagecraft'))).toBe(false)
  })

  it('given --trust with a log without seals, verify fails; --max-seal-age without --trust is a usage error', async () => {
    const { directory } = await storeWithRelease()
    await ok(directory, ['keygen', '--out', 'seal.pem'])
    const run = await cli(directory, ['verify', '--trust', 'seal.pem.pub'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/error: the log holds no seal, and trusted keys were given/)
    expect(run.stdout).toMatch(/seal\.pem\.pub: warning: trusted key [0-9a-f]{16}… signed no valid seal in this log/)
    expect(await fails(directory, ['verify', '--max-seal-age', '1d'], 2)).toMatch(/--max-seal-age needs --trust/)
    expect(await fails(directory, ['verify', '--trust', 'nope.pub'], 1)).toMatch(
      /nope\.pub: the trusted key .* cannot be read/,
    )
  })

  it('given --seal-key (or STAGECRAFT_SEAL_KEY), the phase that finishes a release is sealed', async () => {
    const directory = tempDir()
    await ok(directory, ['keygen', '--out', 'seal.pem'])
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--quiet'])).trim()
    for (const phase of ALL.slice(0, -1))
      await ok(directory, ['phase', id, phase, 'completed', '--seal-key', 'seal.pem'])
    const out = await ok(directory, ['phase', id, 'finalize', 'failed'], { STAGECRAFT_SEAL_KEY: 'seal.pem' })
    expect(out).toMatch(
      /finalize pending -> failed \(release failed\)\nsealed event 7 with key [0-9a-f]{16}… \(the seal is event 8\)\n$/,
    )
    expect(await ok(directory, ['verify', '--trust', 'seal.pem.pub'])).toMatch(/^sound/)
    // The audit trail shows the seal, not narrowed to a release: it is about the whole log.
    expect(await ok(directory, ['history', '--wide'])).toMatch(
      / sealed +head event 7 +tester +sha256 [0-9a-f]{16}…, key /,
    )
    expect(await ok(directory, ['history', '--env', 'prod'])).not.toMatch(/sealed/)
  })

  it('given a seal key that is missing, the phase is recorded anyway, with a warning', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--quiet'])).trim()
    for (const phase of ALL.slice(0, -1)) await ok(directory, ['phase', id, phase, 'completed'])
    const run = await cli(directory, ['phase', id, 'finalize', 'completed', '--seal-key', 'gone.pem'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/finalize pending -> completed \(release completed\)/)
    expect(run.stderr).toMatch(
      /warning: the write was recorded \(event 7\), but the seal after it was not: .*gone\.pem/,
    )
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('verify --head', () => {
  it('given the head verify printed, verify --head passes while the log extends it, and names a rewrite', async () => {
    const { directory, store } = await storeWithRelease()
    const head = /chain head: event (\d+), sha256 ([0-9a-f]{64})/.exec(await ok(directory, ['verify']))
    const given = `${head?.[1]}:${head?.[2]}`
    await ok(directory, ['create', '--env', 'prod', '--version', 'v2'])
    expect(await ok(directory, ['verify', '--head', given])).toMatch(/recorded head: event 7 is still in the log/)
    rewriteLog(store.eventLog, (line, n) =>
      n === 3 ? { ...line, meta: { ...(line['meta'] as object), pid: 1 } } : line,
    )
    const run = await cli(directory, ['verify', '--head', given])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /\(event 7\): error: event 7's line has SHA-256 [0-9a-f]{64}, not [0-9a-f]{64} as recorded/,
    )
    expect(await fails(directory, ['verify', '--head', '7:xyz'], 1)).toMatch(/is not N:HASH/)
  })
})

describe.skipIf(!hasOpenssl)(
  `keys made by OpenSSL${hasOpenssl ? '' : ' (SKIPPED: no openssl binary on this machine)'}`,
  () => {
    it('given an Ed25519 key from openssl genpkey, seal and verify --trust work, with the key id sha256sum prints', async () => {
      const { directory } = await storeWithRelease()
      execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', 'o.pem'], { cwd: directory })
      execFileSync('openssl', ['pkey', '-in', 'o.pem', '-pubout', '-out', 'o.pub'], { cwd: directory })
      const der = execFileSync('openssl', ['pkey', '-pubin', '-in', 'o.pub', '-outform', 'DER'], { cwd: directory })
      const { createHash } = await import('node:crypto')
      const keyId = createHash('sha256').update(der).digest('hex')
      expect(await ok(directory, ['seal', '--key', 'o.pem'])).toContain(`with key ${keyId}`)
      expect(await ok(directory, ['verify', '--trust', 'o.pub'])).toMatch(/^sound/)
    })

    it('given an RSA key from openssl, seal refuses it naming the file', async () => {
      const { directory } = await storeWithRelease()
      execFileSync('openssl', ['genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'r.pem'], {
        cwd: directory,
        stdio: 'ignore',
      })
      expect(await fails(directory, ['seal', '--key', 'r.pem'], 1)).toMatch(
        /r\.pem: not a usable seal key .*: it is an rsa key, not Ed25519/,
      )
    })
  },
)
