/**
 * What a PostgreSQL store says when it cannot work: each failure its own code, the server and
 * schema named, no password shown, nothing written. Roles are real roles on the test server.
 *
 * The test server trusts local connections, so a wrong password cannot be refused there: the
 * authentication failures tested are the ones trust still refuses (a role that does not exist,
 * a role not allowed to log in). A password refusal (28P01) is classified by the same rule.
 */
import * as E from 'fp-ts/lib/Either.js'
import { emptyLoaded, unprepared } from '../../src/store/event-store.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { createStateManager, postgresStore } from '../../src/index.js'
import type { StateError } from '../../src/domain/state-error.js'
import { resolvePostgresConfig } from '../../src/store/postgres/config.js'
import { classify } from '../../src/store/postgres/errors.js'
import { postgresEventStore } from '../../src/store/postgres/store.js'
import { deployEnvelopes } from '../support/envelopes.js'
import { appendAll, readAll } from './contract.js'
import {
  adminQuery,
  closeAfterTest,
  freshSchema,
  newRole,
  openStore,
  TEST_DATABASE_URL,
  urlAs,
} from './postgres-children/database.js'

const database = new URL(TEST_DATABASE_URL).pathname.slice(1)

beforeAll(async () => {
  await adminQuery('SELECT 1')
})

const storeAt = (connectionString: string, schema = 'stagecraft_state', more: { connectTimeoutMs?: number } = {}) => {
  const config = resolvePostgresConfig({ connectionString, schema, ...more }, '/')
  if (E.isLeft(config)) throw config.left
  const store = postgresEventStore(config.right, { lockTimeoutMs: 2_000 })
  closeAfterTest(store)
  return store
}

const failureOf = async (task: () => Promise<E.Either<StateError, unknown>>): Promise<StateError> => {
  const result = await task()
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

const readFailure = (store: ReturnType<typeof storeAt>) =>
  failureOf(store.read(store.origin, { event: () => undefined }))
const writeFailure = (store: ReturnType<typeof storeAt>) =>
  failureOf(store.write((session) => session.append(unprepared(emptyLoaded(store.origin)), deployEnvelopes(1))))

describe('an unreachable database', () => {
  it('is DB_UNREACHABLE naming the server and schema, never the password', async () => {
    const store = storeAt('postgres://deployer:s3cr3t@127.0.0.1:1/test?sslmode=disable', 'proj')
    for (const error of [await readFailure(store), await writeFailure(store)]) {
      expect(error.code).toBe('DB_UNREACHABLE')
      expect(error.message).toContain('postgres://deployer@127.0.0.1:1/test (schema proj)')
      expect(error.message).toMatch(/ECONNREFUSED.*check that the server is running/)
      expect(error.message).not.toContain('s3cr3t')
    }
  })

  it('is DB_UNREACHABLE for a host that does not resolve, a host that does not answer in time, and a missing database', async () => {
    expect((await readFailure(storeAt('postgres://postgres@nonexistent.invalid:5432/test'))).code).toBe(
      'DB_UNREACHABLE',
    )
    const silent = await readFailure(
      storeAt('postgres://postgres@10.255.255.1:5432/test', 'stagecraft_state', { connectTimeoutMs: 300 }),
    )
    expect(silent.code).toBe('DB_UNREACHABLE')
    const missing = await readFailure(
      storeAt(urlAs('postgres', TEST_DATABASE_URL).replace(`/${database}`, '/no_such_database_here')),
    )
    expect(missing.code).toBe('DB_UNREACHABLE')
    expect(missing.message).toMatch(/database "no_such_database_here" does not exist/)
  })

  it('rejects a manager operation with the code', async () => {
    const manager = createStateManager({
      store: postgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
    })
    await expect(manager.createRelease('prod', 'v1')).rejects.toMatchObject({
      name: 'StateError',
      code: 'DB_UNREACHABLE',
    })
    await manager.close()
  })
})

describe('a server that does not offer TLS, asked for it', () => {
  it('is DB_UNREACHABLE, saying what to change, not DB_ERROR', async () => {
    expect(classify(new Error('The server does not support SSL connections'))).toBe('DB_UNREACHABLE')
    // The test server runs without ssl (as .ci/run starts it); against one with ssl the real check says nothing.
    const ssl = (await adminQuery<{ ssl: string }>('SHOW ssl')).rows[0]?.ssl
    if (ssl !== 'off') return
    const error = await readFailure(storeAt(`${TEST_DATABASE_URL}?sslmode=verify-full`))
    expect(error.code).toBe('DB_UNREACHABLE')
    expect(error.message).toMatch(/does not support SSL connections; the connection string asks for TLS \(sslmode\)/)
  })
})

describe('a store whose connections are all busy', () => {
  it('says so, and how to give it more, instead of blaming the server', async () => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(1))
    const store = openStore(schema, { maxConnections: 1, connectTimeoutMs: 200 })
    let error: StateError | undefined
    // The write holds the only connection; a read meanwhile waits for it, then gives up.
    const outer = await store.write(
      () => async () => E.right((error = await failureOf(store.read(store.origin, { event: () => undefined })))),
    )()
    expect(E.isRight(outer)).toBe(true)
    expect(error?.code).toBe('DB_ERROR')
    expect(error?.message).toMatch(
      /timeout exceeded when trying to connect; every connection of this store stayed busy: raise maxConnections/,
    )
  })
})

describe('a failed authentication', () => {
  it('is DB_AUTH_FAILED for a role that does not exist', async () => {
    const error = await readFailure(storeAt(urlAs('no_such_role_here')))
    expect(error.code).toBe('DB_AUTH_FAILED')
    expect(error.message).toMatch(
      /postgres:\/\/no_such_role_here@.*role "no_such_role_here" does not exist.*check the user and password/,
    )
  })

  it('is DB_AUTH_FAILED for a role not allowed to log in', async () => {
    const role = await newRole('NOLOGIN')
    const error = await writeFailure(storeAt(urlAs(role), freshSchema()))
    expect(error.code).toBe('DB_AUTH_FAILED')
    expect(error.message).toMatch(/is not permitted to log in/)
  })

  it('classifies a refused password (28P01) and a password the client could not send as DB_AUTH_FAILED', () => {
    expect(classify({ code: '28P01', message: 'password authentication failed for user "x"' })).toBe('DB_AUTH_FAILED')
    expect(classify(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'))).toBe(
      'DB_AUTH_FAILED',
    )
  })
})

describe('missing permissions', () => {
  const populated = async (): Promise<string> => {
    const schema = freshSchema()
    await appendAll(openStore(schema), deployEnvelopes(2))
    return schema
  }
  const grantRead = (schema: string, role: string) =>
    adminQuery(
      `GRANT USAGE ON SCHEMA "${schema}" TO "${role}"; GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`,
    )
  const count = async (schema: string) =>
    (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]?.n

  it('is DB_PERMISSION_DENIED, naming the schema, for a role that may not use the schema', async () => {
    const schema = await populated()
    const store = storeAt(urlAs(await newRole()), schema)
    for (const error of [await readFailure(store), await writeFailure(store)]) {
      expect(error.code).toBe('DB_PERMISSION_DENIED')
      expect(error.message).toContain(`(schema ${schema})`)
      expect(error.message).toMatch(/permission denied for schema.*docs\/postgres\.md/)
    }
    expect(await count(schema)).toBe(2)
  })

  it('is DB_PERMISSION_DENIED for a read-only role that writes, which can read, and nothing is written', async () => {
    const schema = await populated()
    const role = await newRole()
    await grantRead(schema, role)
    const store = storeAt(urlAs(role), schema)
    expect((await readAll(store)).events).toHaveLength(2)
    const error = await failureOf(
      store.write((session) => async () => {
        const caught = await session.load(emptyLoaded(store.origin))()
        return E.isLeft(caught) ? caught : session.append(unprepared(caught.right), deployEnvelopes(3).slice(2))()
      }),
    )
    expect(error.code).toBe('DB_PERMISSION_DENIED')
    expect(error.message).toMatch(/permission denied for table events/)
    // Nothing was sent to be committed: the message must not suggest it might have been.
    expect(error.message).toMatch(/nothing of the append was committed/)
    expect(error.message).not.toMatch(/may or may not/)
    expect(await count(schema)).toBe(2)
  })

  it('is DB_PERMISSION_DENIED for a role that may not create the schema on the first write', async () => {
    const error = await writeFailure(storeAt(urlAs(await newRole()), freshSchema()))
    expect(error.code).toBe('DB_PERMISSION_DENIED')
    expect(error.message).toMatch(/could not create the schema and its tables: permission denied for database/)
  })

  it('lets a role with the documented writer grants (no DDL rights) write an existing schema', async () => {
    const schema = await populated()
    const role = await newRole()
    await adminQuery(
      `GRANT USAGE ON SCHEMA "${schema}" TO "${role}"; GRANT SELECT, INSERT ON "${schema}".events TO "${role}"; GRANT SELECT ON "${schema}".schema_migrations TO "${role}"; GRANT SELECT, INSERT, UPDATE, DELETE ON "${schema}".releases, "${schema}".environments, "${schema}".projection, "${schema}".requests TO "${role}"`,
    )
    const store = storeAt(urlAs(role), schema)
    await appendAll(store, deployEnvelopes(3).slice(2))
    expect(await count(schema)).toBe(3)
  })
})
