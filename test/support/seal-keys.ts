/** Seal keys for tests: a key pair written to files in a fresh directory, and the errors of a verify report. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSealKeys } from '../../src/app/seal-keys.js'
import { tempDir } from './temp.js'

/** A key pair written to files in a fresh directory: `private` (PKCS#8 PEM) and `public` (SPKI PEM). */
export const keyFiles = () => {
  const dir = tempDir()
  const keys = generateSealKeys()
  const files = { private: join(dir, 'seal.pem'), public: join(dir, 'seal.pem.pub') }
  writeFileSync(files.private, keys.privatePem)
  writeFileSync(files.public, keys.publicPem)
  return { ...files, keyId: keys.keyId, pem: keys }
}

/** The errors of a verify report. */
export const errors = (report: { problems: ReadonlyArray<{ severity: string; location: string; message: string }> }) =>
  report.problems.filter((p) => p.severity === 'error')
