/** A release: one deployment of one version to one environment, and the status of its phases. */
import * as t from 'io-ts'
import { Phases, ReleasePhase } from './phase.js'
import { ReleaseId } from './release-id.js'
import { Timestamp } from './timestamp.js'

/** What an imported record held that this module does not model, kept so that writing it back loses nothing. */
export const Preserved = t.partial(
  {
    /** Known phases the record did not list: read as `pending`, written back absent until changed. */
    absentPhases: t.readonlyArray(ReleasePhase),
    /** Entries of `phases` whose key is not a known phase, verbatim, in file order. */
    otherPhases: t.readonly(t.record(t.string, t.unknown)),
    /** Record fields this module does not know, verbatim, in file order. */
    otherFields: t.readonly(t.record(t.string, t.unknown)),
  },
  'Preserved',
)
export interface Preserved extends t.TypeOf<typeof Preserved> {}

/** One deployment of one version to one environment, as callers see it, and nothing else. */
export const Release = t.intersection(
  [
    t.type({
      id: ReleaseId,
      environment: t.string,
      version: t.string,
      /** The git commit deployed; empty when unknown. */
      commitSha: t.string,
      /** When the release was created, as an RFC 3339 string exactly as stored. */
      timestamp: Timestamp,
      phases: t.readonly(Phases),
    }),
    t.partial({
      /** The environment's release before this one; absent for an environment's first. */
      previousId: ReleaseId,
    }),
  ],
  'Release',
)
/**
 * One deployment of one version to one environment: `id`, `environment`, `version`, `commitSha`
 * (empty when unknown), `timestamp` (RFC 3339), the status of every phase, and `previousId`, the
 * environment's release before it (absent for its first).
 */
export interface Release extends t.TypeOf<typeof Release> {}

/** A release as an event records it: with `preserved`, so that replaying the event writes the record back exactly. */
export const StoredRelease = t.intersection([Release, t.partial({ preserved: Preserved })], 'StoredRelease')
export interface StoredRelease extends t.TypeOf<typeof StoredRelease> {}

/**
 * What a release preserved of its imported record. The state keeps it as a non-enumerable property, so callers
 * (`JSON.stringify`, a spread) see the public shape only, at no cost.
 */
export const preservedOf = (release: Release): Preserved | undefined => (release as StoredRelease).preserved

/** Gives a release the state owns its `preserved`, not enumerable (see {@link preservedOf}); none removes it. */
export const keepPreserved = (release: Release, preserved: Preserved | undefined): void => {
  if (preserved === undefined) delete (release as { preserved?: Preserved }).preserved
  else
    Object.defineProperty(release, 'preserved', {
      value: preserved,
      enumerable: false,
      writable: true,
      configurable: true,
    })
}

/**
 * What the history knows of a release beyond its record: its last event's time, what it rolls back to, the note, what
 * a recovery closed, whether a command or a file changed it last, what it superseded. Kept
 * out of sight like `preserved`, so it travels through every fold and checkpoint at no cost.
 */
export const ReleaseFacts = t.partial(
  {
    /** When the last event about the release was recorded, in epoch milliseconds. */
    lastEventMs: t.number,
    rollbackOf: ReleaseId,
    note: t.string,
    /** The phases a recovery closed (`recover`), in the order it closed them. */
    recovered: t.readonlyArray(ReleasePhase),
    /**
     * Its last change was a command of this module (a create, a phase update, a recovery), not a releases.json read
     * in (an import, a reconcile, an adoption): only then does a running phase block a create. Absent from caches
     * written before 0.5.0, whose running releases then block nothing, as before.
     */
    byCommand: t.literal(true),
    /** The release still in progress this one superseded. */
    supersedes: ReleaseId,
  },
  'ReleaseFacts',
)
export interface ReleaseFacts extends t.TypeOf<typeof ReleaseFacts> {}

const NO_FACTS: ReleaseFacts = Object.freeze({})

/** What the history knows of a release of the state (nothing, for a release from elsewhere). */
export const factsOf = (release: Release): ReleaseFacts => (release as { facts?: ReleaseFacts }).facts ?? NO_FACTS

/** Whether a release carries facts of the history (a release of the state that has any). */
export const hasFacts = (release: Release): boolean => (release as { facts?: ReleaseFacts }).facts !== undefined

/** Gives a release the state owns its facts, not enumerable (see {@link factsOf}); frozen, since they are shared. */
export const keepFacts = (release: Release, facts: ReleaseFacts): void => {
  if (Object.keys(facts).length === 0) delete (release as { facts?: ReleaseFacts }).facts
  else
    Object.defineProperty(release, 'facts', {
      value: Object.freeze(facts),
      enumerable: false,
      writable: true,
      configurable: true,
    })
}

/** A release of the state as an event records it: `preserved` as a plain field again, when it has one. */
export const storedForm = (release: Release): StoredRelease => {
  const preserved = preservedOf(release)
  return preserved === undefined ? release : { ...release, preserved }
}
