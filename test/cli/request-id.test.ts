/**
 * `--request-id`: a deploy orchestrator names each write, so that running it again after any error
 * or timeout records nothing twice and prints what the first run printed.
 */
import { describe, expect, it } from 'vitest'
import { defaultStore, fails, ok, tempDir } from './support.js'

const create = [
  'create',
  '--env',
  'prod',
  '--version',
  'v1.2.3',
  '--commit',
  'abc123def456',
  '--request-id',
  'deploy-42',
]

describe('--request-id', () => {
  it('given create --request-id run twice, the second prints the same, exit 0, and one release is recorded', async () => {
    const directory = tempDir()
    const first = await ok(directory, create)
    expect(first).toMatch(
      /^created rel-\d{8}-\d{9}: prod v1\.2\.3 \(abc123d\), the first release of the environment\n$/,
    )
    const lines = defaultStore(directory).logLines().length
    expect(await ok(directory, create)).toBe(first)
    expect(defaultStore(directory).logLines()).toHaveLength(lines)
    expect((JSON.parse(defaultStore(directory).snapshot()) as { releases: unknown[] }).releases).toHaveLength(1)
    const id = (await ok(directory, [...create, '--quiet'])).trim()
    expect(first).toContain(id)
  })

  it('given the same id with other arguments, INVALID_INPUT, exit 1, naming the first use; nothing is recorded', async () => {
    const directory = tempDir()
    const id = (await ok(directory, [...create, '--quiet'])).trim()
    const lines = defaultStore(directory).logLines().length
    const error = await fails(
      directory,
      ['create', '--env', 'prod', '--version', 'v1.2.4', '--commit', 'abc123def456', '--request-id', 'deploy-42'],
      1,
    )
    expect(error).toMatch(
      new RegExp(
        `INVALID_INPUT: request id "deploy-42" was first used for CreateRelease of release ${id} \\(recorded [^)]+\\), with .*this call gives version "v1\\.2\\.4"`,
      ),
    )
    expect(defaultStore(directory).logLines()).toHaveLength(lines)
  })

  it('phase and recover take it too: a retry records nothing, exit 0', async () => {
    const directory = tempDir()
    const id = (await ok(directory, ['create', '--env', 'prod', '--version', 'v1', '--quiet'])).trim()
    await ok(directory, ['phase', id, 'build', 'running', '--request-id', 'build-1'])
    await ok(directory, ['phase', id, 'build', 'completed'])
    const lines = defaultStore(directory).logLines().length
    expect(await ok(directory, ['phase', id, 'build', 'running', '--request-id', 'build-1'])).toBe(
      `${id}: build is already completed; nothing recorded\n`,
    )
    expect(await fails(directory, ['phase', id, 'build', 'failed', '--request-id', 'build-1'], 1)).toMatch(
      /INVALID_INPUT: request id "build-1" was first used for UpdatePhase/,
    )
    await ok(directory, ['recover', id, '--reason', 'runner killed', '--request-id', 'recover-1'])
    const recovered = defaultStore(directory).logLines().length
    expect(recovered).toBeGreaterThan(lines)
    await ok(directory, ['recover', id, '--reason', 'runner killed', '--request-id', 'recover-1'])
    expect(defaultStore(directory).logLines()).toHaveLength(recovered)
  })

  it('an id that is not 1 to 200 characters of text is INVALID_INPUT, exit 1', async () => {
    const directory = tempDir()
    expect(
      await fails(directory, ['create', '--env', 'prod', '--version', 'v1', '--request-id', 'x'.repeat(201)], 1),
    ).toMatch(/INVALID_INPUT: request id "x+"\.\.\. is 201 characters long; the limit is 200/)
    expect(await fails(directory, ['create', '--env', 'prod', '--version', 'v1', '--request-id', ' '], 1)).toMatch(
      /INVALID_INPUT: request id is empty/,
    )
  })
})
