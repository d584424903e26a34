/**
 * The audit trail (audit-contract.ts) on the file store, whose releases.json at each instant
 * stateAt is compared with.
 */
import { auditContract } from './audit-contract.js'
import { freshManager } from '../support/manager.js'

auditContract('the file store', (options) => freshManager(options))
