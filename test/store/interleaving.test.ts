/**
 * The interleaving property (interleaving.ts) on the file store: the checks after each run include
 * its releases.json being the projection of the log, its checkpoint what a replay holds at its
 * position (verify), and no lock or temporary file left behind.
 */
import { fileStoreSubjects } from './children/harness.js'
import { interleavingProperty } from './interleaving.js'

interleavingProperty('the file store', fileStoreSubjects('stagecraft-interleaving-'))
// A new checkpoint at every write, each spliced from the one before: every reader opens from one.
interleavingProperty(
  'the file store writing a checkpoint at every write',
  fileStoreSubjects('stagecraft-interleaving-checkpoint-', { checkpointTailBytes: 0 }),
  25,
)
