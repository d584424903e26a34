// A deploy orchestrator: creates `releases` releases, in the shared environments and its own, and
// walks each release's phases (running, then completed; some fail and are recovered), in
// `pipelines` concurrent deploys within this process, pausing up to `pauseMs` between steps as a
// real deploy does its work between phase updates. Starts when the parent writes "go".
//
// After every acknowledged write it reads releases.json itself, as any other tool would, and
// checks the write is there (read-after-write for readers of the file, while others write on).
//
// Lines: {t:'ready'}, then per acknowledged operation {t:'ack', op, ..., release}, then {t:'done'}.
import { readFileSync } from 'node:fs'
import { createStateManager, PHASES } from '../../../dist/index.js'
import { config, die, emit, waitForLine } from './common.mjs'

const { stateFile, name, releases, sharedEnvironments, pipelines, lockTimeoutMs, pauseMs = 0 } = config()
const manager = createStateManager({
  stateFile,
  actor: name,
  lockTimeoutMs,
  onWarning: (message) => emit({ t: 'warning', message }),
})

const work = () => new Promise((resolve) => setTimeout(resolve, Math.random() * pauseMs))

const RANK = { pending: 0, running: 1, completed: 2, failed: 2, skipped: 2 }

const expectInSnapshot = (release) => {
  const inFile = JSON.parse(readFileSync(stateFile, 'utf8')).releases.find((r) => r.id === release.id)
  const behind =
    inFile === undefined
      ? ['the release']
      : PHASES.filter(
          (p) =>
            RANK[inFile.phases[p]] < RANK[release.phases[p]] ||
            (RANK[release.phases[p]] === 2 && inFile.phases[p] !== release.phases[p]),
        )
  if (behind.length > 0)
    throw new Error(
      `read-after-write: releases.json lacks ${behind.join(', ')} of ${release.id} just acknowledged: ${JSON.stringify(inFile)}`,
    )
}

const ack = async (op, fields, pending) => {
  const { release } = await pending
  emit({ t: 'ack', op, ...fields, release })
  expectInSnapshot(release)
  await work()
  return release
}

const deploy = async (i) => {
  const environment = i % 3 === 2 ? `own-${name}` : sharedEnvironments[i % sharedEnvironments.length]
  const version = `${name}-v${i}`
  const commitSha = i % 2 === 0 ? undefined : (0xabc000 + i).toString(16)
  // Pipelines sharing an environment deploy over each other's running releases on purpose: they supersede them.
  const created = manager.createRelease(environment, version, commitSha, { supersede: true })
  const { id } = await ack('create', { environment, version }, created)
  const failAt = i % 4 === 3 ? i % PHASES.length : -1
  for (const [k, phase] of PHASES.entries()) {
    await ack('update', { id, phase, status: 'running' }, manager.updatePhase(id, phase, 'running'))
    if (k === 1 && i % 2 === 1)
      await ack('update', { id, phase, status: 'running' }, manager.updatePhase(id, phase, 'running')) // an idempotent retry
    if (k === failAt) {
      await ack(
        'update',
        { id, phase, status: 'failed' },
        manager.updatePhase(id, phase, 'failed', { reason: `${name} saw it fail` }),
      )
      await ack('recover', { id }, manager.recoverRelease(id, `${name} gave up`))
      return
    }
    await ack('update', { id, phase, status: 'completed' }, manager.updatePhase(id, phase, 'completed'))
  }
}

const pipeline = async (j) => {
  for (let i = j; i < releases; i += pipelines) await deploy(i)
}

try {
  emit({ t: 'ready', pid: process.pid })
  await waitForLine('go')
  await Promise.all(Array.from({ length: pipelines }, (_, j) => pipeline(j)))
  await manager.close()
  emit({ t: 'done' })
} catch (error) {
  die(error)
}
