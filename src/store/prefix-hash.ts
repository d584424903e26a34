/**
 * The SHA-256 of a file rewritten by splicing, without hashing all of it: writes mostly change the end, so the hash's
 * state is kept every {@link BLOCK} bytes and continued from the last one before the first changed byte.
 */
import { createHash, type Hash } from 'node:crypto'

const BLOCK = 64 * 1024

/** The SHA-256 of some bytes, and the hash's state after each whole block of them. */
export interface PrefixHashes {
  readonly sha256: string
  /** `states[i]` has read the first `i * BLOCK` bytes; never updated (copied to be continued). */
  readonly states: ReadonlyArray<Hash>
}

/** The SHA-256 of `bytes`, continued from `previous` (an earlier version's, the same for `unchanged` bytes). */
export const prefixHashes = (
  bytes: Uint8Array,
  previous?: { readonly hashes: PrefixHashes; readonly unchanged: number },
): PrefixHashes => {
  const kept =
    previous === undefined ? 0 : Math.min(Math.floor(previous.unchanged / BLOCK), previous.hashes.states.length - 1)
  const states: Hash[] = previous === undefined ? [createHash('sha256')] : previous.hashes.states.slice(0, kept + 1)
  const hash = (states[kept] as Hash).copy()
  for (let at = kept * BLOCK; at < bytes.length; at += BLOCK) {
    const end = Math.min(at + BLOCK, bytes.length)
    hash.update(bytes.subarray(at, end))
    if (end - at === BLOCK) states.push(hash.copy())
  }
  return { sha256: hash.digest('hex'), states }
}
