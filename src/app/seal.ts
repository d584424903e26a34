/**
 * Sealing the head of a store: under the store's lock, the head at append time is signed and a `HeadSealed` appended
 * right after it, so no write can come between the head read and the seal (docs/audit.md).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventEnvelope } from '../domain/events.js'
import {
  type EventPosition,
  type HeadSealed,
  SEAL_ALGORITHM,
  type SealedFields,
  type Sha256Hex,
} from '../domain/seal.js'
import { StateError } from '../domain/state-error.js'
import type { EventStore, Loaded, Prepared, WriteSession } from '../store/index.js'
import { locked } from './handle.js'
import { envelopesOf, type Recorder, recordedAt } from './recorder.js'
import { signSeal, type SigningKey } from './seal-keys.js'
import type { ChainHead } from './verify.js'

/** What a seal recorded. */
export interface Sealed {
  /** The position of the `HeadSealed` event: the store's new head. */
  readonly position: number
  /** The head it seals: the event right before it, and the SHA-256 of its line. */
  readonly head: ChainHead
  /** The time signed (the event's `recordedAt`). */
  readonly sealedAt: string
  /** The signing key's id: the SHA-256 of its public key (SPKI DER), hex. */
  readonly keyId: string
}

/** A seal recorded, and the store after it. */
export interface SealWritten {
  readonly sealed: Sealed
  readonly after: Loaded
}

export const nothingToSeal = (store: EventStore): StateError =>
  new StateError(
    'INVALID_INPUT',
    `${store.description} holds no event yet: there is no head to seal (seal after the first write)`,
  )

// What the store would record first (an import, outside changes) is recorded by a write of its own before the seal:
// here, under the lock, it can only have arrived since, and the seal is refused rather than made over it.
const preparedPlain = (prepared: Prepared, store: EventStore): E.Either<StateError, Prepared> =>
  prepared.pending.length === 0
    ? E.right(prepared)
    : E.left(
        new StateError(
          'STATE_DRIFT',
          `${store.snapshotFile?.path ?? store.description} changed outside stagecraft-state while sealing; ` +
            'nothing was sealed: run seal again',
        ),
      )

const sealEnvelope = (
  loaded: Loaded,
  key: SigningKey,
  by: Recorder,
  nowMs: number,
): { readonly envelope: EventEnvelope; readonly seal: HeadSealed } => {
  const fields: SealedFields = {
    head: { position: loaded.cursor.position as EventPosition, sha256: loaded.cursor.hash as Sha256Hex },
    // The envelope's own time (never before the last event's), so the two agree.
    sealedAt: recordedAt(nowMs, loaded.lastRecordedAt),
    keyId: key.keyId,
    algorithm: SEAL_ALGORITHM,
  }
  const seal = signSeal(fields, key)
  const [envelope] = envelopesOf(by, [{ type: 'HeadSealed', data: seal }], nowMs, loaded.lastRecordedAt)
  return { envelope: envelope as EventEnvelope, seal }
}

const appendSeal = (
  store: EventStore,
  session: WriteSession,
  loaded: Loaded,
  key: SigningKey,
  by: Recorder,
  nowMs: number,
): TE.TaskEither<StateError, SealWritten> => {
  if (loaded.cursor.position === 0) return TE.left(nothingToSeal(store))
  return pipe(
    session.prepare(loaded, 'command'),
    TE.flatMapEither((prepared) => preparedPlain(prepared, store)),
    TE.flatMap((prepared) => {
      const { envelope, seal } = sealEnvelope(prepared.loaded, key, by, nowMs)
      return pipe(
        session.append(prepared, [envelope]),
        TE.map((after) => ({
          sealed: {
            position: after.cursor.position,
            head: { position: seal.head.position, sha256: seal.head.sha256 },
            sealedAt: seal.sealedAt,
            keyId: seal.keyId,
          },
          after,
        })),
      )
    }),
  )
}

/** Seals the head of `store` with `key` (checked by `signingKey`): the head under the lock is signed and appended. */
export const sealStore = (
  store: EventStore,
  from: Loaded,
  key: SigningKey,
  by: Recorder,
  nowMs: number,
): TE.TaskEither<StateError, SealWritten> =>
  locked(store, from, (session, loaded) => appendSeal(store, session, loaded, key, by, nowMs))
