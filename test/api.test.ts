/**
 * The public API cannot drift from its page: docs/api.md lists exactly what src/index.ts exports,
 * each name with its kind, and every export carries TSDoc. Names and kinds come from the
 * TypeScript compiler (type-only exports included); the run-time exports are checked against the
 * module itself.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import * as api from '../src/index.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const INDEX = join(ROOT, 'src', 'index.ts')

type Kind = 'function' | 'constant' | 'class' | 'interface' | 'type'

interface Export {
  readonly name: string
  readonly kind: Kind
  readonly typeOnly: boolean
  readonly documented: boolean
}

const program = (): ts.Program => {
  const configFile = join(ROOT, 'tsconfig.json')
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configFile))
  return ts.createProgram([INDEX], { ...options, noEmit: true })
}

const isFunctionValue = (declaration: ts.Declaration): boolean =>
  ts.isFunctionDeclaration(declaration) ||
  (ts.isVariableDeclaration(declaration) &&
    declaration.initializer !== undefined &&
    (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer)))

const kindOf = (declaration: ts.Declaration): Kind | undefined =>
  ts.isClassDeclaration(declaration)
    ? 'class'
    : ts.isInterfaceDeclaration(declaration)
      ? 'interface'
      : ts.isTypeAliasDeclaration(declaration)
        ? 'type'
        : isFunctionValue(declaration)
          ? 'function'
          : ts.isVariableDeclaration(declaration)
            ? 'constant'
            : undefined

const isTypeDeclaration = (declaration: ts.Declaration): boolean =>
  ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)

/** Whether an export specifier, or the `export type { ... }` it is in, is type-only. */
const isTypeOnlyExport = (symbol: ts.Symbol): boolean =>
  (symbol.declarations ?? []).some(
    (declaration) =>
      ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly),
  )

/** The exports of src/index.ts: for a type-only export, the type it names; else the value. */
const exportsOfIndex = (): Export[] => {
  const built = program()
  const typeChecker = built.getTypeChecker()
  const moduleSymbol = typeChecker.getSymbolAtLocation(built.getSourceFile(INDEX) as ts.SourceFile) as ts.Symbol
  return typeChecker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const typeOnly = isTypeOnlyExport(symbol)
    const target = symbol.flags & ts.SymbolFlags.Alias ? typeChecker.getAliasedSymbol(symbol) : symbol
    const declaration = (target.declarations ?? []).find(
      (d) => kindOf(d) !== undefined && isTypeDeclaration(d) === typeOnly,
    )
    if (declaration === undefined) throw new Error(`src/index.ts exports ${symbol.name}, of no kind this test knows`)
    return {
      name: symbol.name,
      kind: kindOf(declaration) as Kind,
      typeOnly,
      documented: ts.getJSDocCommentsAndTags(declaration).some((doc) => ts.isJSDoc(doc) && doc.comment !== undefined),
    }
  })
}

/** The rows of docs/api.md's tables: `| \`name\` | kind | what it is |`. */
const documentedExports = (): Map<string, string> => {
  const page = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8')
  const rows = new Map<string, string>()
  for (const [, name, kind] of page.matchAll(/^\| `(\w+)` +\| (\w+) +\|/gm)) {
    if (rows.has(name as string)) throw new Error(`docs/api.md lists ${name} twice`)
    rows.set(name as string, kind as string)
  }
  return rows
}

const byName = (entries: Iterable<readonly [string, string]>): Record<string, string> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

describe('the public API', () => {
  let exported: Export[] = []
  beforeAll(() => {
    exported = exportsOfIndex()
  }, 60_000)

  // 0.6.0's deploy metrics (stats) added six types: 54 names.
  it('is about 30 to 60 names, each with its TSDoc', () => {
    expect(exported.length).toBeGreaterThanOrEqual(30)
    expect(exported.length).toBeLessThanOrEqual(60)
    expect(exported.filter((e) => !e.documented).map((e) => e.name)).toEqual([])
  })

  it('is listed in docs/api.md, export by export, each with its kind', () => {
    expect(byName(documentedExports())).toEqual(byName(exported.map((e) => [e.name, e.kind] as const)))
  })

  it('exports at run time exactly the values the compiler sees', () => {
    expect(Object.keys(api).sort()).toEqual(
      exported
        .filter((e) => !e.typeOnly)
        .map((e) => e.name)
        .sort(),
    )
  })
})
