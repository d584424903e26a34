/** The version the library records in its events is the package's. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { MODULE_VERSION } from '../../src/app/version.js'
import { ROOT } from '../cli/support.js'

test('MODULE_VERSION is the version in package.json', () => {
  expect(MODULE_VERSION).toBe(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  )
})
