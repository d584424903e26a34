/**
 * `npm run demo`, as the README's quick start runs it: the whole story, chapter by chapter, in a
 * temporary store of its own, whatever the caller's environment points at.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, ok, ROOT, type Run, runProcess, tempDir } from './support.js'

/** The text of each chapter ("## N. title" up to the next), by number. */
const chapters = (stdout: string): Map<number, string> =>
  new Map(
    stdout
      .split(/^(?=## \d+\. )/m)
      .slice(1)
      .map((text) => [Number(/^## (\d+)\./.exec(text)?.[1]), text]),
  )

const demo = (args: ReadonlyArray<string>, env: Record<string, string>): Promise<Run> =>
  runProcess('npm', ['run', '--silent', 'demo', ...(args.length === 0 ? [] : ['--', ...args])], {
    cwd: ROOT,
    env: cleanEnv(env),
  })

// A caller whose environment names a real store: a database the demo must not reach, a state
// file it must not write, an actor it must not record as.
const elsewhere = join(tempDir(), 'real', 'releases.json')
const hostile = {
  STAGECRAFT_STATE_URL: 'postgres://deploy@127.0.0.1:1/deploys?schema=prod',
  STAGECRAFT_STATE_FILE: elsewhere,
  STAGECRAFT_ACTOR: 'intruder',
}

let plain: Run
let kept: Run
beforeAll(async () => {
  ;[plain, kept] = await Promise.all([demo([], hostile), demo(['--keep'], {})])
}, 240_000)

const storeOf = (run: Run): string => /a fresh store in (\S+)/.exec(run.stdout)?.[1] ?? ''

describe('npm run demo', () => {
  it('runs to the end with nothing on stderr', () => {
    expect({ code: plain.code, stderr: plain.stderr }).toEqual({ code: 0, stderr: '' })
  })

  it('tells its story in ten chapters, in order', () => {
    const numbers = [...plain.stdout.matchAll(/^## (\d+)\. /gm)].map((match) => Number(match[1]))
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  it('each chapter shows what its title says', () => {
    const story = chapters(plain.stdout)
    const chapter = (n: number): string => story.get(n) ?? ''
    expect(chapter(1)).toMatch(/^## 1\. staging gets v1\.4\.0/)
    expect(chapter(1)).toMatch(/: build pending -> running \(release in progress\)\n/)
    expect(chapter(1)).toMatch(/: finalize running -> completed \(release completed\)\n/)
    expect(chapter(2)).toMatch(/\$ stagecraft-state phase rel-\S+ PHASE running\|completed/)
    expect(chapter(3)).toMatch(/: rollout running -> failed \(release failed\)\n/)
    expect(chapter(3)).toMatch(/: migrate_post pending -> skipped \(release failed\)\n/)
    expect(chapter(3)).toMatch(/^ {2}status {7}failed$/m)
    expect(chapter(4)).toMatch(/^rollback of prod would redeploy rel-\S+: v1\.4\.0/m)
    expect(chapter(4)).toContain('"version": "v1.4.0"')
    expect(chapter(4)).toMatch(
      /\[stderr\] stagecraft-state: RELEASE_NOT_FOUND: .* is the current release of prod, and no earlier release has that version.*\n\[exit 1, as expected\]\n/,
    )
    expect(chapter(5)).toMatch(
      /\$ stagecraft-state create --env prod --version v1\.4\.0 .*--rollback-of rel-\S+ .*--actor alice/,
    )
    expect(chapter(5)).toMatch(/^\$ stagecraft-state diff rel-\S+ rel-\S+\nrel-\S+ -> rel-\S+ \(created .* later\)$/m)
    expect(chapter(5)).toMatch(/^version {9}v1\.5\.0 -> v1\.4\.0$/m)
    expect(chapter(5)).toMatch(/^ {2}rollout {7}failed -> completed$/m)
    expect(chapter(5)).toMatch(/^recorded by {5}deploy-bot -> alice, deploy-bot$/m)
    expect(chapter(6)).toMatch(
      /\[stderr\] stagecraft-state: RELEASE_IN_PROGRESS: release rel-\S+ \(v1\.6\.0\) of staging is still in progress: rollout running.*\n\[exit 1, as expected\]\n/,
    )
    expect(chapter(6)).toMatch(/in progress, possibly abandoned/)
    expect(chapter(6)).toMatch(
      /^recovered rel-\S+: rollout running -> failed, migrate_post pending -> skipped, finalize pending -> skipped \(release recovered\)$/m,
    )
    expect(chapter(7)).toContain('$ stagecraft-state list\n')
    expect(chapter(7)).toMatch(/\$ stagecraft-state history --env prod\n[\s\S]*rollback to rel-/)
    expect(chapter(7)).toMatch(
      /\$ stagecraft-state history --release rel-\S+\n[\s\S]*rollout +running -> failed +alice +CI runner killed during rollout/,
    )
    expect(chapter(7)).toMatch(
      /\$ stagecraft-state verify\nsound: 61 events, 5 releases in file store \S+, no problems\n/,
    )
    // prod: v1.4.0 completed, v1.5.0 failed, the rollback completed; staging: v1.4.0 completed, v1.6.0 recovered.
    expect(chapter(8)).toMatch(/^releases created +5 +3 +2$/m)
    expect(chapter(8)).toMatch(/^change failure rate +20\.0% \(1\/5\) +33\.3% \(1\/3\) +0\.0% \(0\/2\)$/m)
    expect(chapter(8)).toMatch(/^rolled back +20\.0% \(1\/5\) +33\.3% \(1\/3\) +0\.0% \(0\/2\)$/m)
    expect(chapter(8)).toMatch(/^ {2}recovered +1 +0 +1$/m)
    expect(chapter(8)).toMatch(/^rollout +4 +\d+ms/m)
    expect(chapter(9)).toMatch(/^key id: +[0-9a-f]{64}$/m)
    expect(chapter(9)).toMatch(
      /^sealed event 61 \(sha256 [0-9a-f]{64}\) at \S+\nwith key [0-9a-f]{64}; the seal is event 62$/m,
    )
    expect(chapter(9)).toMatch(
      /^seals: 1, checked against the trusted keys; newest valid: event 62 \(sealing event 61\)/m,
    )
    expect(chapter(9)).toMatch(
      /tampered\/releases\.events\.ndjson:62: error: the log was rewritten after this seal: event 61's line has SHA-256 [\s\S]*\[exit 1, as expected\]\n/,
    )
    expect(chapter(10)).toMatch(
      /\$ stagecraft-state report --html report\.html\nreport written to report\.html: 5 releases in 2 environments, 62 events; verify: sound\n\(open \S+\/report\.html in a browser/,
    )
  })

  it('touches only its own store, whatever STAGECRAFT_* variables the caller has set', () => {
    expect(storeOf(plain)).not.toBe('')
    expect(plain.stdout).not.toContain(elsewhere)
    expect(existsSync(join(elsewhere, '..'))).toBe(false)
    expect(plain.stdout).not.toContain('intruder')
    expect(plain.stdout).toContain('deploy-bot')
  })

  it('deletes its store, saying how to keep it, and keeps the report, saying where', () => {
    const directory = storeOf(plain)
    try {
      expect(existsSync(join(directory, '.stagecraft'))).toBe(false)
      expect(readdirSync(directory)).toEqual(['report.html'])
      expect(readFileSync(join(directory, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/)
      expect(plain.stdout.trimEnd().split('\n').slice(-2)).toEqual([
        `The report is kept: ${directory}/report.html`,
        `The store in ${directory} is deleted; run "npm run demo -- --keep" to keep it and look around.`,
      ])
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it('with -- --keep, keeps a sound store to look around in', async () => {
    expect(kept.code, kept.stderr).toBe(0)
    const directory = storeOf(kept)
    try {
      expect(kept.stdout.trimEnd().split('\n').at(-1)).toBe(
        `The store is kept in ${directory}/.stagecraft (releases.json and releases.events.ndjson).`,
      )
      expect(await ok(directory, ['verify', '--trust', 'auditor.pem.pub'])).toMatch(/^sound: 62 events, 5 releases/)
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
