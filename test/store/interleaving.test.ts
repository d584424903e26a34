/**
 * The interleaving property (interleaving.ts) on the file store: the checks after each run include
 * its releases.json being the projection of the log, and no lock or temporary file left behind.
 */
import { fileStoreSubjects } from './children/harness.js'
import { interleavingProperty } from './interleaving.js'

interleavingProperty('the file store', fileStoreSubjects('stagecraft-interleaving-'))
