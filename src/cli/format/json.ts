/**
 * Machine output: with `-o json|jsonl|yaml`, the shapes of docs/json.md (the API's); with `--json`, the older ones:
 * releases as `releases.json` records, events with their envelope and payload as recorded.
 */
import { eventToJson, type HistoryEvent, type Release, releaseToJson, type VerifyReport } from '../../index.js'
import { ReleaseRecord, releaseIdsOf } from '../../internals.js'

/** A release as a `releases.json` record. */
export const releaseJson = (release: Release): unknown => ReleaseRecord.encode(release)

/** An event of the audit trail with its envelope. */
export const historyEventJson = (event: HistoryEvent): unknown => {
  const releases = releaseIdsOf(event)
  return {
    position: event.position,
    id: event.id,
    time: event.recordedAt,
    type: event.type,
    release: releases.length === 1 ? releases[0] : null,
    releases,
    actor: event.meta.actor,
    host: event.meta.host,
    pid: event.meta.pid,
    command: event.meta.command,
    v: event.v,
    payload: event.data,
  }
}

/** The report of `verify`, with the store it checked. */
export const verifyJson = (report: VerifyReport, store: string): unknown => ({
  sound: report.sound,
  store,
  events: report.events,
  releases: report.releases,
  head: report.head === undefined ? null : { position: report.head.position, sha256: report.head.sha256 },
  problems: report.problems.map(({ severity, location, message }) => ({ severity, location, message })),
  // Only where there is something to say of seals: the report of a log without them is as it was.
  ...(report.seals === undefined ? {} : { seals: sealsJson(report.seals) }),
})

const sealsJson = (seals: NonNullable<VerifyReport['seals']>): unknown => ({
  count: seals.count,
  keysChecked: seals.keysChecked,
  newestValid:
    seals.newestValid === undefined
      ? null
      : {
          position: seals.newestValid.position,
          location: seals.newestValid.location,
          head: seals.newestValid.head,
          sealedAt: seals.newestValid.sealedAt,
          keyId: seals.newestValid.keyId,
        },
  headMatched: seals.headMatched ?? null,
})

/** Releases as the output asks: the shapes of docs/json.md with `-o`, `releases.json` records with `--json`. */
export const releasesValue = (out: { readonly apiShapes: boolean }, releases: ReadonlyArray<Release>): unknown[] =>
  releases.map((release) => (out.apiShapes ? releaseToJson(release) : releaseJson(release)))

/** One release as the output asks (see {@link releasesValue}). */
export const releaseValue = (out: { readonly apiShapes: boolean }, release: Release): unknown =>
  out.apiShapes ? releaseToJson(release) : releaseJson(release)

/** An event as the output asks: the API's shape with `-o`, `--json`'s (`time`, `payload`) otherwise. */
export const eventValue = (out: { readonly apiShapes: boolean }, event: HistoryEvent): unknown =>
  out.apiShapes ? eventToJson(event) : historyEventJson(event)
