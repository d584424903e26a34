import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    // Child-process and crash tests spawn real processes on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two files at a time, and the modules of src/ imported once per worker rather than once per
    // file (no test mocks a module): the suite took 6.7 minutes one file at a time, 3.3 this way.
    maxWorkers: 2,
    isolate: false,
  },
})
