import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { decideAppeal } from '../../../server/index'
import { type OpView, type Outbox, type QueueSummary } from '../../../sync/outbox'
import type { KioskError } from '../../../src-common/errors'
import { createCentralClient } from '../../../sync/centralClient'
import { createSyncEngine, type SyncEngineOptions } from '../../../sync/syncEngine'
import { passAll, type FaultProxy } from '../../faults/faultProxy'
import { smsCodeFor, type Central } from './central'
import { candidate, maskedSummary, payloadOf } from './fixtures'
import { fast, openKioskDb, queueAppeal, sleep, startKiosk, until, withCentralBehindProxy } from './engineKit'

let central: Central
let proxy: FaultProxy
let next = 50_000
withCentralBehindProxy((c, p) => {
  central = c
  proxy = p
})

async function kiosk(extra: Partial<SyncEngineOptions> = {}) {
  return startKiosk(central, central.clientFor(proxy.url, { timeoutMs: 2_000 }), extra)
}

/** A kiosk whose appeal the server answered with 500 until the engine flagged it stuck. */
async function kioskWithStuckAppeal() {
  proxy.setSchedule((r) => (r.path.startsWith('/v1/ops') ? { kind: 'status500' } : { kind: 'pass' }))
  const k = await kiosk({ stuckAfterAttempts: 3 })
  try {
    const { id } = await queueAppeal(k.outbox, next++)
    await until(() => k.outbox.get(id)?.stuck === true)
    return { k, id }
  } catch (error) {
    await k.done()
    throw error
  }
}

function serverDb() {
  return new Database(join(central.dataDir, 'central.db'))
}

describe('sync engine against the reference server', () => {
  test('online, the candidate sees the server answer on the spot; a deferred appeal is polled until decided', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      const seen = await k.engine.waitForOutcome(id, 10_000)
      assert.equal(seen?.status, 'pending')
      const db = serverDb()
      const appealId = db.prepare('SELECT id FROM appeals WHERE op_id = ?').pluck().get(id) as string
      assert.equal(decideAppeal(db, appealId, 'accept').ok, true)
      db.close()
      await until(() => k.outbox.get(id)?.status === 'applied')
    } finally {
      await k.done()
    }
  })

  test('a deferred appeal looked up by a candidate is asked about at once, not at the next poll a minute away', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk({ pollDeferredMs: 60_000 })
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      assert.equal((await k.engine.waitForOutcome(id, 10_000))?.status, 'pending')
      // The pass that sent it (and its first poll of deferred ops) is over: the next poll is a minute away.
      await k.engine.idle()
      const db = serverDb()
      const appealId = db.prepare('SELECT id FROM appeals WHERE op_id = ?').pluck().get(id) as string
      assert.equal(decideAppeal(db, appealId, 'reject').ok, true)
      db.close()
      assert.equal(k.outbox.get(id)?.status, 'pending', 'no poll is due yet')
      await k.engine.refreshDeferred(id)
      assert.equal(k.outbox.get(id)?.status, 'rejected')
      // Paused by staff: nothing is asked.
      const other = await queueAppeal(k.outbox, next++)
      assert.equal((await k.engine.waitForOutcome(other.id, 10_000))?.status, 'pending')
      await k.engine.idle()
      const db2 = serverDb()
      assert.equal(decideAppeal(db2, db2.prepare('SELECT id FROM appeals WHERE op_id = ?').pluck().get(other.id) as string, 'accept').ok, true)
      db2.close()
      k.engine.pause()
      await k.engine.refreshDeferred(other.id)
      assert.equal(k.outbox.get(other.id)?.status, 'pending')
      k.engine.resume()
      await k.engine.refreshDeferred(other.id)
      assert.equal(k.outbox.get(other.id)?.status, 'applied')
    } finally {
      await k.done()
    }
  })

  test('offline, the candidate gets a receipt; when the network is back the op goes through by itself', async () => {
    proxy.setSchedule(() => ({ kind: 'refuse', ms: 30 }))
    const k = await kiosk()
    try {
      const offline = new Promise((resolve) => k.engine.events.on('offline', resolve))
      const summaries: QueueSummary[] = []
      k.engine.events.on('summary', (s) => summaries.push(s))
      const { id, receipt } = await queueAppeal(k.outbox, next++)
      const seen = await k.engine.waitForOutcome(id, 300)
      assert.equal(seen?.status, 'queued')
      assert.equal(seen?.receipt, receipt)
      await offline
      assert.equal(k.engine.online, false)
      // The supervisor dashboard hears that one op waits and why.
      await until(() => summaries.some((s) => s.depth.queued === 1 && s.lastError?.error.code === 'NETWORK_UNAVAILABLE'))
      const online = new Promise((resolve) => k.engine.events.on('online', resolve))
      proxy.setSchedule(passAll)
      k.engine.networkChanged()
      await online
      await until(() => k.outbox.get(id)?.status === 'pending')
    } finally {
      await k.done()
    }
  })

  test('online with nothing queued, a heartbeat finds out that the central API has gone away, and the probe that it is back', async () => {
    proxy.setSchedule(passAll)
    // No tick to find it: only the heartbeat.
    const k = await kiosk({ tickMs: 60_000, heartbeatMs: 100 })
    try {
      await until(() => k.engine.online === true)
      proxy.setSchedule(() => ({ kind: 'refuse', ms: 0 }))
      await until(() => k.engine.online === false)
      assert.equal(k.outbox.summary().lastError?.error.code, 'NETWORK_UNAVAILABLE')
      proxy.setSchedule(passAll)
      await until(() => k.engine.online === true)
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('a pause by staff is told in a summary at once, not with the next op that changes', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk({ tickMs: 60_000, pollDeferredMs: 60_000, heartbeatMs: 60_000 })
    try {
      await until(() => k.engine.online === true)
      // The summary that going online scheduled has gone out (it would answer for the pause).
      await sleep(500)
      // A resume starts a pass, whose end tells it anyway; a pause started nothing that would.
      const summaries: number[] = []
      k.engine.events.on('summary', () => summaries.push(performance.now()))
      const pausedAt = performance.now()
      k.engine.pause()
      await until(() => summaries.some((at) => at >= pausedAt), 2_000)
    } finally {
      await k.done()
    }
  })

  test("a candidate's call that gets no answer from a hung server takes the kiosk offline at once, not after a probe's wait as well", async () => {
    proxy.setSchedule(passAll)
    const client = central.clientFor(proxy.url, { timeoutMs: 400 })
    const k = startKiosk(central, client, { tickMs: 60_000, heartbeatMs: 60_000 })
    // As the kiosk's services wire it.
    client.onCallUnanswered(() => k.engine.callUnanswered())
    try {
      await until(() => k.engine.online === true)
      const offline = new Promise<KioskError>((resolve) => k.engine.events.on('offline', (e) => resolve(e.error)))
      // Takes the connection and never answers in time.
      proxy.setSchedule(() => ({ kind: 'delay', ms: 5_000 }))
      const lookup = await client.receipt('ABCDEFGH')
      assert.equal(!lookup.ok && lookup.error.code, 'NETWORK_UNAVAILABLE')
      // Already offline: the probe that started with it has not had its own 400 ms yet.
      assert.equal(k.engine.online, false)
      assert.equal((await offline).code, 'NETWORK_UNAVAILABLE')
      assert.equal(k.outbox.summary().lastError?.error.code, 'NETWORK_UNAVAILABLE')
      proxy.setSchedule(passAll)
      await until(() => k.engine.online === true)
    } finally {
      client.onCallUnanswered(undefined)
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('a candidate waiting for the answer gets the receipt as soon as the kiosk is, or goes, offline, not when the wait ends', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk({ tickMs: 60_000 })
    try {
      await until(() => k.engine.online === true)
      // Goes offline during the wait: the push is refused.
      proxy.setSchedule(() => ({ kind: 'refuse', ms: 0 }))
      const first = await queueAppeal(k.outbox, next++)
      const started = performance.now()
      const seen = await k.engine.waitForOutcome(first.id, 60_000)
      assert.equal(k.engine.online, false)
      assert.ok(seen && ['queued', 'sending'].includes(seen.status), seen?.status)
      // Already offline: at once.
      const second = await queueAppeal(k.outbox, next++)
      assert.equal((await k.engine.waitForOutcome(second.id, 60_000))?.status, 'queued')
      // Far from the 60 s wait, however busy the machine.
      assert.ok(performance.now() - started < 30_000)
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('"sync now" with nothing queued still finds out that the central API has gone away', async () => {
    proxy.setSchedule(passAll)
    // A slow periodic probe: only the supervisor's request can find out in time.
    const k = await kiosk({ probeMs: 60_000, tickMs: 60_000 })
    try {
      await until(() => k.engine.online === true)
      proxy.setSchedule(() => ({ kind: 'refuse', ms: 0 }))
      await k.engine.syncNow()
      assert.equal(k.engine.online, false)
      assert.equal(k.outbox.summary().lastError?.error.code, 'NETWORK_UNAVAILABLE')
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('after a sync pass the WAL is checkpointed into kiosk.db, so no later enqueue pays for it', async () => {
    const k = await kiosk()
    try {
      const ops = [await queueAppeal(k.outbox, next++), await queueAppeal(k.outbox, next++)]
      await k.engine.syncNow()
      for (const { id } of ops) assert.equal(k.outbox.get(id)?.status, 'pending')
      // Far below SQLite's automatic checkpoint (1,000 pages), so only the engine's own checkpoint
      // can have put these rows into the database file itself.
      const file = readFileSync(k.outbox.file)
      for (const { receipt } of ops) assert.ok(file.includes(Buffer.from(receipt)), `${receipt} not in kiosk.db`)
    } finally {
      await k.done()
    }
  })

  test('a rejection blocks only the later ops of the same account', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      k.engine.pause()
      const i = next++
      const c = candidate(i)
      const bad = await k.outbox.enqueue('register', { ...payloadOf('register', i), smsCode: '000000' }, { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
      assert.ok(bad.ok)
      const follower = await queueAppeal(k.outbox, i)
      const other = await queueAppeal(k.outbox, next++)
      k.engine.resume()
      const rejected = await k.engine.waitForOutcome(bad.value.id, 10_000)
      assert.equal(rejected?.status, 'rejected')
      assert.equal(rejected?.lastError?.code, 'BAD_SMS_CODE')
      assert.equal((await k.engine.waitForOutcome(follower.id, 10_000))?.status, 'blocked')
      assert.equal((await k.engine.waitForOutcome(other.id, 10_000))?.status, 'pending')
    } finally {
      await k.done()
    }
  })

  test('an op the server cannot parse is rejected alone; the other ops of its batch go through', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      k.engine.pause()
      const a = await queueAppeal(k.outbox, next++)
      const broken = await queueAppeal(k.outbox, next++)
      const b = await queueAppeal(k.outbox, next++)
      // A kiosk built against another protocol version: the server cannot read this op's envelope.
      const db = new Database(join(k.outbox.file))
      db.prepare(`UPDATE ops SET body = json_set(body, '$.receipt', 'not-a-receipt') WHERE id = ?`).run(broken.id)
      db.close()
      k.engine.resume()
      assert.equal((await k.engine.waitForOutcome(broken.id, 10_000))?.status, 'rejected')
      assert.equal(k.outbox.get(broken.id)?.lastError?.code, 'BAD_REQUEST')
      assert.equal((await k.engine.waitForOutcome(a.id, 10_000))?.status, 'pending')
      assert.equal((await k.engine.waitForOutcome(b.id, 10_000))?.status, 'pending')
    } finally {
      await k.done()
    }
  })

  test("a proxy's own 400 page (a WAF) rejects nothing on the kiosk: the ops wait and go through once it lets them", async () => {
    proxy.setSchedule((r) => (r.path.startsWith('/v1/ops') && r.method === 'POST' ? { kind: 'page', status: 400 } : { kind: 'pass' }))
    const k = await kiosk()
    try {
      const ids = [(await queueAppeal(k.outbox, next++)).id, (await queueAppeal(k.outbox, next++)).id]
      // Halved down to single ops, each answered by the proxy's page: kept, not refused.
      await until(() => ids.every((id) => (k.outbox.get(id)?.attempts ?? 0) >= 2 && k.outbox.get(id)?.status === 'queued'))
      for (const id of ids) assert.equal(k.outbox.get(id)?.lastError?.code, 'BAD_REQUEST')
      proxy.setSchedule(passAll)
      await k.engine.syncNow()
      for (const id of ids) assert.equal(k.outbox.get(id)?.status, 'pending')
    } finally {
      await k.done()
    }
  })

  test("a proxy's own 404 page while an appeal waits on its decision decides nothing", async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => k.outbox.get(id)?.status === 'pending')
      // The server is being redeployed: its ingress answers 404 pages for a while.
      proxy.setSchedule((r) => (r.method === 'GET' && r.path.startsWith('/v1/ops/') ? { kind: 'page', status: 404 } : { kind: 'pass' }))
      const seen = proxy.applied.page
      await until(() => proxy.applied.page >= seen + 2)
      assert.equal(k.outbox.get(id)?.status, 'pending')
      proxy.setSchedule(passAll)
      const db = serverDb()
      try {
        const appealId = (db.prepare('SELECT id FROM appeals WHERE op_id = ?').get(id) as { id: string }).id
        assert.equal(decideAppeal(db, appealId, 'accept').ok, true)
      } finally {
        db.close()
      }
      await until(() => k.outbox.get(id)?.status === 'applied')
    } finally {
      await k.done()
    }
  })

  test("a fault of the kiosk's own while an answer is recorded leaves no op 'sending': they are sent again", async () => {
    proxy.setSchedule(passAll)
    const { outbox, cleanup } = openKioskDb(central)
    // The disk refuses the first write of an answer (full, an I/O error).
    let failOnce = true
    const faulty: Outbox = Object.assign(Object.create(outbox) as Outbox, {
      recordResults(results: Parameters<Outbox['recordResults']>[0]) {
        if (failOnce) {
          failOnce = false
          throw new Error('SQLITE_FULL: database or disk is full')
        }
        return outbox.recordResults(results)
      },
    })
    const faults: unknown[] = []
    const engine = createSyncEngine({ outbox: faulty, client: central.clientFor(proxy.url), ...fast, onLocalFault: (e) => faults.push(e) })
    try {
      engine.pause()
      const ids = [(await queueAppeal(outbox, next++)).id, (await queueAppeal(outbox, next++)).id]
      engine.start()
      engine.resume()
      await until(() => faults.length === 1 && ids.every((id) => outbox.get(id)?.status !== 'sending'))
      // The server applied them once; the kiosk learns it from the resend's stored answer.
      await until(() => ids.every((id) => outbox.get(id)?.status === 'pending'))
      for (const id of ids) assert.equal(outbox.get(id)?.attempts, 2)
    } finally {
      await engine.stop()
      outbox.close()
      cleanup()
    }
  })

  test('a kiosk.db that refuses to claim (disk full) is waited on with backoff, not tried in a loop, and the dashboard shows the error', async () => {
    proxy.setSchedule(passAll)
    const { outbox, cleanup } = openKioskDb(central)
    let refuse = true
    let claims = 0
    const faulty: Outbox = Object.assign(Object.create(outbox) as Outbox, {
      claimBatch(limits: Parameters<Outbox['claimBatch']>[0]) {
        claims++
        if (refuse) throw new Error('SQLITE_FULL: database or disk is full')
        return outbox.claimBatch(limits)
      },
    })
    const faults: unknown[] = []
    const engine = createSyncEngine({ outbox: faulty, client: central.clientFor(proxy.url), ...fast, onLocalFault: (e) => faults.push(e) })
    try {
      engine.pause()
      const { id } = await queueAppeal(outbox, next++)
      engine.start()
      engine.resume()
      await until(() => outbox.summary().lastError !== null)
      assert.equal(outbox.summary().lastError?.error.code, 'INTERNAL')
      const seen = claims
      await new Promise((resolve) => setTimeout(resolve, 300))
      // With backoff (20-200 ms here) a few more tries at most; in a loop it was hundreds.
      assert.ok(claims - seen <= 10, `${claims - seen} claims in 300 ms`)
      assert.equal(faults.length, claims)
      refuse = false
      await until(() => outbox.get(id)?.status === 'pending')
    } finally {
      await engine.stop()
      outbox.close()
      cleanup()
    }
  })

  test('after repeated server errors an op is flagged stuck with its last error, and "sync now" clears it', async () => {
    const { k, id } = await kioskWithStuckAppeal()
    try {
      assert.equal(k.outbox.get(id)?.lastError?.code, 'INTERNAL')
      assert.equal(k.outbox.summary().stuck, 1)
      proxy.setSchedule(passAll)
      await k.engine.syncNow()
      const op = k.outbox.get(id) as OpView
      assert.equal(op.status, 'pending')
      assert.equal(op.stuck, false)
    } finally {
      await k.done()
    }
  })

  test('"sync now" while paused, or with the central API away, keeps the stuck flags: nothing was tried', async () => {
    const { k, id } = await kioskWithStuckAppeal()
    try {
      k.engine.pause()
      await k.engine.syncNow()
      assert.equal(k.outbox.get(id)?.stuck, true, 'paused: still stuck')
      k.engine.resume()
      proxy.setSchedule(() => ({ kind: 'refuse', ms: 0 }))
      await k.engine.syncNow()
      assert.equal(k.engine.online, false)
      assert.equal(k.outbox.get(id)?.stuck, true, 'offline: still stuck')
      assert.equal(k.outbox.summary().stuck, 1)
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('an op the server answers "rejected INTERNAL" (not stored) is sent again, not given up', async () => {
    let first = true
    proxy.setSchedule((r) => (first && r.path.startsWith('/v1/ops') ? ((first = false), { kind: 'firstOpInternal' }) : { kind: 'pass' }))
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => k.outbox.get(id)?.status === 'pending')
      assert.equal(k.outbox.get(id)?.attempts, 2)
    } finally {
      await k.done()
    }
  })

  test('an error code newer than the kiosk refuses that op alone (final), and the rest of its batch is recorded', async () => {
    let first = true
    proxy.setSchedule((r) => (first && r.path.startsWith('/v1/ops') && r.method === 'POST' ? ((first = false), { kind: 'firstOpUnknownCode' }) : { kind: 'pass' }))
    const k = await kiosk()
    try {
      k.engine.pause()
      const a = await queueAppeal(k.outbox, next++)
      const b = await queueAppeal(k.outbox, next++)
      k.engine.resume()
      assert.equal((await k.engine.waitForOutcome(a.id, 10_000))?.status, 'rejected')
      assert.equal(k.outbox.get(a.id)?.lastError?.code, 'BAD_REQUEST')
      assert.equal((await k.engine.waitForOutcome(b.id, 10_000))?.status, 'pending')
      assert.equal(k.outbox.get(b.id)?.attempts, 1, 'answered the first time')
    } finally {
      await k.done()
    }
  })

  test('a 429 with Retry-After holds the op back at least that long', async () => {
    let busy = true
    proxy.setSchedule((r) => (busy && r.path.startsWith('/v1/ops') ? { kind: 'busy', status: 429, retryAfterSeconds: 1 } : { kind: 'pass' }))
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => (k.outbox.get(id)?.attempts ?? 0) >= 1 && k.outbox.get(id)?.status === 'queued')
      const op = k.outbox.get(id) as OpView
      assert.equal(op.lastError?.code, 'RATE_LIMITED')
      assert.ok(Date.parse(op.nextAttemptAt as string) - Date.parse(op.updatedAt) >= 1_000)
      busy = false
      await until(() => k.outbox.get(id)?.status === 'pending', 4_000)
    } finally {
      await k.done()
    }
  })

  test('the interactive calls are signed, sealed and answer errors as values', async () => {
    proxy.setSchedule(passAll)
    const client = central.clientFor(proxy.url)
    const i = next++
    const c = candidate(i)
    const code = await smsCodeFor(central, client, c.mobile, 'register')
    const wrong = await client.smsVerify({ mobile: c.mobile, purpose: 'register', code: code === '111111' ? '222222' : '111111' })
    assert.equal(!wrong.ok && wrong.error.code, 'BAD_SMS_CODE')
    const right = await client.smsVerify({ mobile: c.mobile, purpose: 'register', code })
    assert.ok(right.ok && right.value.verificationToken.length > 0)
    const login = await client.login({ idNumber: c.idNumber, password: c.password })
    assert.equal(!login.ok && login.error.code, 'BAD_CREDENTIALS')
    proxy.setSchedule(() => ({ kind: 'resetMidRequest' }))
    const cut = await client.health()
    assert.deepEqual(cut, { ok: false, error: { code: 'NETWORK_UNAVAILABLE' }, httpStatus: null })
    proxy.setSchedule(passAll)
  })

  test('a status answer about another op than the one asked about decides nothing', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      const asked = await queueAppeal(k.outbox, next++)
      const other = await queueAppeal(k.outbox, next++)
      await until(() => k.outbox.get(asked.id)?.status === 'pending' && k.outbox.get(other.id)?.status === 'pending')
      await k.engine.stop()
      // A confused server: asked about one appeal, it answers with a rejection of the other.
      const real = central.clientFor(proxy.url)
      let polls = 0
      const confused: typeof real = {
        ...real,
        async opStatus(id) {
          polls++
          if (id !== asked.id) return real.opStatus(id)
          return { ok: true, value: { id: other.id, status: 'rejected', error: { code: 'ID_OCCUPIED' } } }
        },
      }
      const engine = createSyncEngine({ outbox: k.outbox, client: confused, ...fast })
      engine.start()
      await until(() => polls >= 4)
      await engine.stop()
      real.close()
      assert.equal(k.outbox.get(other.id)?.status, 'pending')
      assert.equal(k.outbox.get(asked.id)?.status, 'pending')
    } finally {
      await k.done()
    }
  })

  test('a kiosk whose credential the server does not know keeps its ops queued', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      await k.engine.stop()
      const stranger = createCentralClient({ baseUrl: proxy.url, credential: { kioskId: 'k-unknown', secret: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' } })
      const engine = createSyncEngine({ outbox: k.outbox, client: stranger, ...fast })
      engine.start()
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => k.outbox.get(id)?.lastError?.code === 'UNAUTHORIZED')
      engine.pause()
      await engine.idle()
      assert.equal(k.outbox.get(id)?.status, 'queued')
      await engine.stop()
      stranger.close()
    } finally {
      await k.done()
    }
  })
})
