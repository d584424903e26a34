/** The part of generate.mjs the TypeScript tests use. */
/** Writes an event log of `count` full deploys (13 events each) with the real line encoding and hash chain. */
export declare const writeDeployLog: (path: string, count: number, options?: { requests?: boolean }) => Promise<void>
/** The text of a releases.json holding `count` completed releases across four environments. */
export declare const snapshotText: (count: number) => string
