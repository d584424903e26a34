/** Whether a PostgreSQL store's schema exists, and which schemas hold a store when it does not. */
import type pg from 'pg'
import { editDistance } from '../edit-distance.js'
import type { Absence } from '../event-store.js'
import type { PostgresConfig } from './config.js'

/** The schema of the database holding a stagecraft-state store (its migrations table) named closest to `config`'s. */
const closestStore = async (client: pg.ClientBase, config: PostgresConfig): Promise<string | undefined> => {
  const result = await client.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables
      WHERE table_name = 'schema_migrations' AND table_schema <> $1 ORDER BY table_schema`,
    [config.schema],
  )
  // Every store is looked at (a database shared by many projects and test runs has hundreds): a name a few edits away
  // is probably the one meant; any other would be a guess.
  const [closest] = result.rows
    .map((row) => ({ schema: row.schema, distance: editDistance(row.schema, config.schema) }))
    .filter(({ distance }) => distance <= 3)
    .sort((a, b) => a.distance - b.distance)
  return closest?.schema
}

/** Why the schema holds no store, and the closest-named that does; called when the schema has no version recorded. */
export const schemaAbsence = async (client: pg.ClientBase, config: PostgresConfig): Promise<Absence> => {
  const closest = await closestStore(client, config)
  return {
    what: `${config.server}: the schema ${config.schema} has no release history (no schema_migrations table)`,
    instead: closest === undefined ? undefined : `?schema=${closest}`,
  }
}
