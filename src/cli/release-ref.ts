/**
 * What a person typed where a release id belongs, as the id of a release: the one place commands that take releases
 * turn a reference into an id (today the id itself; references such as a prefix would be resolved here).
 */
import type { StateManager } from '../index.js'

/** The id of the release `reference` names. */
export const releaseIdOf = async (_manager: StateManager, reference: string): Promise<string> => reference
