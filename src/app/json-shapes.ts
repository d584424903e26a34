/**
 * One JSON shape for a release and for an event, the same for the API's callers and the CLI's `-o json`/`-o jsonl`
 * (docs/json.md): the API's field names, every key present (`null` when there is nothing), and what the history adds to
 * a release (its overall status, what it rolls back, its note), which the `Release` object keeps out of sight.
 */
import type { EventMetadata } from '../domain/events.js'
import { PHASES, type PhaseStatus, type ReleasePhase } from '../domain/phase.js'
import { factsOf, type Release } from '../domain/release.js'
import { releaseStatus, type ReleaseStatus } from '../domain/release-status.js'
import type { HistoryEvent } from './audit.js'

/** A release as JSON: its fields, then what the history adds. See docs/json.md. */
export interface ReleaseJson {
  readonly id: string
  readonly environment: string
  readonly version: string
  /** The git commit deployed; empty when unknown. */
  readonly commitSha: string
  /** When the release was created, RFC 3339, exactly as stored. */
  readonly timestamp: string
  /** The environment's release before this one; `null` for its first. */
  readonly previousId: string | null
  /** Every phase, in pipeline order. */
  readonly phases: Readonly<Record<ReleasePhase, PhaseStatus>>
  /** The overall status, as `list` and `show` give it. */
  readonly status: ReleaseStatus
  /** The earlier release this one redeploys, when it was created as a rollback; else `null`. */
  readonly rollbackOf: string | null
  /** Why it was made, when its creation said; else `null`. */
  readonly note: string | null
}

/** An event of the audit trail as JSON: the {@link HistoryEvent} the API returns, keys in a fixed order. */
export interface HistoryEventJson {
  /** The event's place in the store, from 1. */
  readonly position: number
  /** The event's ULID. */
  readonly id: string
  /** When it was recorded, RFC 3339 UTC. */
  readonly recordedAt: string
  readonly type: HistoryEvent['type']
  /** Who recorded it, where, and the id of the command that did. */
  readonly meta: EventMetadata
  /** The envelope's version. */
  readonly v: number
  /** The event itself, as recorded (docs/events.md). */
  readonly data: HistoryEvent['data']
}

/** A release in the JSON shape of docs/json.md, with its overall status, `rollbackOf` and `note`. */
export const releaseToJson = (release: Release): ReleaseJson => {
  const { rollbackOf, note } = factsOf(release)
  return {
    id: release.id,
    environment: release.environment,
    version: release.version,
    commitSha: release.commitSha,
    timestamp: release.timestamp,
    previousId: release.previousId ?? null,
    phases: Object.fromEntries(PHASES.map((phase) => [phase, release.phases[phase]])) as ReleaseJson['phases'],
    status: releaseStatus(release),
    rollbackOf: rollbackOf ?? null,
    note: note ?? null,
  }
}

/** An event of the audit trail in the JSON shape of docs/json.md. */
export const eventToJson = (event: HistoryEvent): HistoryEventJson => ({
  position: event.position,
  id: event.id,
  recordedAt: event.recordedAt,
  type: event.type,
  meta: event.meta,
  v: event.v,
  data: event.data,
})
