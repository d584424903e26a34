/**
 * io-ts validation errors as sentences a person can act on: where (the path of fields), what was
 * expected and what was found.
 */
import * as t from 'io-ts'

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

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

const describeType = (type: t.Decoder<unknown, unknown>): string =>
  type instanceof t.KeyofType ? `one of ${Object.keys(type.keys as object).join(', ')}` : (READABLE_NAMES[type.name] ?? type.name)

// Members of intersections and unions, and the base of refinements, add a level to io-ts's
// context that is not a field of the data.
const isStructural = (type: t.Decoder<unknown, unknown>): boolean =>
  type instanceof t.IntersectionType || type instanceof t.UnionType || type instanceof t.RefinementType || type instanceof t.ReadonlyType || type instanceof t.ExactType

const pathOf = (context: t.Context): string => {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type
    const entry = context[i]
    if (entry === undefined || parent === undefined || entry.key === '' || isStructural(parent)) continue
    path += /^\d+$/.test(entry.key) && (parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType) ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`
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
    return `${where}expected ${[...new Set(expected)].join(' or ')}, got ${describeValue(actual)}`
  })
}
