/**
 * What every command does, by its name in the command table (./index.ts): imported with ../execute.js when a command
 * runs, never by `--version`, `--help` or a usage error.
 *
 * All of them come together, in one file of the bundle with the store: per command, they are a few kilobytes next to
 * the store's hundred and more, which every command needs, and Node pays more for each further file it loads than for
 * those kilobytes (docs/performance.md, "Fast start").
 */
import type { CommandImplementation, CommandName } from '../command.js'
import { completion } from './completion.js'
import { create } from './create.js'
import { diff } from './diff.js'
import { history, replay } from './history.js'
import { list } from './list.js'
import { migrate } from './migrate.js'
import { phase } from './phase.js'
import { recover } from './recover.js'
import { report } from './report.js'
import { rollbackTarget } from './rollback-target.js'
import { current, show } from './show.js'
import { importSnapshot, reconcile } from './snapshot.js'
import { verify } from './verify.js'
import { stats } from './stats.js'
import { keygen, seal } from './seal.js'

export const IMPLEMENTATIONS: Readonly<Record<CommandName, CommandImplementation>> = {
  create,
  phase,
  show,
  diff,
  current,
  list,
  history,
  replay,
  verify,
  'rollback-target': rollbackTarget,
  recover,
  import: importSnapshot,
  reconcile,
  migrate,
  completion,
  stats,
  report,
  keygen,
  seal,
}
