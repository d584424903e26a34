/**
 * The history the report suites look at: a Go-written release imported, staging deploys, a prod rollout that fails
 * and is rolled back, a release killed mid-rollout and recovered, one left running, and hostile text (a version, a
 * note and an actor that are HTML) that must show as text.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { PHASES, type ReleasePhase, type StateManager } from '../../src/index.js'

export const HOSTILE_VERSION = '<script>alert(1)</script>'
export const HOSTILE_NOTE = '"><img src=x onerror=alert(2)>'
export const HOSTILE_ACTOR = "<b onmouseover='alert(3)'>mallory</b>"
export const RECOVERY_REASON = 'CI runner killed during rollout'

/** The Go Stagecraft's releases.json the history starts with: one prod release, with no recorded times. */
export const GO_FILE = JSON.stringify({
  releases: [
    {
      id: 'rel-20250101-100000',
      environment: 'prod',
      version: 'v1.3.0',
      commit_sha: 'abc123def456',
      timestamp: '2025-01-01T10:00:00Z',
      phases: Object.fromEntries(PHASES.map((phase) => [phase, 'completed'])),
    },
  ],
})

/** Writes the Go file where the manager keeps its releases.json (file stores only). */
export const writeGoFile = (stateFile: string): void => {
  mkdirSync(dirname(stateFile), { recursive: true })
  writeFileSync(stateFile, GO_FILE)
}

const run = async (manager: StateManager, id: string, phases: ReadonlyArray<ReleasePhase>, last = 'completed') => {
  for (const phase of phases) {
    await manager.updatePhase(id, phase, 'running')
    await manager.updatePhase(id, phase, phase === phases.at(-1) ? (last as 'completed') : 'completed')
  }
}

/** What the story recorded, for the suites to look for. */
export interface Story {
  readonly failed: string
  readonly rollback: string
  readonly recovered: string
  readonly hostile: string
  readonly running: string
}

/**
 * Records the story through `manager` (and `hostile`, a manager whose actor is HTML). The releases: staging 3
 * (completed, recovered, completed with a hostile version); prod 3 after any imported one (completed, failed,
 * rollback); qa 1, running.
 */
export const recordStory = async (manager: StateManager, hostile: StateManager): Promise<Story> => {
  const { release: s1 } = await manager.createRelease('staging', 'v1.4.0', 'abc1234', { note: 'sprint 14' })
  await run(manager, s1.id, PHASES)
  const { release: p1 } = await manager.createRelease('prod', 'v1.4.0', 'abc1234')
  await run(manager, p1.id, PHASES)
  const { release: p2 } = await manager.createRelease('prod', 'v1.5.0', 'c0ffee42')
  await run(manager, p2.id, ['build', 'push', 'migrate_pre', 'rollout'], 'failed')
  const { release: p3 } = await manager.createRelease('prod', 'v1.4.0', 'abc1234', {
    rollbackOf: p1.id,
    note: 'roll back the failed v1.5.0',
  })
  await run(manager, p3.id, PHASES)
  const { release: s2 } = await manager.createRelease('staging', 'v1.6.0', 'abc1234')
  await run(manager, s2.id, ['build', 'push'])
  await manager.updatePhase(s2.id, 'rollout', 'running')
  await manager.recoverRelease(s2.id, RECOVERY_REASON)
  const { release: s3 } = await hostile.createRelease('staging', HOSTILE_VERSION, 'abc1234', { note: HOSTILE_NOTE })
  await run(hostile, s3.id, PHASES)
  const { release: q1 } = await manager.createRelease('qa', 'v2.0.0-rc1', 'abc1234')
  await manager.updatePhase(q1.id, 'build', 'running')
  return { failed: p2.id, rollback: p3.id, recovered: s2.id, hostile: s3.id, running: q1.id }
}
