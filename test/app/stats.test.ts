/** Deploy metrics on the file store and the in-memory store (PostgreSQL: test/store/postgres-manager.test.ts). */
import { freshManager, memoryManager } from '../support/manager.js'
import { statsContract } from './stats-contract.js'

statsContract('the file store', (options) => freshManager(options))
statsContract('the in-memory store', (options) => memoryManager(options))
