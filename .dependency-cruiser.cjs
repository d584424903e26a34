/** The layers of docs/architecture.md, checked by `npm run lint`: each rule names what it keeps out. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing else of the project, and of the packages only fp-ts and io-ts.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/|(^|/)node_modules/(fp-ts|io-ts)/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'domain-does-no-io',
      comment: 'The domain is pure: no file system, network, process or crypto module of Node.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'store-below-the-application',
      comment: 'A store imports only the domain and its own modules (the event-store interface).',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(domain|store)/' },
    },
    {
      name: 'application-knows-one-store-interface',
      comment: 'The application layer reaches the stores only through src/store/index.ts (the event-store interface).',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/store/', pathNot: '^src/store/index\\.ts$' },
    },
    {
      name: 'application-below-the-api',
      comment:
        'The application layer (src/app) is used through src/index.ts; it never reaches the CLI or the entry points.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(cli/|index\\.ts|internals\\.ts)' },
    },
    {
      name: 'cli-uses-the-public-api',
      comment:
        'The CLI imports only the public API (src/index.ts), stagecraft-state/internals (src/internals.ts) ' +
        'and its own modules.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(cli/|index\\.ts$|internals\\.ts$)' },
    },
    {
      name: 'source-not-built-code',
      comment: 'The source never imports the built dist/ (through the package name, or a path).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^dist/' },
    },
    {
      name: 'no-cycles',
      comment: 'Modules form no loop of run-time imports (a loop through types only is harmless).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}
