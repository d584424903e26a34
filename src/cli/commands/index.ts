/**
 * Every command, in help order: its name, options and help, all that parsing and help need. Every run loads this table,
 * and the commands' code (./implementations.ts) only when one runs, so `--help` or a usage error start almost as fast
 * as Node (docs/performance.md, "Fast start"). The help is plain strings, not the domain's constants:
 * test/cli/fast-start.test.ts checks they agree.
 */
import type { Command, OptionSpec } from '../command.js'

/** The `--abandoned-after` option (its default is DEFAULT_ABANDONED_AFTER_MS). */
export const ABANDONED_AFTER: OptionSpec = {
  type: 'string',
  value: 'DURATION',
  help:
    'mark releases still running with no event for longer than this as possibly abandoned (default 1h; 90s, ' +
    '30m, 2h, 1d)',
}

// Where a release id is taken, so is a reference (docs/cli.md, "Release references").
const REFERENCES =
  ' RELEASE_ID may be a reference: a unique prefix of an id, or ENV@current, ENV@~N (N before the current one) or ' +
  'ENV@last-good.'
// Tables fit the terminal (the widest columns cut with an ellipsis, ids never): --wide shows them whole.
const WIDE: OptionSpec = { type: 'boolean', help: 'whole rows on a terminal too: no column cut to fit its width' }

const TIME_FORMS =
  'an RFC 3339 timestamp (2025-01-01T14:02:00Z), a date (2025-01-01, its midnight UTC) or a duration ago (2h)'

// Every write takes one: an orchestrator that retries after any error or timeout records nothing twice.
const REQUEST_ID: OptionSpec = {
  type: 'string',
  value: 'ID',
  help:
    'your name for this write (up to 200 characters): run again with the same arguments, it records nothing ' +
    'and prints the same; with others, it is refused',
}

// Long work shows a progress line on a terminal (stderr); this turns it off.
const QUIET_PROGRESS: OptionSpec = { type: 'boolean', short: 'q', help: 'no progress line on the terminal' }

const create: Command = {
  name: 'create',
  summary: 'Record a new release of a version to an environment',
  synopsis:
    '--env E --version V [--commit SHA] [--rollback-of ID] [--note TEXT] [--supersede] [--request-id ID] [--quiet]',
  description:
    "Records a new release: every phase starts pending, and its previous release is the environment's current one. " +
    'With --rollback-of, the event records that this release redeploys an earlier release of the same environment ' +
    '(releases.json keeps its fixed format; history shows "rollback to ..."). A release still running in the ' +
    'environment refuses the create (RELEASE_IN_PROGRESS) unless it looks abandoned (then a warning names it) or ' +
    '--supersede is given. ' +
    "Note: after a command, --version is the release's version, not the program's.",
  options: {
    env: { type: 'string', short: 'e', value: 'E', help: 'the environment deployed to (required)' },
    version: { type: 'string', value: 'V', help: 'the version deployed, such as v1.2.3 or a git SHA (required)' },
    commit: {
      type: 'string',
      value: 'SHA',
      help:
        'the git commit deployed: 7 to 40 or 64 hex characters; other text (up to 256 characters) is recorded ' +
        'with a warning',
    },
    'rollback-of': {
      type: 'string',
      value: 'ID',
      help: 'the earlier release of the environment this one redeploys (an id or a reference: prod@last-good)',
    },
    note: { type: 'string', value: 'TEXT', help: 'why the release is made, recorded in the history' },
    supersede: {
      type: 'boolean',
      help:
        "create it even though the environment's current release still has a phase running (else " +
        'RELEASE_IN_PROGRESS), recording that the new release supersedes it',
    },
    'request-id': REQUEST_ID,
    quiet: { type: 'boolean', short: 'q', help: 'print only the new release id (for scripts; not with --json)' },
  },
  examples: [
    'stagecraft-state create --env prod --version v1.2.3 --commit abc123def456',
    'REL=$(stagecraft-state create --env prod --version v1.2.2 --rollback-of rel-20250101-120000000 --quiet)',
  ],
}

const phase: Command = {
  name: 'phase',
  summary: 'Record a phase transition of a release',
  synopsis: 'RELEASE_ID PHASE STATUS [--reason TEXT] [--request-id ID]',
  description:
    'Moves one phase of a release to a status. Phases: build, push, migrate_pre, rollout, migrate_post, ' +
    'finalize. Statuses: pending, running, completed, failed, skipped. ' +
    'A pending phase may become running, completed, failed or skipped; a running one completed, failed or skipped; ' +
    'completed, failed and skipped are final. Recording the status a phase already has records nothing (a safe ' +
    `retry).${REFERENCES}`,
  positionals: ['RELEASE_ID', 'PHASE', 'STATUS'],
  options: {
    reason: { type: 'string', value: 'TEXT', help: 'why, recorded in the history (say why a rollout failed)' },
    'request-id': REQUEST_ID,
  },
  examples: [
    'stagecraft-state phase rel-20250101-120000000 rollout running',
    'stagecraft-state phase rel-20250101-120000000 rollout failed --reason "health checks failed"',
  ],
}

const show: Command = {
  name: 'show',
  summary: 'Show one release in detail',
  synopsis: 'RELEASE_ID [--abandoned-after DURATION]',
  description:
    'Shows a release: its environment, version, commit, creation time, previous release, what it rolls ' +
    'back to and its note (from the history), and every phase. With --json, its releases.json record.' +
    REFERENCES,
  positionals: ['RELEASE_ID'],
  options: { 'abandoned-after': ABANDONED_AFTER },
  examples: ['stagecraft-state show rel-20250101-120000000', 'stagecraft-state show prod@~1 --json'],
}

const diff: Command = {
  name: 'diff',
  summary: 'Show what changed between two releases',
  synopsis: 'RELEASE_A RELEASE_B',
  description:
    'Compares release A with release B: environment, version, commit, overall status, the status of every ' +
    'phase (from -> to where it changed), who recorded each (the actors of its events in the history) and the time ' +
    'between their creations. Nothing is recorded. With --json: from, to, environment, version, commitSha, status ' +
    'and actors as {from, to, changed}, phases as a list of {phase, from, to, changed}, and elapsedMs.',
  positionals: ['RELEASE_A', 'RELEASE_B'],
  examples: [
    'stagecraft-state diff rel-20250101-120000000 rel-20250102-090000000',
    'stagecraft-state diff rel-20250101-120000000 rel-20250102-090000000 --json',
  ],
}

const current: Command = {
  name: 'current',
  summary: "Show an environment's current release (or every environment's)",
  synopsis: '[--env E] [--abandoned-after DURATION] [--wide]',
  description:
    "With --env, shows the environment's current release (its newest) in detail, or fails when it has none. " +
    'Without --env, a table of the current release of every environment (with --json, an array of records).',
  options: {
    env: { type: 'string', short: 'e', value: 'E', help: 'the environment' },
    'abandoned-after': ABANDONED_AFTER,
    wide: WIDE,
  },
  examples: ['stagecraft-state current --env prod', 'stagecraft-state current --env prod --json'],
}

const list: Command = {
  name: 'list',
  summary: 'List releases, newest first',
  synopsis: '[--env E] [--status STATUS] [--limit N] [--max N] [--abandoned] [--abandoned-after DURATION] [--wide]',
  description:
    'Lists the releases of one environment, or of all (environments in name order, each newest first): ' +
    'id, environment, version, short commit, creation time (how long ago, on a terminal) and overall status ' +
    '(pending, in progress, completed, recovered, failed). A release not finished (pending or in progress) ' +
    'with no event for a long time is marked possibly abandoned. With --json, an array of releases.json ' +
    'records; with -o json, jsonl or yaml, the releases of docs/json.md.',
  options: {
    env: { type: 'string', short: 'e', value: 'E', help: 'only this environment' },
    status: {
      type: 'string',
      value: 'STATUS',
      help: 'only releases of this overall status: pending, in-progress, completed, recovered, failed',
    },
    limit: { type: 'string', value: 'N', help: 'at most N releases of each environment, the newest' },
    max: { type: 'string', short: 'n', value: 'N', help: 'at most N releases in all, the first N of the list' },
    wide: WIDE,
    abandoned: { type: 'boolean', help: 'only the releases possibly abandoned' },
    'abandoned-after': ABANDONED_AFTER,
  },
  examples: [
    'stagecraft-state list',
    'stagecraft-state list --env prod --limit 5',
    'stagecraft-state list --abandoned --json',
  ],
}

const history: Command = {
  name: 'history',
  summary: 'Show the audit trail, oldest first',
  synopsis: '[--env E] [--release ID] [--since T] [--until T] [--max N] [--wide]',
  description:
    'Shows every recorded event, oldest first: when it was recorded, its type, the release, the phase and ' +
    'its change (from -> to), who recorded it, ' +
    'and the reason or note ("rollback to ..." for a release that redeploys an earlier one). An accepted ' +
    'outside edit (reconciled) takes a line per difference it made: ' +
    'a phase from -> to, a field such as "version v1 -> v2", a release added or removed. Given filters ' +
    'must all hold; --since later than --until is refused, ' +
    'and so is --release of a release that does not exist. ' +
    'The trail is printed as it is read (history | head returns at once); on a terminal, only the newest 50 ' +
    'events unless --max or --since is given. ' +
    'With --json, an array of events with their envelope: position, id, time, type, release, releases, ' +
    'actor, host, pid, command, v, payload (the event as recorded); with -o json, jsonl or yaml, the events ' +
    'of docs/json.md.',
  options: {
    env: { type: 'string', short: 'e', value: 'E', help: 'only events about releases of this environment' },
    release: {
      type: 'string',
      value: 'ID',
      help: 'only events about this release (an id or a reference: prod@current)',
    },
    since: { type: 'string', value: 'T', help: `only events recorded at or after T: ${TIME_FORMS}` },
    until: { type: 'string', value: 'T', help: 'only events recorded at or before T (same forms)' },
    max: {
      type: 'string',
      short: 'n',
      value: 'N',
      help: 'only the newest N events, oldest first (on a terminal, 50 by default)',
    },
    wide: WIDE,
  },
  examples: [
    'stagecraft-state history --env prod',
    'stagecraft-state history --release prod@current',
    'stagecraft-state history --since 2h -o jsonl',
  ],
}

const replay: Command = {
  name: 'replay',
  summary: 'Print releases.json as it was at an instant',
  synopsis: '--at T',
  description:
    'Folds every event recorded at or before T and prints the releases.json that state projects to, byte for byte ' +
    '(no newline is added, so "replay --at T > old.json" reproduces the file; on a terminal a newline ' +
    'ends the output). ' +
    `T is ${TIME_FORMS}. --json changes nothing: the output is JSON already. ` +
    'Before the history starts, the snapshot is empty and a warning on stderr says when the history ' +
    'starts (or that it starts with an import).',
  options: { at: { type: 'string', value: 'T', help: 'the instant (required)' } },
  examples: ['stagecraft-state replay --at 2025-01-01T14:02:00Z > releases-at-1402.json'],
}

const verify: Command = {
  name: 'verify',
  summary: 'Check the whole store; exit 0 only when it is sound',
  synopsis: '[--trust PUBLIC_KEY]... [--max-seal-age DURATION] [--head N:HASH] [--quiet]',
  options: {
    quiet: QUIET_PROGRESS,
    trust: {
      type: 'string',
      value: 'PUBLIC_KEY',
      multiple: true,
      help:
        'check every seal against these Ed25519 public keys (PEM; repeat it for rotated keys): one that does not ' +
        'verify is an error, and the log must hold a valid seal',
    },
    'max-seal-age': {
      type: 'string',
      value: 'DURATION',
      help: 'with --trust: fail when the newest valid seal is older than this (24h, 7d): catches seals deleted',
    },
    head: {
      type: 'string',
      value: 'N:HASH',
      help: 'a chain head recorded earlier (as verify prints it): fail unless event N still has that SHA-256',
    },
  },
  description:
    'Checks every line of the event log decodes, the hash chain is unbroken, release ids are unique and ' +
    'increasing, every previous_id chain is whole, ' +
    'and releases.json equals the projection of the log. Prints each problem with its file and line ' +
    '(errors make the store unsound; warnings are kept on purpose), ' +
    'then the verdict and the head of the hash chain (the last event and the SHA-256 of its line: record ' +
    'it to detect later that the log was cut back). ' +
    'Seals (HeadSealed events) are checked against the log; with --trust, against the keys too ' +
    '(docs/audit.md). ' +
    'Exit 0 when sound, 1 when not. With --json, the report: sound, store, events, releases, head, problems, ' +
    'and seals when there are any.',
  examples: [
    'stagecraft-state verify',
    'stagecraft-state verify --json',
    'stagecraft-state verify --trust seal.pem.pub --max-seal-age 7d',
    'stagecraft-state verify --head 1234:3f9a...',
  ],
}

const rollbackTarget: Command = {
  name: 'rollback-target',
  summary: 'Show the release a rollback would redeploy',
  synopsis: '--env E (--to-previous | --to-release ID | --to-version V | --to-last-good)',
  description:
    'Finds the release a rollback of the environment would redeploy: it must belong to the environment, ' +
    'have completed every phase, and not be the current release. ' +
    "--to-previous: the current release's previous one. --to-release: that release. --to-version: the " +
    'newest release of that version. ' +
    '--to-last-good: the newest release other than the current one that completed every phase (when the ' +
    'previous release failed too). ' +
    'Prints the target and the create command that records the rollback; fails with the reason when there ' +
    'is none. Nothing is recorded.',
  options: {
    env: { type: 'string', short: 'e', value: 'E', help: 'the environment to roll back (required)' },
    'to-previous': { type: 'boolean', help: "the current release's previous release" },
    'to-release': { type: 'string', value: 'ID', help: 'a given release of the environment (an id or a reference)' },
    'to-version': { type: 'string', value: 'V', help: 'the newest release of the environment with this version' },
    'to-last-good': { type: 'boolean', help: 'the newest earlier release that completed every phase' },
  },
  examples: [
    'stagecraft-state rollback-target --env prod --to-last-good',
    'stagecraft-state rollback-target --env prod --to-version v1.2.2 --json',
  ],
}

const recover: Command = {
  name: 'recover',
  summary: 'Close out a release left behind by a crashed or killed orchestrator',
  synopsis: 'RELEASE_ID --reason TEXT [--request-id ID]',
  description:
    'Its running phases become failed and its pending phases skipped, through the normal transitions, ' +
    'each recorded in the history with the reason. ' +
    'A release with nothing running or pending is left as it is. Use it for releases list marks as ' +
    'possibly abandoned, once you know their orchestrator is gone.' +
    REFERENCES,
  positionals: ['RELEASE_ID'],
  options: {
    reason: { type: 'string', value: 'TEXT', help: 'why, recorded with every transition (required)' },
    'request-id': REQUEST_ID,
  },
  examples: ['stagecraft-state recover rel-20250101-120000000 --reason "CI runner killed during rollout"'],
}

const importSnapshot: Command = {
  name: 'import',
  summary: 'Make a releases.json without an event log the start of the history',
  synopsis: '',
  description:
    'Records the releases of a releases.json that has no event log yet (written by the Go Stagecraft or ' +
    'by hand) as the first event of a new history, leaving the file as it is. ' +
    'The first write would do the same; importing first makes the history start before anything changes. ' +
    'Does nothing when the history already exists. ' +
    'With --json: {"imported": N, "state_file": PATH}.',
  examples: ['STAGECRAFT_STATE_FILE=deploy/releases.json stagecraft-state import'],
}

const reconcile: Command = {
  name: 'reconcile',
  summary: 'Resolve STATE_DRIFT: accept or undo an outside edit of releases.json',
  synopsis: '(--accept | --restore)',
  description:
    'When releases.json was changed outside stagecraft-state, writes fail with STATE_DRIFT. --accept ' +
    "records the file's changes in the history (as an event saying so); " +
    '--restore rewrites the file from the history, keeping the edited file aside. With --json: {"mode", ' +
    '"changed", "kept_aside"}.',
  options: {
    accept: { type: 'boolean', help: "record the file's changes in the history" },
    restore: { type: 'boolean', help: 'rewrite the file from the history (the edited file is kept aside)' },
  },
  examples: ['stagecraft-state reconcile --accept', 'stagecraft-state reconcile --restore'],
}

const migrate: Command = {
  name: 'migrate',
  summary: 'Move the history to another store (file <-> PostgreSQL), keeping every hash',
  synopsis: '--from STORE --to STORE [--batch N] [--quiet]',
  description:
    'Copies every event of the --from store into the --to store, in order, with the same lines and ' +
    "hashes, then writes the target's releases.json (for a file store) and verifies both sides. " +
    'A STORE is a state file path or a postgres:// URL (?schema=NAME picks the schema). The source must ' +
    'verify; the target must be empty, or hold the start of the same history ' +
    '(an earlier move of a history that has grown since: only the rest is copied); a refused move changes ' +
    'nothing. Both stores are locked while events are copied, and the target ' +
    'gets them all at once or none: a migration killed part-way leaves it as it was. With --json: from, ' +
    'to, events, copied, hash, source and target verify reports.',
  options: {
    from: { type: 'string', value: 'STORE', help: 'the store to copy from: a state file path, or a postgres:// URL' },
    to: { type: 'string', value: 'STORE', help: 'the store to copy into: a state file path, or a postgres:// URL' },
    batch: {
      type: 'string',
      value: 'N',
      help: 'events per append to the target (default 500); all are committed together',
    },
    quiet: QUIET_PROGRESS,
  },
  examples: [
    'stagecraft-state migrate --from .stagecraft/releases.json --to ' +
      '"postgres://deploy@db.internal/deploys?schema=shop"',
    'stagecraft-state migrate --from "postgres://deploy@db.internal/deploys?schema=shop" --to backup/releases.json',
  ],
}

const completion: Command = {
  name: 'completion',
  summary: 'Print a shell completion script (bash, zsh or fish)',
  synopsis: 'SHELL',
  description:
    'Prints a script that completes commands, options, phases, statuses and file paths in bash, zsh or fish, ' +
    'generated from the same tables as this help. Release ids and environments are not completed: that would ' +
    'read the store on every Tab.',
  positionals: ['SHELL'],
  examples: [
    'source <(stagecraft-state completion bash)    # in ~/.bashrc',
    'source <(stagecraft-state completion zsh)     # in ~/.zshrc, after compinit',
    'stagecraft-state completion fish > ~/.config/fish/completions/stagecraft-state.fish',
  ],
}

const stats: Command = {
  name: 'stats',
  summary: 'Deploy metrics: frequency, change failure rate, time to restore, phase durations',
  synopsis: '[--env E] [--since T] [--until T] [--abandoned-after DURATION] [--wide]',
  description:
    'Measures the releases created in a window (default: the last 30 days), per environment and overall: ' +
    'releases created and completed (per day and per week), where they stand (completed, failed, recovered, ' +
    'unfinished, abandoned), the change failure rate (failed of those finished), the share rolled back by the ' +
    'next release, the time to restore (from the event that failed a release to the one that completed a later ' +
    "release of its environment) and each phase's duration from running to its final status (median, p90, max). " +
    'Phases with no running event (imported from a Go releases.json) count as no timing, never guessed. ' +
    'docs/metrics.md defines each figure. Nothing is recorded; an empty window prints so and exits 0. With ' +
    '--json or -o json|yaml, the DeployStats value of docs/json.md.',
  options: {
    env: { type: 'string', short: 'e', value: 'E', help: 'only this environment' },
    since: {
      type: 'string',
      value: 'T',
      help: `releases created at or after T (default: 30 days before --until): ${TIME_FORMS}`,
    },
    until: {
      type: 'string',
      value: 'T',
      help: 'releases created at or before T, and events up to T (default: now; same forms)',
    },
    'abandoned-after': ABANDONED_AFTER,
    wide: WIDE,
  },
  examples: [
    'stagecraft-state stats',
    'stagecraft-state stats --env prod --since 7d',
    'stagecraft-state stats --since 2025-01-01 --until 2025-04-01 -o json',
  ],
}

const report: Command = {
  name: 'report',
  summary: 'Write the history as one self-contained HTML page',
  synopsis: '--html FILE [--since T] [--until T] [--env E] [--quiet]',
  description:
    'Writes an HTML page to look at: a timeline per environment (a bar per release from its creation to its last ' +
    'event, coloured by outcome, rollbacks and recoveries marked), the audit trail (who recorded what; recoveries ' +
    'with their reasons, rollbacks, imports, reconciles and outside changes apart), and the result of verify with ' +
    'the chain head. One file, nothing loaded from anywhere: it opens from disk in any browser. With many releases ' +
    'it shows the newest 100 of each environment and the newest 500 events, and counts the rest. The file is ' +
    'replaced whole, or left as it was. Exit 0 when written, whatever verify found (the page says). With --json: ' +
    'file, releases, environments, events, sound.',
  options: {
    html: { type: 'string', value: 'FILE', help: 'the file to write (required); - writes the page to stdout' },
    since: {
      type: 'string',
      value: 'T',
      help: `only releases created and events recorded at or after T: ${TIME_FORMS}`,
    },
    until: { type: 'string', value: 'T', help: 'only those at or before T (same forms)' },
    env: { type: 'string', short: 'e', value: 'E', help: 'only this environment' },
    quiet: QUIET_PROGRESS,
  },
  examples: [
    'stagecraft-state report --html deploys.html',
    'stagecraft-state report --html prod-week.html --env prod --since 7d',
  ],
}

const keygen: Command = {
  name: 'keygen',
  summary: 'Make an Ed25519 key pair for seals',
  synopsis: '--out FILE',
  description:
    'Writes a new Ed25519 private key to FILE (PKCS#8 PEM, readable by you only) and its public key to FILE.pub ' +
    '(SPKI PEM), and prints the key id (the SHA-256 of the public key). Refuses to replace either file. Keep the ' +
    'private key with whoever seals (not with the runners that write the log, where that matters: docs/audit.md); ' +
    'give the public key to verify --trust. Keys made by OpenSSL (openssl genpkey -algorithm ed25519) work too. ' +
    'With --json: private, public, keyId.',
  options: {
    out: { type: 'string', value: 'FILE', help: 'where the private key goes; the public key goes to FILE.pub' },
  },
  examples: ['stagecraft-state keygen --out ~/.config/stagecraft/seal.pem'],
}

const seal: Command = {
  name: 'seal',
  summary: 'Sign the head of the store and record it (a HeadSealed event)',
  synopsis: '[--key FILE]',
  description:
    'Records a HeadSealed event: the last event of the store and the SHA-256 of its line, the time and the key id, ' +
    'signed with an Ed25519 private key. verify --trust then shows a log rewritten before the seal, even with its ' +
    'hash chain recomputed (docs/audit.md). A key that is missing, unreadable or not an Ed25519 private key, or an ' +
    'empty store, records nothing. With --json: position, head, sealedAt, keyId.',
  options: {
    key: {
      type: 'string',
      value: 'FILE',
      help: 'the Ed25519 private key in PEM (default: --seal-key, else $STAGECRAFT_SEAL_KEY)',
    },
  },
  examples: ['stagecraft-state seal --key ~/.config/stagecraft/seal.pem'],
}

export const COMMANDS: ReadonlyArray<Command> = [
  create,
  phase,
  show,
  diff,
  current,
  list,
  history,
  replay,
  verify,
  rollbackTarget,
  recover,
  importSnapshot,
  reconcile,
  migrate,
  completion,
  stats,
  report,
  keygen,
  seal,
]

/** The command with this name. */
export const commandNamed = (name: string): Command | undefined => COMMANDS.find((command) => command.name === name)
