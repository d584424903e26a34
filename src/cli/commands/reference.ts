/** Release references on the command line (docs/cli.md, "Release references"), resolved before the API is called. */
import * as E from 'fp-ts/lib/Either.js'
import { StateError, type StateManager } from '../../index.js'
import { resolveReleaseReference } from '../../internals.js'

/**
 * The id a reference names. An unknown text without an `@` is passed on as it is: the API refuses it with its own
 * message, and `history` still finds the events of a release an accepted edit removed since.
 */
export const referencedId = async (manager: StateManager, reference: string): Promise<string> => {
  const resolved = resolveReleaseReference(await manager.state(), reference)
  if (E.isRight(resolved)) return resolved.right.id
  if (resolved.left.code === 'RELEASE_NOT_FOUND' && !reference.includes('@')) return reference
  throw StateError.fromDomain(resolved.left)
}
