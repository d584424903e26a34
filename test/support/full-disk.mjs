// A disk that is full for one file: every write to a temporary file of the file named `name` (a
// base name, such as `releases.json`, whose temporaries are `.releases.json.stagecraft-tmp-<pid>-<hex>`)
// fails as on a full disk, with ENOSPC, once the file is created. Everything else writes as usual.
//
// `fillDiskFor(name)` in a process; or `node --import <this file>` with FULL_DISK_FOR=name, for a
// process the test does not write (the CLI). Node's built-in modules share their functions with
// their ES module form: patched here and synchronised, the store's own
// `import { writeSync } from 'node:fs'` calls the patched one.
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { basename } from 'node:path'

const fs = createRequire(import.meta.url)('node:fs')

/** Makes writes to the temporaries of `name` fail with ENOSPC, in this process, from now on. */
export const fillDiskFor = (name) => {
  const temporary = `.${name}.stagecraft-tmp-`
  const full = new Set()
  const { openSync, writeSync, closeSync } = fs
  fs.openSync = (path, ...rest) => {
    const fd = openSync(path, ...rest)
    if (basename(String(path)).startsWith(temporary)) full.add(fd)
    return fd
  }
  fs.writeSync = (fd, ...rest) => {
    if (!full.has(fd)) return writeSync(fd, ...rest)
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
      errno: -28,
      code: 'ENOSPC',
      syscall: 'write',
    })
  }
  fs.closeSync = (fd) => {
    full.delete(fd)
    return closeSync(fd)
  }
  syncBuiltinESMExports()
}

const named = process.env.FULL_DISK_FOR
if (named !== undefined && named !== '') fillDiskFor(named)
