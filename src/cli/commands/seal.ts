/**
 * `keygen` makes an Ed25519 key pair for seals; `seal` records the head of the store signed with the private key
 * (docs/audit.md). Neither prints a key: the private key stays in its file, readable by its owner only.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { StateError } from '../../index.js'
import { generateSealKeys } from '../../internals.js'
import { defineCommand, requiredOption, stringOption } from '../command.js'
import { EXIT } from '../usage.js'

// Created, never replaced: a key overwritten is a key lost, and every seal it made unverifiable.
const writeNew = (path: string, text: string, mode: number): void => {
  const fd = openSync(path, 'wx', mode)
  try {
    writeSync(fd, text)
  } finally {
    closeSync(fd)
  }
}

const refusedFile = (path: string, error: unknown): StateError => {
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'EEXIST'
      ? 'it exists already; keygen never replaces a key (every seal it made would become unverifiable)'
      : code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : String(code)
  return new StateError('INVALID_INPUT', `${path}: the key cannot be written: ${why}; nothing was written`)
}

export const keygen = defineCommand({
  parse: (args) =>
    pipe(
      requiredOption(args, 'out', 'keygen', 'FILE'),
      E.map((out) => ({ out })),
    ),
  ownStores: true,
  run: async (input, { out, cwd }) => {
    const privatePath = resolve(cwd ?? process.cwd(), input.out)
    const publicPath = `${privatePath}.pub`
    for (const path of [privatePath, publicPath])
      if (existsSync(path)) throw refusedFile(path, Object.assign(new Error(), { code: 'EEXIST' }))
    const keys = generateSealKeys()
    try {
      writeNew(privatePath, keys.privatePem, 0o600)
    } catch (error) {
      throw refusedFile(privatePath, error)
    }
    try {
      writeNew(publicPath, keys.publicPem, 0o644)
    } catch (error) {
      throw refusedFile(publicPath, error)
    }
    if (out.json) out.value({ private: privatePath, public: publicPath, keyId: keys.keyId })
    else
      out.lines([
        `private key: ${privatePath} (keep it with whoever seals; it is readable by you only)`,
        `public key:  ${publicPath} (give it to verify --trust)`,
        `key id:      ${keys.keyId}`,
      ])
    return EXIT.ok
  },
})

export const seal = defineCommand({
  parse: (args) => E.right({ key: stringOption(args, 'key') }),
  run: async (input, { manager, out, cwd }) => {
    const sealed = await manager.seal(
      input.key === undefined ? {} : { key: { file: resolve(cwd ?? process.cwd(), input.key) } },
    )
    if (out.json) out.value(sealed)
    else
      out.lines([
        `sealed event ${sealed.head.position} (sha256 ${sealed.head.sha256}) at ${sealed.sealedAt}`,
        `with key ${sealed.keyId}; the seal is event ${sealed.position}`,
      ])
    return EXIT.ok
  },
})
