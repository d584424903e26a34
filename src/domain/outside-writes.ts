/**
 * Changes another tool (the Go Stagecraft, during a migration) made to `releases.json`, judged against the file this
 * module last wrote (the base) and the history now (which may be ahead of the base). Only what that tool makes is
 * adopted: releases appended with ids and `previous_id` as it writes them, and phases moved along a transition this
 * module allows. Anything else (a release removed or rewritten, a phase moved back) is left to a person.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { DomainEvent, ReleaseChange, SnapshotSource } from './events.js'
import { canTransition, PHASES, type Phases, type PhaseStatus } from './phase.js'
import { preservedOf, type Release, type StoredRelease, storedForm } from './release.js'
import { showValue } from './show.js'
import type { Snapshot } from './snapshot.js'
import { isNewer, type State } from './state.js'
import { sameInstant } from './timestamp.js'
import { fieldsKey } from './top-level-fields.js'
import { groupById } from './decide.js'

/** Who recorded an adopted change: the envelope's actor. */
export const OUTSIDE_WRITER = 'releases.json, written by another tool'

/** The ids the Go Stagecraft writes: `rel-` and its local wall clock to the millisecond. */
const GO_RELEASE_ID = /^rel-\d{8}-\d{9}$/

type Verdict<A> = E.Either<string, A>

const preservedText = (release: Release): string => {
  const preserved = preservedOf(release)
  return JSON.stringify([preserved?.otherFields ?? {}, preserved?.otherPhases ?? {}])
}

// What the other tool may not change of a release it did not create: all but its phases (and how a time is spelt).
const rewrittenField = (was: Release, now: Release): string | undefined => {
  if (was.environment !== now.environment) return 'environment'
  if (was.version !== now.version) return 'version'
  if (was.commitSha !== now.commitSha) return 'commit_sha'
  if (!sameInstant(was.timestamp, now.timestamp)) return 'timestamp'
  if (was.previousId !== now.previousId) return 'previous_id'
  if (preservedText(was) !== preservedText(now)) return 'fields this module does not model'
  return undefined
}

const forward = (from: PhaseStatus, to: PhaseStatus): boolean => from === to || canTransition(from, to)

/**
 * The phases after the other tool's moves (`was` to `now`) are laid over the history's (`ours`), each moved forward
 * from where the history has it, or why they cannot be.
 */
const mergedPhases = (id: string, was: Phases, now: Phases, ours: Phases): Verdict<Phases> => {
  const merged: Record<string, PhaseStatus> = { ...ours }
  for (const phase of PHASES) {
    const [base, theirs, mine] = [was[phase], now[phase], ours[phase]]
    if (theirs === base) continue
    if (!forward(base, theirs)) return E.left(`phase ${phase} of release ${id} went back from ${base} to ${theirs}`)
    if (forward(mine, theirs)) merged[phase] = theirs
    else if (!forward(theirs, mine))
      return E.left(`phase ${phase} of release ${id} is ${mine} in the history and ${theirs} in the file`)
  }
  return E.right(merged as Phases)
}

const withPhases = (release: Release, phases: Phases): StoredRelease => {
  const stored = storedForm(release)
  const absent = stored.preserved?.absentPhases?.filter((phase) => phases[phase] === release.phases[phase])
  if (stored.preserved?.absentPhases === undefined || absent?.length === stored.preserved.absentPhases.length)
    return { ...stored, phases }
  return { ...stored, phases, preserved: { ...stored.preserved, absentPhases: absent ?? [] } }
}

interface Merge {
  readonly groups: Map<string, StoredRelease[]>
  readonly current: Map<string, Release>
  readonly touched: Set<string>
}

// A release the other tool appended: its id as that tool writes one, the environment's current release as previous.
const appendNew = (merge: Merge, release: StoredRelease): Verdict<Merge> => {
  if (!GO_RELEASE_ID.test(release.id))
    return E.left(`release ${showValue(release.id)} was added with an id the Go Stagecraft does not write`)
  const current = merge.current.get(release.environment)
  if (release.previousId !== current?.id)
    return E.left(
      `release ${release.id} was added naming previous release ${release.previousId ?? '(none)'}, but the ` +
        `current release of ${showValue(release.environment)} is ${current?.id ?? '(none)'}`,
    )
  if (current !== undefined && !isNewer(release, current))
    return E.left(`release ${release.id} was added with a timestamp before its previous release ${current.id}`)
  merge.groups.set(release.id, [...(merge.groups.get(release.id) ?? []), release])
  merge.current.set(release.environment, release)
  merge.touched.add(release.id)
  return E.right(merge)
}

// Lays the other tool's version of a release this module wrote (`was`, as the file had it) over the history's.
const layOver = (merge: Merge, id: string, i: number, was: Release, theirs: StoredRelease): Verdict<Merge> => {
  const field = rewrittenField(was, theirs)
  if (field !== undefined) return E.left(`the ${field} of release ${id} was rewritten`)
  const ours = merge.groups.get(id) ?? []
  const mine = ours[i]
  if (mine === undefined) return E.left(`release ${id} is in the file but no longer in the history`)
  const phases = mergedPhases(id, was.phases, theirs.phases, mine.phases)
  if (E.isLeft(phases)) return phases
  if (PHASES.some((phase) => phases.right[phase] !== mine.phases[phase])) {
    ours[i] = withPhases(mine, phases.right)
    merge.touched.add(id)
  }
  return E.right(merge)
}

/**
 * The other tool's changes to the releases the base holds, laid over the history; what it appended, in file order.
 * A release past the base's with the id and fields of one the history recorded since is that one (a file written
 * after the base, whose record was lost); any other is new, even under an id the history holds (one millisecond).
 * From an `older` base (a stale read: the tool read a file this module wrote before its last, or one the tool wrote on
 * top of it), a new release under an id the history recorded since is refused: it is more likely that release edited.
 */
const mergeKnown = (
  base: State,
  file: ReadonlyMap<string, ReadonlyArray<StoredRelease>>,
  merge: Merge,
  older: boolean,
): Verdict<Release[]> => {
  const appended: Release[] = []
  for (const [id, now] of file) {
    const known = base.releases.get(id as Release['id']) ?? []
    if (now.length < known.length) return E.left(`release ${id} was removed`)
    for (const [i, was] of known.entries()) {
      const laid = layOver(merge, id, i, was, now[i] as StoredRelease)
      if (E.isLeft(laid)) return laid
    }
    const ours = merge.groups.get(id) ?? []
    const used = new Set<number>()
    for (const theirs of now.slice(known.length)) {
      const i = ours.findIndex((mine, j) => j >= known.length && !used.has(j) && !rewrittenField(mine, theirs))
      if (i === -1 && older && ours.length > known.length)
        return E.left(`release ${id} of the history was rewritten, or added again under its id`)
      if (i === -1) appended.push(theirs)
      else {
        used.add(i)
        const laid = layOver(merge, id, i, ours[i] as Release, theirs)
        if (E.isLeft(laid)) return laid
      }
    }
  }
  for (const id of base.releases.keys()) if (!file.has(id)) return E.left(`release ${id} was removed`)
  return E.right(appended)
}

/**
 * The changes another tool made to a file written from `base`, laid over the history `log`: one change per release it
 * added or moved on, or why they are not what the Go Stagecraft makes. None when the file differs only in form.
 * `older`: the base is not the last file this module wrote, and the tool is taken to have read it before that write.
 */
export const outsideChanges = (
  base: State,
  file: Snapshot,
  log: State,
  older = false,
): Verdict<ReadonlyArray<ReleaseChange>> => {
  if (fieldsKey(file) !== fieldsKey(base)) return E.left('its top-level fields were changed')
  const merge: Merge = {
    groups: new Map([...log.releases].map(([id, group]) => [id, group.map(storedForm)])),
    current: new Map(log.current),
    touched: new Set(),
  }
  const known = mergeKnown(base, groupById(file.releases), merge, older)
  if (E.isLeft(known)) return known
  const added = [...file.releases].filter((release) => known.right.includes(release))
  for (const release of added) {
    const appended = appendNew(merge, release)
    if (E.isLeft(appended)) return appended
  }
  return E.right(
    [...merge.touched].sort().map((id) => ({
      releaseId: id as Release['id'],
      before: (log.releases.get(id as Release['id']) ?? []).map(storedForm),
      after: merge.groups.get(id) ?? [],
    })),
  )
}

/** The event that adopts another tool's changes, or why they stay `STATE_DRIFT`; none when nothing is to adopt. */
export const adoptOutsideWrite = (
  base: State,
  file: Snapshot,
  log: State,
  source: SnapshotSource,
  older = false,
): Verdict<ReadonlyArray<DomainEvent>> =>
  E.map((changes: ReadonlyArray<ReleaseChange>): ReadonlyArray<DomainEvent> =>
    changes.length === 0
      ? []
      : [
          {
            type: 'SnapshotReconciled',
            data: {
              changes,
              otherFields: log.otherFields,
              ...(log.otherFieldsJson === undefined ? {} : { otherFieldsJson: log.otherFieldsJson }),
              source,
              adopted: true,
            },
          },
        ],
  )(outsideChanges(base, file, log, older))
