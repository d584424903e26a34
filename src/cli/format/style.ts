/** Colour on a terminal only, never with `NO_COLOR` or a `dumb` terminal; `FORCE_COLOR` asks for it on a pipe. */
import type { PhaseStatus } from '../../index.js'
import type { ReleaseStatus } from '../../internals.js'
import { visible } from './visible.js'

/** Ways to paint text; each shows it `visible` (a painted value is often an id), and only that when colour is off. */
export interface Style {
  readonly enabled: boolean
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly red: (text: string) => string
  readonly green: (text: string) => string
  readonly yellow: (text: string) => string
  readonly cyan: (text: string) => string
  readonly magenta: (text: string) => string
}

const set = (value: string | undefined): boolean => value !== undefined && value !== ''

/** Whether output to a stream should be coloured. */
export const colourWanted = (isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean => {
  if (set(env['NO_COLOR'])) return false
  const force = env['FORCE_COLOR']
  if (set(force)) return force !== '0' && force !== 'false'
  return isTTY && env['TERM'] !== 'dumb'
}

/**
 * The mark before each SGR code the palette writes: a NUL and a number drawn per run, which no value holds. output.ts
 * keeps marked codes and escapes every other control, so the palette's are the only escapes the CLI prints.
 */
export const PAINT_MARK = `\u0000${Math.random().toString(36).slice(2, 12)}`

const sgr = (on: number, off: number) => (text: string) =>
  `${PAINT_MARK}\u001b[${on}m${visible(text)}${PAINT_MARK}\u001b[${off}m`
const plain = visible

/** The palette, painting when `enabled`. */
export const styleFor = (enabled: boolean): Style =>
  enabled
    ? {
        enabled,
        bold: sgr(1, 22),
        dim: sgr(2, 22),
        red: sgr(31, 39),
        green: sgr(32, 39),
        yellow: sgr(33, 39),
        cyan: sgr(36, 39),
        magenta: sgr(35, 39),
      }
    : { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, magenta: plain }

/** The paint for the status of a release or of a phase. */
export const statusPaint = (style: Style, status: ReleaseStatus | PhaseStatus): ((text: string) => string) => {
  switch (status) {
    case 'completed':
      return style.green
    case 'failed':
      return style.red
    case 'running':
    case 'in progress':
    case 'recovered': // closed, but the deploy did not finish: a warning, never the green of success
      return style.yellow
    case 'skipped':
    case 'pending':
      return style.dim
  }
}
