/**
 * The keys of seals: Ed25519 in PEM (a PKCS#8 private key, an SPKI public key), made by `keygen` or OpenSSL, read and
 * checked here, with Node's own crypto. A key that cannot be used is one `INVALID_INPUT` naming where it came from.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import {
  type Ed25519Signature,
  type HeadSealed,
  SEAL_ALGORITHM,
  type SealedFields,
  sealedBytes,
  type Sha256Hex,
} from '../domain/seal.js'
import { kindOf } from '../domain/show.js'
import { StateError } from '../domain/state-error.js'

/** A key as a caller gives it: PEM text, a `KeyObject`, or a file holding PEM. */
export type SealKeyInput = string | KeyObject | { readonly file: string }

/** The `seal` option of a manager: seal with this key whenever a release reaches a final overall status. */
export interface AutoSealOptions {
  readonly key: SealKeyInput
}

/** A private key ready to sign seals. */
export interface SigningKey {
  readonly key: KeyObject
  readonly keyId: Sha256Hex
  /** Where it came from, for messages: a file, or "the key given". */
  readonly source: string
}

/** A public key a seal may be checked against. */
export interface TrustedKey {
  readonly key: KeyObject
  readonly keyId: Sha256Hex
  readonly source: string
}

const refused = (message: string): StateError => new StateError('INVALID_INPUT', message)

/**
 * The id of a key: the SHA-256 of its public key's SubjectPublicKeyInfo DER, in hex; what
 * `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum` prints.
 */
export const keyIdOf = (publicKey: KeyObject): Sha256Hex =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex') as Sha256Hex

const sourceOf = (input: SealKeyInput): string =>
  typeof input === 'object' && 'file' in input ? input.file : 'the key given'

// The PEM text of a key from a file or a string; a KeyObject is used as it is.
const pemOf = (input: SealKeyInput, what: string): E.Either<StateError, string | KeyObject> => {
  if (typeof input === 'string') return E.right(input)
  if (typeof input === 'object' && input !== null && 'file' in input) {
    try {
      return E.right(readFileSync(input.file, 'utf8'))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a directory'
              : String(code)
      return E.left(refused(`${input.file}: the ${what} cannot be read (${why})`))
    }
  }
  if (typeof input === 'object' && input !== null && 'asymmetricKeyType' in input) return E.right(input)
  return E.left(refused(`the ${what} must be PEM text, a KeyObject or { file }, not ${kindOf(input)}`))
}

const isEd25519 = (key: KeyObject): boolean => key.asymmetricKeyType === SEAL_ALGORITHM

/** The private key of `input`: refused, naming it, unless it is an Ed25519 private key. */
export const signingKey = (input: SealKeyInput): E.Either<StateError, SigningKey> => {
  const source = sourceOf(input)
  const what = 'seal key (an Ed25519 private key in PEM)'
  return E.flatMap(pemOf(input, what), (pem) => {
    let key: KeyObject
    try {
      key = typeof pem === 'string' ? createPrivateKey(pem) : pem
    } catch {
      const hint =
        typeof pem === 'string' && pem.includes('PUBLIC KEY')
          ? ': it is a public key; seal with the private key, and give the public one to verify --trust'
          : ': it is not a private key in PEM (make one with stagecraft-state keygen)'
      return E.left(refused(`${source}: not a usable ${what}${hint}`))
    }
    if (key.type !== 'private')
      return E.left(refused(`${source}: not a usable ${what}: it is a ${key.type} key; seal with the private key`))
    if (!isEd25519(key))
      return E.left(
        refused(`${source}: not a usable ${what}: it is an ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`),
      )
    return E.right({ key, keyId: keyIdOf(createPublicKey(key)), source })
  })
}

/** The public key of `input` (a private key gives its public half): refused, naming it, unless Ed25519. */
export const trustedKey = (input: SealKeyInput): E.Either<StateError, TrustedKey> => {
  const source = sourceOf(input)
  const what = 'trusted key (an Ed25519 public key in PEM)'
  return E.flatMap(pemOf(input, what), (pem) => {
    let key: KeyObject
    try {
      key = typeof pem === 'string' ? createPublicKey(pem) : pem.type === 'private' ? createPublicKey(pem) : pem
    } catch {
      return E.left(refused(`${source}: not a usable ${what}: it is not a key in PEM`))
    }
    if (key.type === 'secret' || !isEd25519(key))
      return E.left(
        refused(`${source}: not a usable ${what}: it is an ${key.asymmetricKeyType ?? key.type} key, not Ed25519`),
      )
    return E.right({ key, keyId: keyIdOf(key), source })
  })
}

/** Signs the fields of a seal. */
export const signSeal = (fields: SealedFields, key: SigningKey): HeadSealed => ({
  ...fields,
  signature: sign(null, Buffer.from(sealedBytes(fields), 'utf8'), key.key).toString('base64') as Ed25519Signature,
})

/** Whether a seal's signature is the key's over its fields. */
export const sealSignedBy = (seal: HeadSealed, key: TrustedKey): boolean => {
  const { signature, ...fields } = seal
  return verify(null, Buffer.from(sealedBytes(fields), 'utf8'), key.key, Buffer.from(signature, 'base64'))
}

/** A new Ed25519 key pair: the private key as PKCS#8 PEM, the public key as SPKI PEM, and its id. */
export const generateSealKeys = (): {
  readonly privatePem: string
  readonly publicPem: string
  readonly keyId: string
} => {
  const { privateKey, publicKey } = generateKeyPairSync(SEAL_ALGORITHM)
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    keyId: keyIdOf(publicKey),
  }
}
