/**
 * The suites every store runs, on PostgreSQL: many concurrent calls in one process
 * (concurrency-contract.ts) and interleaved commands from several managers (interleaving.ts).
 * Several processes at once, and connections cut in the middle of a write, are in
 * postgres-processes.test.ts.
 */
import { beforeAll } from 'vitest'
import { concurrencyContract } from './concurrency-contract.js'
import { interleavingProperty } from './interleaving.js'
import { adminQuery, postgresStoreSubjects } from './postgres-children/database.js'

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

concurrencyContract('the PostgreSQL store', postgresStoreSubjects('concurrency'))
interleavingProperty('the PostgreSQL store', postgresStoreSubjects('interleaving'))
