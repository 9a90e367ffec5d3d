import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { openOutbox, type Outbox } from '../../sync/outbox'
import { createSyncEngine, type SyncEngine } from '../../sync/syncEngine'
import Database from 'better-sqlite3'
import type { CentralClient } from '../../sync/centralClient'
import { smsCodeFor, startCentral, type Central } from '../integration/sync/central'
import { candidate, maskedSummary, payloadOf, token } from '../integration/sync/fixtures'
import { memoryTmp, tempDir } from '../integration/sync/harness'
import { startFaultProxy, type Fault, type FaultProxy } from './faultProxy'
import { between, pick, seededRandom } from './random'
import { openServerLedger, type ServerLedger } from './serverLedger'

/**
 * Exactly once under a bad network: 1,000 randomized fault schedules, each a fresh kiosk.db with a
 * few ops of a few accounts, drained through the fault proxy to the real reference server. Most ops
 * are cheap (appeals, which the server stores as pending, and ops whose session is unknown, which it
 * rejects) so that the schedules test delivery, not password hashing; about a third of the schedules
 * also register an account (an effect no constraint limits to one: the ledger counts its audit row).
 */

const schedules = Number(process.env.SYNC_FAULT_SCHEDULES ?? 1000)
const lanes = 4
const baseSeed = Number(process.env.SYNC_FAULT_SEED ?? 20_250_301)

let central: Central
/** Straight to the server, not through a proxy: a candidate's SMS code arrives whatever the sync path suffers. */
let direct: CentralClient
let ledger: ServerLedger
const proxies: FaultProxy[] = []
const dir = tempDir('sync-faults-', memoryTmp)

before(async () => {
  // A code for every registration of the run, from one kiosk within the hour.
  central = await startCentral(memoryTmp, { limits: { perKioskPerHour: 10_000 } })
  direct = central.clientFor(central.server.url)
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
/** How the schedules' registrations ended on the kiosk (the ledger checks the server agrees). */
const registrations: Record<string, number> = {}

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
    // A registration first in its account's line, its SMS code read off the phone beforehand.
    const registers = random() < 0.3 ? between(random, 0, accounts - 1) : -1
    for (let k = 0; k < count; k++) {
      if (k === 0 && registers >= 0) {
        const c = candidate(candidateBase + registers)
        const smsCode = await smsCodeFor(central, direct, c.mobile, 'register')
        const r = await outbox.enqueue('register', { ...payloadOf('register', candidateBase + registers), smsCode }, { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
        assert.ok(r.ok, JSON.stringify(r))
        ids.push(r.value.id)
        lines.set(registers, [r.value.id])
      } else if (random() < 0.7) {
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
    const finished = await waitFinal(engine, outbox, ids, 30_000)
    const problems = finished ? [] : [`not finished: ${JSON.stringify(ids.map((id) => outbox.get(id)?.status))}`]
    engine.pause()
    await engine.idle()
    problems.push(...ledger.check(outbox, ids, [...lines.values()]))
    for (const id of ids) {
      const op = outbox.get(id)
      if (op?.kind === 'register') registrations[op.status] = (registrations[op.status] ?? 0) + 1
    }
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
  t.diagnostic(`registrations: ${JSON.stringify(registrations)}`)
  assert.equal(done, schedules)
  assert.ok(applied > schedules, `only ${applied} faults were injected`)
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} schedules failed (replay with SYNC_FAULT_SEED and the seed)`)
  // Each has its own candidate and a fresh code: under faults they are applied, once. (A replay of
  // a few schedules may well draw none.)
  assert.equal(registrations.rejected ?? 0, 0)
  if (schedules >= 50) assert.ok((registrations.applied ?? 0) >= schedules / 5, `only ${registrations.applied ?? 0} registrations applied`)
})

test('the ledger sees an op applied twice, and a rejected op with an effect (its checks can fail)', async () => {
  const outbox = openOutbox({ file: join(dir.dir, 'kiosk-control.db'), centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 'control' })
  const engine = createSyncEngine({ outbox, client: central.clientFor(central.server.url), random: Math.random })
  engine.start()
  try {
    const c = candidate(90_000)
    const smsCode = await smsCodeFor(central, direct, c.mobile, 'register')
    const r = await outbox.enqueue('register', { ...payloadOf('register', 90_000), smsCode }, { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
    assert.ok(r.ok, JSON.stringify(r))
    assert.equal((await engine.waitForOutcome(r.value.id, 10_000))?.status, 'applied')
    assert.deepEqual(ledger.check(outbox, [r.value.id], [[r.value.id]]), [])
    // As a server that processed a resend again would leave it: a second audited application.
    const db = new Database(join(central.dataDir, 'central.db'))
    try {
      db.prepare(`INSERT INTO account_audit (account_id, at, event, kiosk_id, op_id) SELECT account_id, at, event, kiosk_id, op_id FROM account_audit WHERE op_id = ?`).run(r.value.id)
      assert.deepEqual(ledger.check(outbox, [r.value.id], [[r.value.id]]), [`${r.value.id}: applied 2 times (audit)`, `${r.value.id}: registered 2 times (audit)`])
      db.prepare(`UPDATE ops SET status = 'rejected', error = '{"code":"ID_OCCUPIED"}' WHERE id = ?`).run(r.value.id)
      assert.ok(ledger.check(outbox, [r.value.id], [[r.value.id]]).includes(`${r.value.id}: rejected, yet applied (audit)`))
    } finally {
      db.close()
    }
  } finally {
    await engine.stop()
    outbox.close()
  }
})
