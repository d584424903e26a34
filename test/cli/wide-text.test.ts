/**
 * Tables line up in terminal cells, not in characters: environments and versions with East Asian
 * wide characters, emoji and combining accents, created and shown through the CLI.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { ok, tempDir } from './support.js'

let directory = ''

// Widths in terminal cells: 生产 4, v1-日本語 9, 🚀v2 4, "cafe" + a combining acute accent 4.
const CAFE = 'cafe\u0301'

beforeAll(async () => {
  directory = tempDir()
  await ok(directory, ['create', '--env', '生产', '--version', 'v1-日本語'])
  await ok(directory, ['create', '--env', 'prod', '--version', '🚀v2'])
  await ok(directory, ['create', '--env', 'staging', '--version', CAFE])
})

const lines = async (...args: string[]): Promise<string[]> => (await ok(directory, args)).trimEnd().split('\n')

describe('wide and combining characters', () => {
  it('list pads each cell to the widest in cells: ENVIRONMENT 11 wide, VERSION 9 (v1-日本語)', async () => {
    const [header, ...rows] = await lines('list')
    expect(header).toMatch(/^ID {22}ENVIRONMENT {2}VERSION {4}COMMIT {2}CREATED +STATUS$/)
    expect(rows).toEqual([
      expect.stringMatching(/^rel-\d{8}-\d{9} {2}prod {9}🚀v2 {7}- {7}\S+ +pending$/),
      expect.stringMatching(new RegExp(`^rel-\\d{8}-\\d{9} {2}staging {6}${CAFE} {7}- {7}\\S+ +pending$`)),
      expect.stringMatching(/^rel-\d{8}-\d{9} {2}生产 {9}v1-日本語 {2}- {7}\S+ +pending$/),
    ])
  })

  it('history pads the CHANGE column to 18 cells (生产 v1-日本語 (-)), so ACTOR lines up', async () => {
    const [, ...rows] = await lines('history')
    expect(rows).toEqual([
      expect.stringMatching(/ {2}生产 v1-日本語 \(-\) {2}tester$/),
      expect.stringMatching(/ {2}prod 🚀v2 \(-\) {7}tester$/),
      expect.stringMatching(new RegExp(` {2}staging ${CAFE} \\(-\\) {4}tester$`)),
    ])
  })
})
