/**
 * `migrate` between two file stores, through the CLI: no database needed, so the option itself
 * (`--batch`) is checked on every machine. What migrate does inside is another suite's business;
 * this holds it to what docs/cli.md promises: every line and hash unchanged, both sides sound.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commandNamed } from '../../src/cli/commands/index.js'
import { fails, ok, storeFiles, tempDir } from './support.js'

const hasBatch = commandNamed('migrate')?.options?.['batch'] !== undefined

/** A file store of a few releases made through the CLI, more events than one batch. */
const sourceStore = async (): Promise<{ directory: string; source: string }> => {
  const directory = tempDir()
  const source = join(directory, 'from', 'releases.json')
  for (const version of ['v1', 'v2', 'v3']) {
    const id = (await ok(directory, ['--state-file', source, 'create', '--env', 'prod', '--version', version, '-q'])).trim()
    await ok(directory, ['--state-file', source, 'phase', id, 'build', 'running'])
  }
  return { directory, source }
}

describe.runIf(hasBatch)('migrate --batch', () => {
  it.each(['1', '2', '500'])('--batch %s copies every line and hash unchanged, and both sides verify', async (batch) => {
    const { directory, source } = await sourceStore()
    const target = join(directory, 'to', 'releases.json')
    const out = await ok(directory, ['migrate', '--from', source, '--to', target, '--batch', batch])
    expect(out).toMatch(/^moved 6 events from /)
    expect(storeFiles(target).logLines()).toEqual(storeFiles(source).logLines())
    expect(storeFiles(target).snapshot()).toBe(storeFiles(source).snapshot())
    expect(await ok(directory, ['--state-file', target, 'verify'])).toMatch(/^sound: 6 events, 3 releases/)
  })

  it.each([
    ['0', /--batch "0" is not a whole number of 1 or more/],
    ['ten', /--batch "ten" is not a whole number/],
  ])('--batch %s is a usage error, and nothing is written', async (batch, message) => {
    const { directory, source } = await sourceStore()
    const target = join(directory, 'to', 'releases.json')
    expect(await fails(directory, ['migrate', '--from', source, '--to', target, '--batch', batch], 2)).toMatch(message)
    expect(storeFiles(target).exists()).toBe(false)
  })
})
