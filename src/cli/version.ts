/**
 * The program's version: the package.json's, which the bundle carries (esbuild inlines the JSON), so `--version` reads
 * no file.
 */
import manifest from '../../package.json' with { type: 'json' }

export const packageVersion = (): string => manifest.version
