/**
 * The version of this module, recorded in every event it writes (`meta.writer`), so that an older
 * version that cannot interpret an event names the version to upgrade to. Kept equal to
 * package.json's by test/version.test.ts (the library reads no file to know it).
 */
export const MODULE_VERSION = '0.6.0'
