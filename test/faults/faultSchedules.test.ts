import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { openOutbox, type Outbox } from '../../sync/outbox'
import { createSyncEngine, type SyncEngine } from '../../sync/syncEngine'
import { startCentral, type Central } from '../integration/sync/central'
import { candidate, maskedSummary, payloadOf, token } from '../integration/sync/fixtures'
import { memoryTmp, tempDir } from '../integration/sync/harness'
import { startFaultProxy, type Fault, type FaultProxy } from './faultProxy'
import { between, pick, seededRandom } from './random'
import { openServerLedger, type ServerLedger } from './serverLedger'

/**
 * Exactly once under a bad network: 1,000 randomized fault schedules, each a fresh kiosk.db with a
 * few ops of a few accounts, drained through the fault proxy to the real reference server. Ops are
 * cheap (appeals, which the server stores as pending, and ops whose session is unknown, which it
 * rejects) so that the schedules test delivery, not password hashing.
 */

const schedules = Number(process.env.SYNC_FAULT_SCHEDULES ?? 1000)
const lanes = 4
const baseSeed = Number(process.env.SYNC_FAULT_SEED ?? 20_250_301)

let central: Central
let ledger: ServerLedger
const proxies: FaultProxy[] = []
const dir = tempDir('sync-faults-', memoryTmp)

before(async () => {
  central = await startCentral(memoryTmp)
  ledger = openServerLedger(central.dataDir)
  for (let i = 0; i < lanes; i++) proxies.push(await startFaultProxy(central.server.url))
})
after(async () => {
  for (const p of proxies) await p.close()
  ledger.close()
  await central.close()
  dir.cleanup()
})

function randomFault(random: () => number): Fault {
  switch (pick(random, ['delay', 'refuse', 'resetMidRequest', 'status500', 'busy', 'loseResponse', 'truncateResponse', 'applyThen502'] as const)) {
    case 'delay':
      return { kind: 'delay', ms: between(random, 1, 30) }
    case 'refuse':
      return { kind: 'refuse', ms: between(random, 5, 30) }
    case 'busy':
      return { kind: 'busy', status: pick(random, [429, 503] as const), retryAfterSeconds: 0 }
    case 'resetMidRequest':
      return { kind: 'resetMidRequest' }
    case 'status500':
      return { kind: 'status500' }
    case 'loseResponse':
      return { kind: 'loseResponse' }
    case 'truncateResponse':
      return { kind: 'truncateResponse' }
    case 'applyThen502':
      return { kind: 'applyThen502' }
  }
}

interface Run {
  seed: number
  problems: string[]
}

const outcome = new Set(['pending', 'rejected', 'applied'])

/** Resolves true once every op has the server's answer (woken by the engine's events), false after `ms`. */
function waitFinal(engine: SyncEngine, outbox: Outbox, ids: readonly string[], ms: number): Promise<boolean> {
  const open = new Set(ids.filter((id) => !outcome.has(outbox.get(id)?.status ?? '')))
  if (open.size === 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off()
      resolve(false)
    }, ms)
    const off = engine.events.on('opChanged', (op) => {
      if (outcome.has(op.status)) open.delete(op.id)
      if (open.size > 0) return
      clearTimeout(timer)
      off()
      resolve(true)
    })
  })
}

async function runSchedule(seed: number, proxy: FaultProxy, candidateBase: number): Promise<Run> {
  const random = seededRandom(seed)
  const faultBudget = between(random, 0, 8)
  let faults = 0
  proxy.setSchedule(() => (faults < faultBudget && random() < 0.7 ? (faults++, randomFault(random)) : { kind: 'pass' }))
  const outbox = openOutbox({
    file: join(dir.dir, `kiosk-${seed}.db`),
    centralPublicKey: central.server.publicKey,
    keyId: central.server.keyId,
    accountKeySecret: `kiosk-${seed}`,
  })
  const engine = createSyncEngine({
    outbox,
    client: central.clientFor(proxy.url, { timeoutMs: 2_000 }),
    batchMaxOps: between(random, 1, 5),
    concurrency: between(random, 1, 2),
    backoff: { baseMs: 2, maxMs: 20 },
    probeMs: 5,
    tickMs: 50,
    pollDeferredMs: 1e9,
    random,
  })
  const accounts = between(random, 1, 3)
  const lines = new Map<number, string[]>()
  const ids: string[] = []
  engine.start()
  try {
    const count = between(random, 2, 7)
    for (let k = 0; k < count; k++) {
      if (random() < 0.7) {
        const a = between(random, 0, accounts - 1)
        const c = candidate(candidateBase + a)
        const r = await outbox.enqueue('appeal', payloadOf('appeal', candidateBase + a), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
        assert.ok(r.ok, JSON.stringify(r))
        ids.push(r.value.id)
        lines.set(a, [...(lines.get(a) ?? []), r.value.id])
      } else {
        // An op on a session the server does not know: rejected (SESSION_EXPIRED), and alone in its line.
        const r = await outbox.enqueue('verifyMobile', { ...payloadOf('verifyMobile', candidateBase), sessionToken: token(seed) }, { summary: {} })
        assert.ok(r.ok, JSON.stringify(r))
        ids.push(r.value.id)
      }
      if (random() < 0.3) await new Promise((r) => setTimeout(r, between(random, 0, 5)))
    }
    const finished = await waitFinal(engine, outbox, ids, 15_000)
    const problems = finished ? [] : [`not finished: ${JSON.stringify(ids.map((id) => outbox.get(id)?.status))}`]
    engine.pause()
    await engine.idle()
    problems.push(...ledger.check(outbox, ids, [...lines.values()]))
    return { seed, problems }
  } finally {
    await engine.stop()
    outbox.close()
  }
}

test(`every op ends applied or rejected exactly once on the server across ${schedules} randomized fault schedules`, { timeout: 600_000 }, async (t) => {
  const failures: Run[] = []
  let done = 0
  await Promise.all(
    proxies.map(async (proxy, lane) => {
      for (let n = lane; n < schedules; n += lanes) {
        const run = await runSchedule(baseSeed + n, proxy, 100_000 + n * 4)
        if (run.problems.length > 0) failures.push(run)
        done++
      }
    }),
  )
  const applied = proxies.reduce((sum, p) => sum + Object.entries(p.applied).filter(([k]) => k !== 'pass').reduce((s, [, v]) => s + v, 0), 0)
  t.diagnostic(`${applied} faults injected: ${JSON.stringify(proxies.map((p) => p.applied))}`)
  assert.equal(done, schedules)
  assert.ok(applied > schedules, `only ${applied} faults were injected`)
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} schedules failed (replay with SYNC_FAULT_SEED and the seed)`)
})
