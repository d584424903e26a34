/**
 * Aligned columns, measured in terminal cells on the plain text (生产 takes two cells a character, a combining accent
 * none) and painted after padding, so colours never push a column out of line; the last column is not padded.
 */
import { createRequire } from 'node:module'
import type stringWidthOf from 'string-width'
import type { Style } from './style.js'
import { visible } from './visible.js'

/** A cell: its text, and how to paint it. */
export interface Cell {
  readonly text: string
  readonly paint?: ((text: string) => string) | undefined
  /** A shorter text for a column never truncated, when the table must narrow (ids dropped whole: `a and 2 more`). */
  readonly compact?: string | undefined
}

/** A cell, or plain text. */
export type CellInput = string | Cell

// A cell holds its text as the terminal shows it: escaped, so that widths are measured on what is printed.
const cellOf = (input: CellInput): Cell =>
  typeof input === 'string'
    ? { text: visible(input) }
    : { ...input, text: visible(input.text), compact: input.compact === undefined ? undefined : visible(input.compact) }

// string-width is slow to load: printable ASCII, one cell a character (as string-width says too), never loads it. Node
// 20.19 and later require() an ES module, so it loads synchronously when first needed.
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/
let stringWidth: typeof stringWidthOf | undefined
const loadStringWidth = (): typeof stringWidthOf =>
  (createRequire(import.meta.url)('string-width') as { default: typeof stringWidthOf }).default

/** The terminal cells a text takes, grapheme cluster by grapheme cluster: wide characters 2, combining marks 0. */
export const displayWidth = (text: string): number =>
  PRINTABLE_ASCII.test(text) ? text.length : (stringWidth ??= loadStringWidth())(text)

/** How a table is laid out beyond its cells. */
export interface TableLayout {
  /** The widest a line may be (a terminal's width): the widest columns are truncated with an ellipsis to fit. */
  readonly maxWidth?: number | undefined
  /** The columns never truncated (ids). */
  readonly keep?: ReadonlyArray<number> | undefined
  /** Widths each column has at least (a streamed table keeps the widths of the lines it printed before). */
  readonly atLeast?: ReadonlyArray<number> | undefined
}

// A truncated column keeps this many cells (its ellipsis included), unless its text is shorter.
const NARROWEST = 4
const ELLIPSIS = '\u2026'
// Made on the first cell cut, not when the module loads: building one costs every command milliseconds at start-up.
let graphemes: Intl.Segmenter | undefined

/** `text` in at most `width` cells: whole grapheme clusters, then an ellipsis when some were left out. */
export const truncate = (text: string, width: number): string => {
  if (displayWidth(text) <= width) return text
  let kept = ''
  let used = 0
  for (const { segment } of (graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(text)) {
    const cells = displayWidth(segment)
    if (used + cells > width - 1) break
    kept += segment
    used += cells
  }
  return kept + ELLIPSIS
}

/** Column widths that fit `maxWidth` where they can: the widest truncatable column loses a cell at a time. */
const fitted = (natural: number[], gap: number, { maxWidth, keep = [] }: TableLayout): number[] => {
  const widths = [...natural]
  if (maxWidth === undefined) return widths
  let excess = widths.reduce((sum, width) => sum + width, 0) + gap * Math.max(0, widths.length - 1) - maxWidth
  while (excess > 0) {
    let widest = -1
    widths.forEach((width, column) => {
      const floor = Math.min(natural[column] ?? 0, NARROWEST)
      if (!keep.includes(column) && width > floor && (widest === -1 || width > (widths[widest] ?? 0))) widest = column
    })
    if (widest === -1) break
    widths[widest] = (widths[widest] ?? 0) - 1
    excess--
  }
  return widths
}

/** The lines of a table and the widths of its columns. */
export const layoutTable = (
  headers: ReadonlyArray<string> | undefined,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  style: Style,
  gap = 2,
  layout: TableLayout = {},
): { lines: string[]; widths: number[] } => {
  let all: Cell[][] = [
    ...(headers === undefined ? [] : [headers.map((text) => ({ text, paint: style.bold }))]),
    ...rows.map((row) => row.map(cellOf)),
  ]
  const columns = Math.max(0, ...all.map((row) => row.length))
  const naturalOf = (table: Cell[][]): number[] =>
    Array.from({ length: columns }, (_, column) =>
      Math.max(layout.atLeast?.[column] ?? 0, ...table.map((row) => displayWidth(row[column]?.text ?? ''))),
    )
  let natural = naturalOf(all)
  const total = natural.reduce((sum, width) => sum + width, 0) + gap * Math.max(0, columns - 1)
  if (layout.maxWidth !== undefined && total > layout.maxWidth && all.some((row) => row.some((c) => c.compact))) {
    all = all.map((row) => row.map((cell) => (cell.compact === undefined ? cell : { ...cell, text: cell.compact })))
    natural = naturalOf(all)
  }
  const widths = fitted(natural, gap, layout)
  const lines = all.map((row) => {
    // Trailing empty cells would only add blanks at the end of the line.
    let last = row.length - 1
    while (last > 0 && (row[last]?.text ?? '') === '') last--
    return row
      .slice(0, last + 1)
      .map((cell, column) => {
        const width = widths[column] ?? 0
        const text = truncate(cell.text, width)
        const padded = column === last ? text : text + ' '.repeat(width - displayWidth(text) + gap)
        return cell.paint === undefined || text === '' ? padded : cell.paint(text) + padded.slice(text.length)
      })
      .join('')
  })
  return { lines, widths }
}

/** The lines of a table: a header line (when `headers` is given), then one line per row. */
export const renderTable = (
  headers: ReadonlyArray<string> | undefined,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  style: Style,
  gap = 2,
  layout: TableLayout = {},
): string[] => layoutTable(headers, rows, style, gap, layout).lines
