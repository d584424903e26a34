/** The program's version from package.json, inlined by the bundle, so `--version` reads no file. */
import manifest from '../../package.json' with { type: 'json' }

export const packageVersion = (): string => manifest.version
