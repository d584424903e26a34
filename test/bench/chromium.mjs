// @ts-check
/** The Chromium the browser test and the report benchmark drive, and how: one place for both. */
import { existsSync } from 'node:fs'

/** The Chromium wanted: the one STAGECRAFT_CHROMIUM names, else Debian's. */
export const WANTED = process.env['STAGECRAFT_CHROMIUM'] || '/usr/bin/chromium'

/** That Chromium, when it is there; never another, so a wrong path is said rather than silently replaced. */
export const CHROMIUM = existsSync(WANTED) ? WANTED : undefined

/** A quiet headless run, sandboxed by the container, that reaches for nothing on the network by itself. */
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
