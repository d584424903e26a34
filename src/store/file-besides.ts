/**
 * What `verify` checks of the files the file store keeps beside its log: that `releases.json` is
 * the projection of the log (or a file an interrupted write left, or one changed outside), and that
 * the checkpoint holds exactly what a full replay holds at its position.
 */
import { promises as fs } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { decodeSnapshotBytes } from '../domain/snapshot.js'
import type { StateError } from '../errors.js'
import { attempt } from './attempt.js'
import { decodeCheckpoint } from './checkpoint-format.js'
import { checkpointState } from './checkpoint-state.js'
import { lineHashBefore, LOG_ORIGIN } from './event-log.js'
import type { Besides, CheckpointCheck, Loaded, StoreProblem } from './event-store.js'
import type { Read } from './fold.js'
import type { StorePaths } from './paths.js'
import { prefixHashes } from './prefix-hash.js'
import { readFileIfThere, readSnapshotFile } from './snapshot-file.js'
import { decodeSnapshotRecord, type SnapshotRecord } from './snapshot-record.js'
import { type Differences, differencesOf, standingOf } from './snapshot-standing.js'
import { stateDifferences } from './state-differences.js'

const errorAt = (location: string, message: string): StoreProblem => ({ severity: 'error', location, message })

const checkpointCheck = (paths: StorePaths): TE.TaskEither<StateError, CheckpointCheck> =>
  attempt('read the checkpoint', paths.checkpoint, async () => {
    const bytes = await readFileIfThere(paths.checkpoint)
    if (bytes === undefined) return E.right({ problems: [] })
    const decoded = decodeCheckpoint(bytes)
    const notUsed = (why: string): CheckpointCheck => ({ problems: [{ severity: 'warning', location: paths.checkpoint, message: `not used: ${why}; readers replay the whole log until the next write replaces it` }] })
    if (E.isLeft(decoded)) return E.right(notUsed(decoded.left))
    const file = decoded.right
    const { position, offset, hash } = file.header
    const size = (await fs.stat(paths.eventLog).catch(() => undefined))?.size ?? 0
    if (offset > size) {
      return E.right({ problems: [errorAt(paths.checkpoint, `was taken after event ${position} at byte ${offset}, but ${paths.eventLog} is ${size} bytes long: the log lost its end (restore it from a backup; if an older log was restored on purpose, delete the checkpoint)`)] })
    }
    if ((await lineHashBefore(paths.eventLog, offset)) !== hash) return E.right(notUsed(`it was taken from another log (the log's line before byte ${offset} is not the one it was taken after)`))
    return E.right({
      problems: [],
      compare: {
        position,
        with: (replayed: Loaded): ReadonlyArray<StoreProblem> => {
          try {
            const kept = { state: checkpointState(file, paths.checkpoint), cursor: replayed.cursor, lastRecordedAt: file.header.lastRecordedAt ?? undefined }
            const differences = stateDifferences(kept, replayed)
            if (differences.length === 0) return []
            return [errorAt(paths.checkpoint, `differs from a replay of the log up to event ${position} at ${differences.join(', ')}: readers would answer from it wrongly; delete it (it is only a cache) and the next write writes a correct one`)]
          } catch (error) {
            return [errorAt(paths.checkpoint, error instanceof Error ? error.message : String(error))]
          }
        },
      },
    })
  })

/** A refusal to read a snapshot, placed as `file:line` when it names a line, like every other problem. */
const unreadableAt = (snapshotPath: string, message: string): StoreProblem => {
  if (!message.startsWith(snapshotPath)) return errorAt(snapshotPath, message)
  const rest = message.slice(snapshotPath.length)
  const placed = /^:(\d+)(?::\d+)?:\s*/.exec(rest)
  return placed === null ? errorAt(snapshotPath, rest.replace(/^:\s*/, '')) : errorAt(`${snapshotPath}:${placed[1] as string}`, rest.slice(placed[0].length))
}

const differsMessage = ({ named, onlyInSnapshot }: Differences): string =>
  `differs from the projection of the event log at ${named}: the two files disagree, and either may have been changed outside stagecraft-state ` +
  `(this file, or the last line of the log, which the hash chain cannot show). ` +
  (onlyInSnapshot > 0
    ? `${onlyInSnapshot === 1 ? 'One release is' : `${onlyInSnapshot} releases are`} in this file and in no event of the log: if the log lost its end, "reconcile --restore" would drop ${onlyInSnapshot === 1 ? 'it' : 'them'}; compare the log with a backup (and the chain head verify printed before) first. `
    : '') +
  'If this file was changed, run reconcile; if the log was, restore it from a backup'

/** The record of the last write, when it reads whole and is not ahead of the replay. */
const recordFor = async (paths: StorePaths, replayed: Loaded): Promise<SnapshotRecord | undefined> => {
  try {
    const bytes = await readFileIfThere(paths.snapshotRecord)
    const decoded = bytes === undefined ? undefined : decodeSnapshotRecord(bytes)
    if (decoded === undefined || E.isLeft(decoded) || decoded.right.position > replayed.cursor.position) return undefined
    const record = decoded.right
    return (await lineHashBefore(paths.eventLog, record.offset)) === record.hash ? record : undefined
  } catch {
    return undefined // judged without it
  }
}

const snapshotCheck = (paths: StorePaths, read: Read) => (replayed: Loaded) => {
  const path = paths.stateFile
  const at = (message: string, severity: StoreProblem['severity'] = 'error'): StoreProblem[] => [{ severity, location: path, message }]
  const events = replayed.cursor.position
  return pipe(
    readSnapshotFile(path),
    TE.chain((file) => {
      if (file === undefined) return TE.right(events === 0 ? [] : at('missing: it is not the projection of the event log; the next write regenerates it'))
      if (events === 0) {
        const decoded = decodeSnapshotBytes(file.bytes, path)
        return TE.right(E.isLeft(decoded) ? [unreadableAt(path, decoded.left.message)] : at('has no event log yet: it becomes the start of the history on the first write (or with import)', 'warning'))
      }
      return pipe(
        TE.fromTask(() => recordFor(paths, replayed)),
        TE.chain((record) =>
          standingOf({ path, bytes: file.bytes, sha256: prefixHashes(file.bytes).sha256, record, state: replayed.state, position: events, read, origin: LOG_ORIGIN, skipDamaged: true }),
        ),
        TE.map((standing): StoreProblem[] => {
          switch (standing.kind) {
            case 'current':
              return []
            case 'empty':
              return at('empty (left so by a crash): it is not the projection of the event log; the next write regenerates it')
            case 'behind':
              return at('is behind the event log (it holds what an earlier write left, byte for byte: a write was interrupted before the snapshot was replaced); the next write regenerates it')
            case 'differs':
              return at(differsMessage(differencesOf(replayed.state, standing.snapshot)))
            case 'unreadable':
              return [unreadableAt(path, standing.error.message)]
          }
        }),
      )
    }),
  )
}

/** What verify checks beside the log of the file store at `paths`. */
export const fileBesides = (paths: StorePaths, read: Read): Besides => ({ checkpoint: () => checkpointCheck(paths), snapshot: snapshotCheck(paths, read) })
