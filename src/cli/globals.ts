/** The options every command takes, before or after the command name. */
import type { OptionTable, ParsedArgs } from './command.js'

export const GLOBAL_OPTIONS: OptionTable = {
  'state-file': {
    type: 'string',
    value: 'PATH',
    help: 'the state file (default: $STAGECRAFT_STATE_FILE, else .stagecraft/releases.json in the working directory)',
  },
  store: {
    type: 'string',
    value: 'URL',
    help:
      'a PostgreSQL store, postgres://user@host:port/database?schema=NAME (default: $STAGECRAFT_STATE_URL, ' +
      'else the file store); with it, --state-file names a local copy of releases.json',
  },
  json: { type: 'boolean', help: 'machine output: releases as releases.json records, lists as arrays' },
  output: {
    type: 'string',
    short: 'o',
    value: 'FORMAT',
    help: 'table (the default), json, jsonl (a value a line) or yaml: the shapes of docs/json.md, errors as JSON too',
  },
  actor: {
    type: 'string',
    value: 'NAME',
    help: 'who records the events (default: $STAGECRAFT_ACTOR, else the operating-system user)',
  },
  'lock-timeout': {
    type: 'string',
    value: 'DURATION',
    help: "how long a write waits for another writer's lock (default 10s)",
  },
  'refuse-outside-writes': {
    type: 'boolean',
    help:
      'refuse (STATE_DRIFT) even the changes the Go Stagecraft makes to releases.json, rather than record them ' +
      'as adopted',
  },
  'seal-key': {
    type: 'string',
    value: 'FILE',
    help:
      'seal the head with this Ed25519 private key after each write that finishes a release (default: ' +
      '$STAGECRAFT_SEAL_KEY); a seal that fails only warns',
  },
  help: { type: 'boolean', short: 'h', help: 'show help (of the command, after one)' },
}

/** `--version` means the program's version only where no command gives it another meaning. */
export const VERSION_OPTION: OptionTable = { version: { type: 'boolean', help: "print stagecraft-state's version" } }

/** The global options of a parsed command line. */
export interface Globals {
  readonly stateFile: string | undefined
  readonly store: string | undefined
  readonly json: boolean
  /** `-o`/`--output` as given (checked by ./output-format.ts). */
  readonly output: string | undefined
  readonly actor: string | undefined
  readonly lockTimeout: string | undefined
  readonly refuseOutsideWrites: boolean
  readonly sealKey: string | undefined
}

export const globalsOf = (args: ParsedArgs): Globals => {
  const text = (name: string): string | undefined =>
    typeof args.values[name] === 'string' ? (args.values[name] as string) : undefined
  return {
    stateFile: text('state-file'),
    store: text('store'),
    json: args.values['json'] === true,
    output: text('output'),
    actor: text('actor'),
    lockTimeout: text('lock-timeout'),
    refuseOutsideWrites: args.values['refuse-outside-writes'] === true,
    sealKey: text('seal-key'),
  }
}
