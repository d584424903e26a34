/**
 * Seals: a `HeadSealed` event records the head of the log (its last event's position and the SHA-256 of that event's
 * line) signed with an Ed25519 key, so that a log rewritten after the seal, even with its hash chain recomputed, shows
 * (docs/audit.md). The domain knows the shape and the exact bytes signed; signing and checking are the app's.
 */
import * as t from 'io-ts'
import { Timestamp } from './timestamp.js'

const HEX_64 = /^[0-9a-f]{64}$/

export interface Sha256HexBrand {
  readonly Sha256Hex: unique symbol
}

/** A SHA-256 in lower-case hexadecimal (64 digits). */
export const Sha256Hex = t.brand(t.string, (s): s is t.Branded<string, Sha256HexBrand> => HEX_64.test(s), 'Sha256Hex')
export type Sha256Hex = t.TypeOf<typeof Sha256Hex>

export interface PositionBrand {
  readonly EventPosition: unique symbol
}

/** A 1-based position in the event stream (a line of the file log). */
export const EventPosition = t.brand(t.Int, (n): n is t.Branded<t.Int, PositionBrand> => n >= 1, 'EventPosition')
export type EventPosition = t.TypeOf<typeof EventPosition>

export interface SignatureBrand {
  readonly Ed25519Signature: unique symbol
}

/** An Ed25519 signature (64 bytes) in standard base64 with padding: 88 characters. */
export const Ed25519Signature = t.brand(
  t.string,
  (s): s is t.Branded<string, SignatureBrand> => /^[A-Za-z0-9+/]{86}==$/.test(s),
  'Ed25519Signature',
)
export type Ed25519Signature = t.TypeOf<typeof Ed25519Signature>

/** The only signature algorithm of seal version 1. */
export const SEAL_ALGORITHM = 'ed25519'

/** The head a seal covers: the last event before the seal, and the SHA-256 of its line. */
export const SealedHead = t.type({ position: EventPosition, sha256: Sha256Hex }, 'SealedHead')
export interface SealedHead extends t.TypeOf<typeof SealedHead> {}

/**
 * The head of the log was sealed: `head` is the event right before this one; `keyId` the SHA-256 of the signing key's
 * public key (its SubjectPublicKeyInfo DER); `signature` covers {@link sealedBytes} of the other fields.
 */
export const HeadSealed = t.type(
  {
    head: SealedHead,
    sealedAt: Timestamp,
    keyId: Sha256Hex,
    algorithm: t.literal(SEAL_ALGORITHM),
    signature: Ed25519Signature,
  },
  'HeadSealed',
)
export interface HeadSealed extends t.TypeOf<typeof HeadSealed> {}

/** What a seal signs: every field of {@link HeadSealed} but the signature. */
export type SealedFields = Omit<HeadSealed, 'signature'>

/** The first line of the signed bytes: no signature over other data (or another version's) can pass for a seal. */
export const SEAL_DOMAIN = 'stagecraft-state seal v1'

/**
 * The exact bytes a seal's signature covers, UTF-8 (all ASCII, since every field is checked by its codec): the domain
 * line, then one `name: value` line per field in this order, each ending with a newline (docs/audit.md).
 */
export const sealedBytes = (fields: SealedFields): string =>
  [
    SEAL_DOMAIN,
    `position: ${fields.head.position}`,
    `sha256: ${fields.head.sha256}`,
    `sealedAt: ${fields.sealedAt}`,
    `keyId: ${fields.keyId}`,
    `algorithm: ${fields.algorithm}`,
    '',
  ].join('\n')
