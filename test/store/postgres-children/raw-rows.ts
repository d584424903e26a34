/**
 * Inserting rows into a PostgreSQL store's events table as another version of this module would:
 * each line chained to the one before, its columns taken from the line (the projection untouched).
 */
import { GENESIS_HASH, hashLine } from '../../../src/store/log-line.js'
import type { RawLine } from '../../support/raw-lines.js'
import { adminQuery } from './database.js'

/** Appends `lines` to the events of `schema`, chained. */
export const appendRows = async (schema: string, lines: ReadonlyArray<RawLine>): Promise<void> => {
  const last = (
    await adminQuery<{ position: string; hash: string }>(
      `SELECT position::text, hash FROM "${schema}".events ORDER BY position DESC LIMIT 1`,
    )
  ).rows[0]
  let position = Number(last?.position ?? 0)
  let prev = last?.hash ?? GENESIS_HASH
  for (const make of lines) {
    const line = make(prev)
    const json = JSON.parse(line) as {
      id?: string
      type?: string
      recordedAt?: string
      meta?: { actor?: string; host?: string; command?: string }
    }
    position += 1
    await adminQuery(
      `INSERT INTO "${schema}".events (position, id, type, recorded_at, actor, host, command, prev, hash, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        position,
        json.id ?? '',
        json.type ?? '',
        json.recordedAt ?? '',
        json.meta?.actor ?? '',
        json.meta?.host ?? '',
        json.meta?.command ?? '',
        prev,
        hashLine(line),
        line,
      ],
    )
    prev = hashLine(line)
  }
}
