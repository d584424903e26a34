/** The events of release history (the source of truth) and the envelope every recorded event travels in. */
import * as t from 'io-ts'
import { PhaseStatus, ReleasePhase } from './phase.js'
import { Release, StoredRelease } from './release.js'
import { ReleaseId } from './release-id.js'
import { RequestTag } from './requests.js'
import { HeadSealed } from './seal.js'
import { Timestamp } from './timestamp.js'

/** Where a snapshot came from: its path and the SHA-256 of its bytes when it was read. */
export const SnapshotSource = t.type({ file: t.string, sha256: t.string }, 'SnapshotSource')
export interface SnapshotSource extends t.TypeOf<typeof SnapshotSource> {}

/** Top-level fields of a `releases.json` other than `releases`, as `JSON.parse` reads them. */
export const SnapshotFields = t.readonly(t.record(t.string, t.unknown), 'SnapshotFields')
export type SnapshotFields = t.TypeOf<typeof SnapshotFields>

/**
 * The same fields as the file wrote them, in its order, each value's JSON text byte for byte (`1.50`, `\u003c` stay
 * so), to be written back as they were. Absent from events earlier versions recorded.
 */
export const SnapshotFieldTexts = t.readonlyArray(t.tuple([t.string, t.string]), 'SnapshotFieldTexts')
export type SnapshotFieldTexts = t.TypeOf<typeof SnapshotFieldTexts>

/** A release was created: its phases all pending, its `previousId` the environment's current release. */
export const ReleaseCreated = t.intersection(
  [
    t.type({ release: Release }),
    t.partial({
      /** The earlier release of the same environment this one redeploys. */
      rollbackOf: ReleaseId,
      note: t.string,
      /** The request id it was recorded under (added in 0.3.0; older builds ignore it). */
      request: RequestTag,
      /** The release still in progress this one was created over, asked for with `supersede` (added in 0.5.0). */
      supersedes: ReleaseId,
    }),
  ],
  'ReleaseCreated',
)
export interface ReleaseCreated extends t.TypeOf<typeof ReleaseCreated> {}

/** One phase of one release changed status. */
export const PhaseUpdated = t.intersection(
  [
    t.type({ releaseId: ReleaseId, phase: ReleasePhase, from: PhaseStatus, to: PhaseStatus }),
    t.partial({
      /** Why, when a person or a recovery gave a reason. */
      reason: t.string,
      request: RequestTag,
      /**
       * Made by a recovery (added in 0.5.0; older builds ignore it): what tells a release closed out by `recover` from
       * one whose phases were skipped one by one, since both carry a reason.
       */
      recovery: t.literal(true),
    }),
  ],
  'PhaseUpdated',
)
export interface PhaseUpdated extends t.TypeOf<typeof PhaseUpdated> {}

/**
 * Whether a phase update was made by a recovery: marked so since 0.5.0; before, only one recorded under a request id
 * says so (its tag names the command). Older unmarked ones read as phases moved one by one.
 */
export const madeByRecovery = (data: PhaseUpdated): boolean =>
  data.recovery === true || data.request?.command === 'RecoverRelease'

/** A `releases.json` without an event log became the start of the history: its releases exactly as read. */
export const SnapshotImported = t.intersection(
  [
    t.type({ releases: t.readonlyArray(StoredRelease) }),
    t.partial({ otherFields: SnapshotFields, otherFieldsJson: SnapshotFieldTexts, source: SnapshotSource }),
  ],
  'SnapshotImported',
)
export interface SnapshotImported extends t.TypeOf<typeof SnapshotImported> {}

/**
 * The releases that hold one id, before and after a change made outside this module: `before` empty for an added
 * release, `after` empty for a removed one. Arrays, because a file written by the Go Stagecraft can hold several
 * releases with one id.
 */
export const ReleaseChange = t.type(
  { releaseId: ReleaseId, before: t.readonlyArray(StoredRelease), after: t.readonlyArray(StoredRelease) },
  'ReleaseChange',
)
export interface ReleaseChange extends t.TypeOf<typeof ReleaseChange> {}

/**
 * Changes made to `releases.json` outside this module, accepted into the history by a person, or `adopted` without one
 * because they were only what the Go Stagecraft makes (releases appended, phases moved on).
 */
export const SnapshotReconciled = t.intersection(
  [
    t.type({ changes: t.readonlyArray(ReleaseChange), otherFields: SnapshotFields }),
    t.partial({ otherFieldsJson: SnapshotFieldTexts, source: SnapshotSource, adopted: t.literal(true) }),
  ],
  'SnapshotReconciled',
)
export interface SnapshotReconciled extends t.TypeOf<typeof SnapshotReconciled> {}

const event = <T extends string, D extends t.Mixed>(type: T, data: D) => t.type({ type: t.literal(type), data }, type)

/** Any event of release history: its `type` and its payload (`data`). */
export const DomainEvent = t.union(
  [
    event('ReleaseCreated', ReleaseCreated),
    event('PhaseUpdated', PhaseUpdated),
    event('SnapshotImported', SnapshotImported),
    event('SnapshotReconciled', SnapshotReconciled),
    // Added in 0.6.0 (seal.ts): a seal changes no release.
    event('HeadSealed', HeadSealed),
  ],
  'DomainEvent',
)
export type DomainEvent = t.TypeOf<typeof DomainEvent>

/** Whether an event records a `releases.json`: an import, or changes a person made to one, accepted. */
export const recordsAFile = <A extends { readonly type: string }>(
  event: A,
): event is Extract<A, { readonly type: 'SnapshotImported' | 'SnapshotReconciled' }> =>
  event.type === 'SnapshotImported' || event.type === 'SnapshotReconciled'

export type EventType = DomainEvent['type']

/** The event types this version knows, in the order of {@link DomainEvent}: any other is from a newer version. */
export const EVENT_TYPES: ReadonlyArray<EventType> = DomainEvent.types.map((member) => member.props.type.value)

export interface UlidBrand {
  readonly Ulid: unique symbol
}

/** A ULID: 26 Crockford base-32 characters, time-ordered. */
export const Ulid = t.brand(
  t.string,
  (s): s is t.Branded<string, UlidBrand> => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s),
  'Ulid',
)
export type Ulid = t.TypeOf<typeof Ulid>

/** Who and where recorded an event; supplied from outside the domain. */
export const EventMetadata = t.intersection(
  [
    t.type({
      actor: t.string,
      host: t.string,
      pid: t.Int,
      /** The id shared by every event one command recorded. */
      command: Ulid,
    }),
    t.partial({
      /** How many events the command recorded, when more than one: a reader holds them back until the last arrives. */
      events: t.refinement(t.Int, (n) => n >= 2, 'EventCount'),
      /** The version of stagecraft-state that recorded it: what a version that cannot interpret it must upgrade to. */
      writer: t.string,
    }),
  ],
  'EventMetadata',
)
export interface EventMetadata extends t.TypeOf<typeof EventMetadata> {}

/** The schema version of the envelope; a later change to an event's shape raises it and upcasts. */
export const EVENT_SCHEMA_VERSION = 1

/** An event as recorded: its id, when, by whom, and the event itself. */
export const EventEnvelope = t.intersection(
  [
    t.type({
      v: t.literal(EVENT_SCHEMA_VERSION),
      id: Ulid,
      recordedAt: Timestamp,
      meta: EventMetadata,
    }),
    DomainEvent,
  ],
  'EventEnvelope',
)
export type EventEnvelope = t.TypeOf<typeof EventEnvelope>

/** Wraps an event for recording; the id, time and metadata come from outside the domain. */
export const envelope = (
  domainEvent: DomainEvent,
  recorded: { readonly id: Ulid; readonly recordedAt: Timestamp; readonly meta: EventMetadata },
): EventEnvelope =>
  ({
    v: EVENT_SCHEMA_VERSION,
    id: recorded.id,
    recordedAt: recorded.recordedAt,
    meta: recorded.meta,
    ...domainEvent,
  }) as EventEnvelope

/** The ids of the releases an event is about. */
export const releaseIdsOf = (event: DomainEvent): ReadonlyArray<ReleaseId> => {
  switch (event.type) {
    case 'ReleaseCreated':
      return [event.data.release.id]
    case 'PhaseUpdated':
      return [event.data.releaseId]
    case 'SnapshotImported':
      return event.data.releases.map((release) => release.id)
    case 'SnapshotReconciled':
      return event.data.changes.map((change) => change.releaseId)
    case 'HeadSealed':
      return []
  }
}
