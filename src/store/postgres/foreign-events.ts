/**
 * Finding, in SQL, the first event this version cannot interpret (of a type it does not know, or of another envelope
 * version: every line it writes starts `{"v":1,`), without reading every row: a partial index holds the rows not of
 * 0.3.0's types, empty unless a newer version appended some, so the question costs one index probe. A later version
 * that knows more types asks for a subset of those rows, which PostgreSQL proves and still answers from this index.
 */
import { EVENT_SCHEMA_VERSION, EVENT_TYPES } from '../../domain/events.js'

/** The event types of 0.3.0, when migration 5 made the index. Frozen: a migration never changes. */
const INDEXED_TYPES = ['PhaseUpdated', 'ReleaseCreated', 'SnapshotImported', 'SnapshotReconciled'] as const

const predicateOf = (types: ReadonlyArray<string>): string =>
  `(type NOT IN (${[...types]
    .sort()
    .map((type) => `'${type}'`)
    .join(', ')}) OR line NOT LIKE '{"v":${EVENT_SCHEMA_VERSION},%')`

/**
 * The index of migration 5 on `events` (made in the table's schema): the rows a reader of 0.3.0's event types cannot
 * interpret.
 */
export const foreignEventsIndex = (events: string): string =>
  `CREATE INDEX events_not_0_3 ON ${events} (position) WHERE ${predicateOf(INDEXED_TYPES)}`

/**
 * The position of the first event up to `upTo` (an SQL expression) that this version cannot interpret, as text, or
 * NULL. Served by the index as long as this version knows every type 0.3.0 knew (test/store/postgres-migrations.test.ts
 * checks the plan).
 */
export const firstForeignEvent = (events: string, upTo: string): string =>
  `(SELECT min(position) FROM ${events} WHERE position <= ${upTo} AND ${predicateOf(EVENT_TYPES)})::text`
