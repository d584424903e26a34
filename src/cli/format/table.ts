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
}

/** A cell, or plain text. */
export type CellInput = string | Cell

// A cell holds its text as the terminal shows it: escaped, so that widths are measured on what is printed.
const cellOf = (input: CellInput): Cell =>
  typeof input === 'string' ? { text: visible(input) } : { ...input, text: visible(input.text) }

// string-width is slow to load: printable ASCII, one cell a character (as string-width says too), never loads it. Node
// 20.19 and later require() an ES module, so it loads synchronously when first needed.
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/
let stringWidth: typeof stringWidthOf | undefined
const loadStringWidth = (): typeof stringWidthOf =>
  (createRequire(import.meta.url)('string-width') as { default: typeof stringWidthOf }).default

/** The terminal cells a text takes, grapheme cluster by grapheme cluster: wide characters 2, combining marks 0. */
export const displayWidth = (text: string): number =>
  PRINTABLE_ASCII.test(text) ? text.length : (stringWidth ??= loadStringWidth())(text)

/** The lines of a table: a header line (when `headers` is given), then one line per row. */
export const renderTable = (
  headers: ReadonlyArray<string> | undefined,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  style: Style,
  gap = 2,
): string[] => {
  const all: Cell[][] = [
    ...(headers === undefined ? [] : [headers.map((text) => ({ text, paint: style.bold }))]),
    ...rows.map((row) => row.map(cellOf)),
  ]
  const columns = Math.max(0, ...all.map((row) => row.length))
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...all.map((row) => displayWidth(row[column]?.text ?? ''))),
  )
  return all.map((row) => {
    // Trailing empty cells would only add blanks at the end of the line.
    let last = row.length - 1
    while (last > 0 && (row[last]?.text ?? '') === '') last--
    return row
      .slice(0, last + 1)
      .map((cell, column) => {
        const padded =
          column === last ? cell.text : cell.text + ' '.repeat((widths[column] ?? 0) - displayWidth(cell.text) + gap)
        return cell.paint === undefined || cell.text === ''
          ? padded
          : cell.paint(cell.text) + padded.slice(cell.text.length)
      })
      .join('')
  })
}
