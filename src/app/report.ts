/**
 * `report`: the HTML page of a store's history (report-data.ts gathers, report-html.ts renders), returned, and written
 * to a file when one is given: whole or not at all (a temporary file beside it, then a rename).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseEnvironment } from '../domain/input.js'
import type { State } from '../domain/state.js'
import { ioError, isStateError, StateError } from '../domain/state-error.js'
import { type EventStore, type OnProgress, replaceFileSync } from '../store/index.js'
import { parseTime } from './audit.js'
import { gatherReport, type ReportLimits, type ReportWindow } from './report-data.js'
import { reportHtml } from './report-html.js'

/** What `report` covers, and where it writes the page. */
export interface ReportOptions {
  /** Releases created, and events recorded, at or after this instant. */
  readonly since?: Date | string | undefined
  /** At or before this instant. */
  readonly until?: Date | string | undefined
  /** Only this environment. */
  readonly environment?: string | undefined
  /** Write the page to this file (replaced whole); without it, the page is only returned. */
  readonly file?: string | undefined
}

/** What `report` made. */
export interface ReportResult {
  /** The page: one self-contained HTML document. */
  readonly html: string
  /** The file written, as given, when one was. */
  readonly file?: string | undefined
  readonly releases: number
  readonly environments: number
  /** Events in the window. */
  readonly events: number
  /** Whether verify found the store sound. */
  readonly sound: boolean
}

const optional = <A, B>(
  raw: A | undefined,
  parse: (raw: A) => E.Either<StateError, B>,
): E.Either<StateError, B | undefined> => (raw === undefined ? E.right(undefined) : parse(raw))

const parsedWindow = (options: ReportOptions): E.Either<StateError, ReportWindow> =>
  pipe(
    E.Do,
    E.apS(
      'since',
      optional(options.since, (raw) => pipe(parseTime('since', raw), E.mapLeft(StateError.fromDomain))),
    ),
    E.apS(
      'until',
      optional(options.until, (raw) => pipe(parseTime('until', raw), E.mapLeft(StateError.fromDomain))),
    ),
    E.apS(
      'environment',
      optional(options.environment, (raw) => pipe(parseEnvironment(raw), E.mapLeft(StateError.fromDomain))),
    ),
    E.flatMap((window) =>
      window.since !== undefined && window.until !== undefined && window.since.epochMs > window.until.epochMs
        ? E.left(new StateError('INVALID_INPUT', 'since is later than until: the window holds nothing'))
        : E.right(window),
    ),
  )

/** Why a file cannot be written, said before anything is: a missing directory, a directory in its place. */
const unwritable = (file: string, path: string): StateError | undefined => {
  const directory = dirname(path)
  const parent = statSync(directory, { throwIfNoEntry: false })
  if (parent === undefined)
    return new StateError('IO_ERROR', `${file}: could not write the report: its directory ${directory} does not exist`)
  if (!parent.isDirectory())
    return new StateError('IO_ERROR', `${file}: could not write the report: ${directory} is not a directory`)
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true)
    return new StateError('IO_ERROR', `${file}: could not write the report: it is a directory; name a file`)
  return undefined
}

/** Writes the page whole to `path` (`file` as given, for messages), or leaves the file as it was. */
const written = (file: string, path: string, page: string): E.Either<StateError, void> => {
  const refused = unwritable(file, path)
  if (refused !== undefined) return E.left(refused)
  try {
    replaceFileSync(path, Buffer.from(page, 'utf8'))
    return E.right(undefined)
  } catch (error) {
    return E.left(isStateError(error) ? error : ioError('write the report', file, error))
  }
}

/** What the report needs of the manager. */
export interface ReportContext {
  readonly nowMs: number
  readonly abandonedAfterMs: number
  readonly onProgress?: OnProgress | undefined
  readonly limits?: ReportLimits | undefined
  /** Where a relative `file` starts. */
  readonly cwd: string
  /** The state of a releases.json not imported yet, read only when the log holds no event (see gatherReport). */
  readonly unimported?: TE.TaskEither<StateError, State> | undefined
}

/** Gathers, renders and (with `file`) writes the report of `store`. */
export const makeReport = (
  store: EventStore,
  options: ReportOptions,
  context: ReportContext,
): TE.TaskEither<StateError, ReportResult> =>
  pipe(
    TE.fromEither(parsedWindow(options)),
    // A file that cannot be written is said before the whole store is read for it (and again when writing).
    TE.tap(() => {
      const refused =
        options.file === undefined ? undefined : unwritable(options.file, resolve(context.cwd, options.file))
      return refused === undefined ? TE.right(undefined) : TE.left(refused)
    }),
    TE.flatMap((window) => gatherReport(store, { ...context, window })),
    TE.flatMapEither((data) => {
      const page = reportHtml(data)
      const summary: ReportResult = {
        html: page,
        releases: data.environments.reduce((sum, environment) => sum + environment.total, 0),
        environments: data.environments.length,
        events: data.audit.total,
        sound: data.verify.sound,
      }
      return options.file === undefined
        ? E.right(summary)
        : pipe(
            written(options.file, resolve(context.cwd, options.file), page),
            E.map(() => ({ ...summary, file: options.file })),
          )
    }),
  )
