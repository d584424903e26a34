/** What accepting a `releases.json` into the history changed: the releases and the top-level fields. */
import type { DomainEvent } from './events.js'
import { changedFields } from './snapshot.js'
import type { State } from './state.js'

/** The releases the events of an accepted reconcile (or import) change. */
export const acceptedChanges = (pending: ReadonlyArray<DomainEvent>): ReadonlyArray<string> =>
  pending.flatMap((event) =>
    event.type === 'SnapshotReconciled'
      ? event.data.changes.map((change) => change.releaseId)
      : event.type === 'SnapshotImported'
        ? [...new Set(event.data.releases.map((release) => release.id))].sort()
        : [],
  )

/** The top-level fields the events of an accepted reconcile (or import) change in `before`. */
export const acceptedFields = (before: State, pending: ReadonlyArray<DomainEvent>): ReadonlyArray<string> =>
  pending.flatMap((event) =>
    event.type === 'SnapshotReconciled'
      ? changedFields(before.otherFields, event.data.otherFields)
      : event.type === 'SnapshotImported'
        ? changedFields(before.otherFields, event.data.otherFields ?? {})
        : [],
  )
