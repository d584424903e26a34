/* eslint-disable max-len -- a released migration's SQL stays byte for byte as it was applied */
/**
 * The store's tables, created and upgraded by the module itself: numbered migrations, each applied
 * once, in order, in one transaction with its row in `schema_migrations`, under a lock so that
 * processes starting together do not race. A schema already at the version this module knows
 * costs two small queries and no DDL, so roles without the right to create tables can use it.
 */
import type pg from 'pg'
import { StateError } from '../../domain/state-error.js'
import type { PostgresConfig } from './config.js'
import { SQLSTATE_APPEND_ONLY, SQLSTATE_BROKEN_CHAIN } from './errors.js'
import { foreignEventsIndex } from './foreign-events.js'
import { buildProjection, projectionTables } from './projection-table.js'
import { requestTables } from './requests-table.js'
import { SCHEMA_VERSION, tooNew } from './version.js'

export { SCHEMA_VERSION, tooNew } from './version.js'

interface Migration {
  readonly version: number
  readonly description: string
  readonly statements: (config: PostgresConfig) => ReadonlyArray<string>
  /** Fills what the statements made from what the schema holds, in the same transaction. */
  readonly fill?: (client: pg.ClientBase, config: PostgresConfig) => Promise<void>
}

const GENESIS = `repeat('0', 64)`

/**
 * Version 1: the events table and its guards.
 * - `position` is assigned by the writer holding the lock: gapless, 1, 2, 3, ...
 * - `line` is the exact text the hash covers (`encodeLogLine`), so the chain is the file log's;
 *   `id`, `type`, `recorded_at` and the `meta` fields are copies for people querying in SQL.
 * - The insert trigger refuses a row that does not continue the history (its position, its
 *   `prev`, the hash of its line): even a writer that bypasses the lock cannot fork the chain.
 * - Updates, deletes and truncation are refused: the history is append-only.
 */
const createEvents: Migration = {
  version: 1,
  description: 'events table: gapless position, the canonical line and its hash chain, append-only',
  statements: ({ events, quotedSchema: s }) => [
    `CREATE TABLE ${events} (
      position bigint PRIMARY KEY CHECK (position > 0),
      id text NOT NULL,
      type text NOT NULL,
      recorded_at text NOT NULL,
      actor text NOT NULL,
      host text NOT NULL,
      command text NOT NULL,
      prev text NOT NULL CHECK (prev ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      line text NOT NULL,
      stored_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
    `COMMENT ON TABLE ${events} IS 'stagecraft-state release history: append-only; line is the canonical event text, hash its SHA-256, prev the hash of the event before (64 zeros for the first)'`,
    `CREATE FUNCTION ${s}.events_continue_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        last_position bigint;
        last_hash text;
      BEGIN
        SELECT e.position, e.hash INTO last_position, last_hash FROM ${events} e ORDER BY e.position DESC LIMIT 1;
        IF NEW.position <> COALESCE(last_position, 0) + 1 OR NEW.prev <> COALESCE(last_hash, ${GENESIS}) THEN
          RAISE EXCEPTION USING ERRCODE = '${SQLSTATE_BROKEN_CHAIN}',
            MESSAGE = format('event %s does not continue the history, whose last event is %s: another writer appended without the lock, or the writer read a stale end', NEW.position, COALESCE(last_position, 0));
        END IF;
        IF NEW.hash <> encode(sha256(convert_to(NEW.line, 'UTF8')), 'hex') THEN
          RAISE EXCEPTION USING ERRCODE = '${SQLSTATE_BROKEN_CHAIN}', MESSAGE = format('event %s: hash is not the SHA-256 of its line', NEW.position);
        END IF;
        RETURN NEW;
      END
    $fn$`,
    `CREATE TRIGGER events_continue_chain BEFORE INSERT ON ${events} FOR EACH ROW EXECUTE FUNCTION ${s}.events_continue_chain()`,
    `CREATE FUNCTION ${s}.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = '${SQLSTATE_APPEND_ONLY}',
          MESSAGE = format('%I.%I is append-only: %s is refused (release history is an audit trail; see docs/postgres.md, Retention)', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP);
      END
    $fn$`,
    `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${events} FOR EACH ROW EXECUTE FUNCTION ${s}.events_append_only()`,
    `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${events} FOR EACH STATEMENT EXECUTE FUNCTION ${s}.events_append_only()`,
    // For people and tools querying the history in SQL; the module itself reads `line`.
    `CREATE VIEW ${s}.events_json AS
      SELECT position, id, type, recorded_at, stored_at, (line::jsonb) -> 'meta' AS meta, (line::jsonb) -> 'data' AS data, prev, hash
      FROM ${events}`,
  ],
}

/**
 * Version 2: the projection (projection-table.ts), built from the events already there by a
 * replay, so that a process opening the store reads it instead of replaying every event.
 */
const createProjection: Migration = {
  version: 2,
  description:
    'projection tables: a row per release and per environment, and where it stands; changed with every append',
  statements: (config) => projectionTables(config),
  fill: buildProjection,
}

// The pattern and its replacement, dollar-quoted so that no server setting reads their backslashes.
const LONE_OR_NUL_ESCAPE = String.raw`$re$(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})$re$`
const REPLACEMENT = String.raw`$re$\1\\ufffd$re$`
const ESCAPE_START = String.raw`$re$\u$re$`

/**
 * Version 3: `events_json` that no stored value can break. A line is JSON.stringify's text, which
 * writes a lone surrogate (from an imported file) as `\ud800` and NUL as `\u0000`, escapes jsonb
 * refuses: one such line made every query of the view fail. The view shows U+FFFD for them; the
 * line keeps the exact text. JSON.stringify writes a surrogate pair as its character, never
 * escaped, so every `\ud800` to `\udfff` escape in a line is a lone one. Only lines holding `\u`
 * pay for the pattern; `(?<!\\)(\\\\)*` makes sure the backslash starts an escape.
 */

const safeEventsJson: Migration = {
  version: 3,
  description: 'events_json: a lone surrogate or NUL in a line shows as U+FFFD instead of failing the view',
  statements: ({ events, quotedSchema: s }) => [
    `CREATE OR REPLACE VIEW ${s}.events_json AS
      SELECT position, id, type, recorded_at, stored_at, doc -> 'meta' AS meta, doc -> 'data' AS data, prev, hash
      FROM (
        SELECT e.*, (CASE WHEN strpos(e.line, ${ESCAPE_START}) = 0 THEN e.line
          ELSE regexp_replace(e.line, ${LONE_OR_NUL_ESCAPE}, ${REPLACEMENT}, 'g') END)::jsonb AS doc
        FROM ${events} e
      ) AS lines`,
  ],
}

/**
 * Version 4: the request ids (requests-table.ts). Empty when made: the events of a schema at
 * version 3 or before were appended by builds that knew no request id, so none holds one.
 */
const createRequests: Migration = {
  version: 4,
  description: 'requests table: the first use of every request id (idempotency key), changed with every append',
  statements: (config) => requestTables(config),
}

/**
 * Version 5: an index of the events 0.3.0 cannot interpret (foreign-events.ts), empty unless a
 * newer version appended some, so that opening the store finds them without reading every event.
 */
const indexForeignEvents: Migration = {
  version: 5,
  description: 'events_not_0_3: an index of the events this version cannot interpret, for a cheap check on open',
  statements: ({ events }) => [foreignEventsIndex(events)],
}

/**
 * Version 6: the projection rebuilt from the events, since 0.5.0 keeps more of each release in it (the phases a
 * recovery closed, what a release superseded, whether a command last changed it). A row without them would answer
 * otherwise than a replay, and verify would call it wrong.
 */
const rebuildForFacts: Migration = {
  version: 6,
  description:
    'projection rebuilt: each release with the phases a recovery closed, what it superseded, what changed it',
  statements: ({ releases, environments, projection }) => [
    `DELETE FROM ${releases}`,
    `DELETE FROM ${environments}`,
    `DELETE FROM ${projection}`,
  ],
  fill: buildProjection,
}

/** Every migration, in order. Append new ones; never edit a released one. */
export const MIGRATIONS: ReadonlyArray<Migration> = [
  createEvents,
  createProjection,
  safeEventsJson,
  createRequests,
  indexForeignEvents,
  rebuildForFacts,
]

// The version readers check is declared apart (version.ts), so that they need not load the migrations.
if (MIGRATIONS.length !== SCHEMA_VERSION)
  throw new Error(`SCHEMA_VERSION is ${SCHEMA_VERSION}, but there are ${MIGRATIONS.length} migrations`)

/** PostgreSQL 11 brought `sha256()` and `EXECUTE FUNCTION`. */
const MIN_SERVER_VERSION = 110000

/** The version of the schema as recorded, `0` when it has no migrations table (a new schema, or none). */
export const recordedVersion = async (client: pg.ClientBase, config: PostgresConfig): Promise<number> => {
  const present = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    config.migrations,
  ])
  if (present.rows[0]?.present !== true) return 0
  const result = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${config.migrations}`,
  )
  return result.rows[0]?.version ?? 0
}

const checkServer = async (client: pg.ClientBase, config: PostgresConfig): Promise<void> => {
  const result = await client.query<{ version: string; encoding: string }>(
    `SELECT current_setting('server_version_num') AS version, current_setting('server_encoding') AS encoding`,
  )
  const row = result.rows[0]
  if (row === undefined || Number(row.version) < MIN_SERVER_VERSION) {
    throw new StateError(
      'DB_ERROR',
      `${config.server}: PostgreSQL 11 or newer is needed; the server is version ${row?.version ?? 'unknown'}`,
    )
  }
  // Event lines hold any Unicode text; a database that cannot store it would refuse appends later.
  if (row.encoding !== 'UTF8')
    throw new StateError(
      'DB_ERROR',
      `${config.server}: the database's encoding is ${row.encoding}; the store needs a UTF8 database`,
    )
}

/**
 * Brings the schema to {@link SCHEMA_VERSION}, creating it if needed; returns the version it was
 * at. Idempotent: concurrent callers wait for the first and then find nothing to do.
 */
export const migrate = async (client: pg.ClientBase, config: PostgresConfig): Promise<number> => {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...config.migrationLock])
    await checkServer(client, config)
    // Asked first: CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even when it exists.
    const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [config.schema])
    if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${config.quotedSchema}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${config.migrations} (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        applied_by text NOT NULL DEFAULT current_user
      )`,
    )
    const before = await recordedVersion(client, config)
    if (before > SCHEMA_VERSION) throw tooNew(config, before)
    for (const migration of MIGRATIONS.slice(before)) {
      for (const statement of migration.statements(config)) await client.query(statement)
      await migration.fill?.(client, config)
      await client.query(`INSERT INTO ${config.migrations} (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ])
    }
    await client.query('COMMIT')
    return before
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}
