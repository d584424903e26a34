/** io-ts validation errors as sentences a person can act on: where, what was expected, and what was found. */
import * as t from 'io-ts'
import { showValue } from './show.js'

// Codec names are identifiers (a brand's name must match its type); people read these instead.
const READABLE_NAMES: Readonly<Record<string, string>> = {
  Timestamp: 'an RFC 3339 timestamp',
  ReleaseId: 'a non-empty release id',
  Ulid: 'a ULID',
  Int: 'an integer',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  UnknownRecord: 'an object',
  UnknownArray: 'an array',
}

// A codec's own name is TypeScript (`Partial<{ releases: ... }>`): a person reads what kind of value it wants.
const describeType = (type: t.Decoder<unknown, unknown>): string => {
  if (type instanceof t.KeyofType) return `one of ${Object.keys(type.keys as object).join(', ')}`
  const readable = READABLE_NAMES[type.name]
  if (readable !== undefined) return readable
  if (type instanceof t.LiteralType) return showValue(type.value)
  if (type instanceof t.UnionType)
    return (type.types as ReadonlyArray<t.Decoder<unknown, unknown>>).map(describeType).join(' or ')
  if (type instanceof t.ArrayType || type instanceof t.ReadonlyArrayType) return 'an array'
  if (
    type instanceof t.InterfaceType ||
    type instanceof t.PartialType ||
    type instanceof t.StrictType ||
    type instanceof t.DictionaryType ||
    type instanceof t.ExactType ||
    type instanceof t.IntersectionType
  )
    return 'an object'
  if (type instanceof t.RefinementType || type instanceof t.ReadonlyType)
    return describeType(type.type as t.Decoder<unknown, unknown>)
  return 'a value of another kind'
}

// Intersections, unions and refinements add levels to io-ts's context that are not fields of the data.
const isStructural = (type: t.Decoder<unknown, unknown>): boolean =>
  type instanceof t.IntersectionType ||
  type instanceof t.UnionType ||
  type instanceof t.RefinementType ||
  type instanceof t.ReadonlyType ||
  type instanceof t.ExactType

const pathOf = (context: t.Context): string => {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type
    const entry = context[i]
    if (entry === undefined || parent === undefined || entry.key === '' || isStructural(parent)) continue
    path +=
      /^\d+$/.test(entry.key) && (parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType)
        ? `[${entry.key}]`
        : path === ''
          ? entry.key
          : `.${entry.key}`
  }
  return path
}

/** One line per distinct problem, e.g. `timestamp: expected Timestamp, got "yesterday"`. */
export const describeDecodeErrors = (errors: t.Errors): ReadonlyArray<string> => {
  const byPath = new Map<string, { expected: string[]; actual: unknown; message?: string }>()
  for (const error of errors) {
    const last = error.context[error.context.length - 1]
    const path = pathOf(error.context)
    const entry = byPath.get(path) ?? { expected: [], actual: error.value }
    if (error.message !== undefined) entry.message = error.message
    else if (last !== undefined) entry.expected.push(describeType(last.type))
    byPath.set(path, entry)
  }
  return [...byPath].map(([path, { expected, actual, message }]) => {
    const where = path === '' ? '' : `${path}: `
    if (message !== undefined) return `${where}${message}`
    return `${where}expected ${[...new Set(expected)].join(' or ')}, got ${showValue(actual)}`
  })
}
