/** Strict UTF-8: a byte of `releases.json` that is not UTF-8 is damage to report, never a U+FFFD a write would keep. */
import * as E from 'fp-ts/lib/Either.js'
import { corruptState, type DomainError } from './errors.js'

// ignoreBOM keeps a byte order mark as U+FEFF, which JSON refuses, as the Go Stagecraft does.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Where the first ill-formed sequence of `bytes` starts, by the Encoding Standard's rules; `undefined` when none. */
export const firstInvalidUtf8 = (bytes: Uint8Array): number | undefined => {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i] as number
    if (lead < 0x80) {
      i++
      continue
    }
    // How many continuation bytes follow, and the range of the first (the others: 0x80 to 0xBF).
    const [follow, low, high] =
      lead >= 0xc2 && lead <= 0xdf
        ? [1, 0x80, 0xbf]
        : lead === 0xe0
          ? [2, 0xa0, 0xbf]
          : lead === 0xed
            ? [2, 0x80, 0x9f]
            : lead >= 0xe1 && lead <= 0xef
              ? [2, 0x80, 0xbf]
              : lead === 0xf0
                ? [3, 0x90, 0xbf]
                : lead === 0xf4
                  ? [3, 0x80, 0x8f]
                  : lead >= 0xf1 && lead <= 0xf3
                    ? [3, 0x80, 0xbf]
                    : [0, 0, 0]
    if (follow === 0) return i
    for (let k = 1; k <= follow; k++) {
      const next = bytes[i + k]
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i
    }
    i += follow + 1
  }
  return undefined
}

/** The text of a file's bytes, or `CORRUPT_STATE` naming the file, line and offset of the first byte not UTF-8. */
export const decodeUtf8 = (bytes: Uint8Array, file: string): E.Either<DomainError, string> => {
  try {
    return E.right(strict.decode(bytes))
  } catch {
    const offset = firstInvalidUtf8(bytes) ?? 0
    let line = 1
    for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++
    const shown = Array.from(bytes.subarray(offset, offset + 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ')
    return E.left(
      corruptState(
        `${file}:${line}: not valid UTF-8 at byte offset ${offset} (bytes ${shown}): it cannot be read as ` +
          'text without replacing bytes, which the next write would lose',
      ),
    )
  }
}
