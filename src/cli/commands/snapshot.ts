/**
 * `import` and `reconcile`. `import` records a `releases.json` without a log now, so the history starts before anything
 * changes; `reconcile --accept` records an outside edit, `--restore` rewrites the file and keeps the edit aside.
 */
import { existsSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { storePaths } from '../../internals.js'
import { defineCommand, flag } from '../command.js'
import { EXIT, usageError } from '../usage.js'

const idList = (ids: ReadonlyArray<string>): string =>
  ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`

/** A field name from the edited file, as a JSON string with C1 controls escaped too. */
const quote = (name: string): string =>
  JSON.stringify(name).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** What differed: the releases, then the top-level fields (quoted: they come from the edited file). */
const differed = ({
  changed,
  fields,
}: {
  readonly changed: ReadonlyArray<string>
  readonly fields: ReadonlyArray<string>
}): string =>
  [
    ...(changed.length === 0 ? [] : [idList(changed)]),
    ...(fields.length === 0
      ? []
      : [`the top-level field${fields.length === 1 ? '' : 's'} ${idList(fields.map(quote))}`]),
  ].join('; ')

export const importSnapshot = defineCommand({
  parse: () => E.right({}),
  run: async (_input, { manager, out }) => {
    const stateFile = manager.stateFile ?? ''
    const existed = manager.stateFile === undefined || existsSync(stateFile)
    // With nothing to import the manager creates nothing (no state directory, no lock), and names a store given on
    // purpose that does not exist (STORE_NOT_FOUND).
    const { imported, recorded } = await manager.importSnapshot()
    const eventLog = storePaths(stateFile).eventLog
    if (out.json) out.value({ imported, recorded, state_file: stateFile })
    else if (imported > 0)
      out.lines([
        `imported ${imported} release${imported === 1 ? '' : 's'} from ${stateFile} into the event log ${eventLog}`,
      ])
    else if (recorded)
      out.lines([
        `imported ${stateFile}, which holds no release, only top-level fields, into the event log ${eventLog}`,
      ])
    else
      out.lines([
        existed
          ? `nothing to import: the history in ${eventLog} already exists`
          : `nothing to import: ${stateFile} does not exist`,
      ])
    return EXIT.ok
  },
})

export const reconcile = defineCommand({
  parse: (args) => {
    const accept = flag(args, 'accept')
    if (accept === flag(args, 'restore'))
      return E.left(usageError(`give exactly one of --accept or --restore`, 'reconcile'))
    return E.right({ mode: accept ? ('accept' as const) : ('restore' as const) })
  },
  run: async ({ mode }, { manager, out }) => {
    const existed = manager.stateFile !== undefined && existsSync(manager.stateFile)
    const outcome = await manager.reconcile(mode)
    const stateFile = manager.stateFile ?? manager.location
    const what = differed(outcome)
    if (out.json)
      out.value({ mode, changed: outcome.changed, fields: outcome.fields, kept_aside: outcome.keptAside ?? null })
    else if (mode === 'accept') {
      out.lines([
        what === ''
          ? `nothing to accept: ${stateFile} shows the history`
          : `accepted the outside edit of ${stateFile} into the history: ${what}`,
      ])
    } else {
      const kept = outcome.keptAside === undefined ? '' : `; the edited file is kept as ${outcome.keptAside}`
      out.lines([
        existed && outcome.keptAside === undefined
          ? `nothing to restore: ${stateFile} shows the history`
          : `restored ${stateFile} from the history${what === '' ? '' : ` (${what} differed)`}${kept}`,
      ])
    }
    return EXIT.ok
  },
})
