/**
 * Every command, in the order the help lists them.
 */
import type { Command } from '../command.js'
import { create } from './create.js'
import { history, replay } from './history.js'
import { list } from './list.js'
import { migrate } from './migrate.js'
import { phase } from './phase.js'
import { recover } from './recover.js'
import { rollbackTarget } from './rollback-target.js'
import { current, show } from './show.js'
import { importSnapshot, reconcile } from './snapshot.js'
import { verify } from './verify.js'

export const COMMANDS: ReadonlyArray<Command> = [create, phase, show, current, list, history, replay, verify, rollbackTarget, recover, importSnapshot, reconcile, migrate]

/** The command with this name. */
export const commandNamed = (name: string): Command | undefined => COMMANDS.find((command) => command.name === name)
