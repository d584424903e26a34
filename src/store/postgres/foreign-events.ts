/**
 * Finding in SQL the first event this version cannot interpret, without reading every row: a partial index holds the
 * rows not of 0.3.0's types (empty unless a newer version appended some), so it costs one index probe.
 */
import { EVENT_SCHEMA_VERSION, EVENT_TYPES } from '../../domain/events.js'

/** The event types of 0.3.0, when migration 5 made the index. Frozen: a migration never changes. */
const INDEXED_TYPES = ['PhaseUpdated', 'ReleaseCreated', 'SnapshotImported', 'SnapshotReconciled'] as const

const predicateOf = (types: ReadonlyArray<string>): string =>
  `(type NOT IN (${[...types]
    .sort()
    .map((type) => `'${type}'`)
    .join(', ')}) OR line NOT LIKE '{"v":${EVENT_SCHEMA_VERSION},%')`

/** The index of migration 5 on `events`: the rows a reader of 0.3.0's event types cannot interpret. */
export const foreignEventsIndex = (events: string): string =>
  `CREATE INDEX events_not_0_3 ON ${events} (position) WHERE ${predicateOf(INDEXED_TYPES)}`

/**
 * The position of the first event up to `upTo` (SQL) this version cannot interpret, as text, or NULL; served by the
 * index while this version knows every 0.3.0 type (test/store/postgres-migrations.test.ts checks the plan).
 */
export const firstForeignEvent = (events: string, upTo: string): string =>
  `(SELECT min(position) FROM ${events} WHERE position <= ${upTo} AND ${predicateOf(EVENT_TYPES)})::text`
