import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { revokeKiosk } from '../../../server/enrollment'
import { createCentralClient, type CentralClient } from '../../../sync/centralClient'
import { countUnfinishedOps } from '../../../sync/outbox'
import type { SyncEngineOptions } from '../../../sync/syncEngine'
import { passAll, type FaultProxy } from '../../faults/faultProxy'
import type { Central } from './central'
import { fast, queueAppeal, sleep, startKiosk, until, withCentralBehindProxy, type TestKiosk } from './engineKit'

// What the engine does when the central API refuses, fails or holds it back, and when it stops.

let central: Central
let proxy: FaultProxy
let next = 70_000
withCentralBehindProxy((c, p) => {
  central = c
  proxy = p
})

async function kiosk(extra: Partial<SyncEngineOptions> = {}, client: CentralClient = central.clientFor(proxy.url, { timeoutMs: 2_000 })) {
  return startKiosk(central, client, extra)
}

/** A second kiosk enrolled at the reference server, which its operator then revokes (`kiosks revoke`). */
async function revokedClient(): Promise<CentralClient> {
  const enrolled = await createCentralClient({ baseUrl: central.server.url }).enroll({ code: central.server.createEnrollmentCode('revoked'), name: 'revoked kiosk' })
  assert.ok(enrolled.ok)
  const db = new Database(join(central.dataDir, 'central.db'))
  try {
    assert.equal(revokeKiosk(db, enrolled.value.kioskId), true)
  } finally {
    db.close()
  }
  return createCentralClient({ baseUrl: proxy.url, credential: { kioskId: enrolled.value.kioskId, secret: enrolled.value.secret } })
}

/** A kiosk online and paused with `count` appeals queued; the proxy passes everything again after. */
async function withQueuedAppeals(extra: Partial<SyncEngineOptions>, count: number, body: (k: TestKiosk, ids: string[]) => Promise<void>) {
  proxy.setSchedule(passAll)
  const k = await kiosk(extra)
  try {
    await until(() => k.engine.online === true)
    k.engine.pause()
    const ids: string[] = []
    for (let n = 0; n < count; n++) ids.push((await queueAppeal(k.outbox, next++)).id)
    await body(k, ids)
  } finally {
    proxy.setSchedule(passAll)
    await k.done()
  }
}

/** Staff's 立即同步 once the server is back: every op held back goes, and the server has it (appeals wait there). */
async function allGoOnSyncNow(k: TestKiosk, ids: readonly string[]) {
  proxy.setSchedule(passAll)
  await k.engine.syncNow()
  for (const id of ids) assert.equal(k.outbox.get(id)?.status, 'pending')
}

describe('the sync engine when the central API refuses or fails', () => {
  test('a revoked kiosk keeps its ops, and can still enrol again or cancel them: a refused push stored nothing', async () => {
    proxy.setSchedule(passAll)
    const client = await revokedClient()
    const k = await kiosk({}, client)
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => (k.outbox.get(id)?.attempts ?? 0) >= 2 && k.outbox.get(id)?.status === 'queued')
      k.engine.pause()
      await k.engine.idle()
      assert.equal(k.outbox.get(id)?.lastError?.code, 'UNAUTHORIZED')
      assert.equal(k.outbox.get(id)?.maybeSent, false)
      // What the re-enrolment in 设置 counts: nothing the server may hold under the old kiosk id.
      assert.equal(countUnfinishedOps(k.outbox.file, undefined, { maybeSent: true }), 0)
      assert.equal(countUnfinishedOps(k.outbox.file), 1)
      assert.equal(k.outbox.cancel(id, 'other').ok, true)
    } finally {
      await k.done()
      client.close()
    }
  })

  test('an op whose push the server applied but whose answer a gateway lost stays "maybe sent" through later refusals', async () => {
    let lost = true
    proxy.setSchedule((r) => (r.method === 'POST' && r.path.startsWith('/v1/ops') ? (lost ? ((lost = false), { kind: 'applyThen502' }) : { kind: 'busy', status: 429, retryAfterSeconds: 0 }) : { kind: 'pass' }))
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => (k.outbox.get(id)?.attempts ?? 0) >= 2 && k.outbox.get(id)?.status === 'queued')
      k.engine.pause()
      await k.engine.idle()
      assert.equal(k.outbox.get(id)?.lastError?.code, 'RATE_LIMITED')
      assert.equal(k.outbox.get(id)?.maybeSent, true)
      assert.equal(countUnfinishedOps(k.outbox.file, undefined, { maybeSent: true }), 1)
      assert.deepEqual(k.outbox.cancel(id, 'other'), { ok: false, error: { code: 'BAD_REQUEST' } })
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test("a server's absurd Retry-After holds an op back 15 minutes at most, and the dashboard can still read it", async () => {
    proxy.setSchedule((r) => (r.path.startsWith('/v1/ops') ? { kind: 'busy', status: 429, retryAfterSeconds: 99_999_999_999_999 } : { kind: 'pass' }))
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => k.engine.stats().pushes >= 1 && k.outbox.list({ status: 'queued' }).length === 1)
      const op = k.outbox.get(id)
      assert.equal(op?.lastError?.code, 'RATE_LIMITED')
      assert.ok(Date.parse(op?.nextAttemptAt ?? '') <= Date.now() + 15 * 60_000)
      assert.ok(Date.parse(op?.nextAttemptAt ?? '') >= Date.now() + 14 * 60_000)
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('a 429 ends the pass: no other batch is pushed before its Retry-After, unless staff ask to sync now', async () => {
    await withQueuedAppeals({ batchMaxOps: 2, concurrency: 1 }, 10, async (k, ids) => {
      proxy.setSchedule((r) => (r.method === 'POST' && r.path.startsWith('/v1/ops') ? { kind: 'busy', status: 429, retryAfterSeconds: 60 } : { kind: 'pass' }))
      const busyBefore = proxy.applied.busy
      k.engine.resume()
      await until(() => proxy.applied.busy > busyBefore)
      await k.engine.idle()
      // Ticks and enqueues come and go; the server asked for a minute.
      await sleep(3 * fast.tickMs)
      await queueAppeal(k.outbox, next++)
      await sleep(fast.tickMs)
      assert.equal(proxy.applied.busy - busyBefore, 1)
      await allGoOnSyncNow(k, ids)
    })
  })

  test('a 429 while a refused batch is being halved ends the pass: the other half is not pushed before its Retry-After', async () => {
    await withQueuedAppeals({ batchMaxOps: 4, concurrency: 1 }, 4, async (k, ids) => {
      // A body limit's 400 page for the batch of 4, then the server asks for a minute.
      let pushes = 0
      proxy.setSchedule((r) => {
        if (r.method !== 'POST' || !r.path.startsWith('/v1/ops')) return { kind: 'pass' }
        pushes++
        return pushes === 1 ? { kind: 'page', status: 400 } : { kind: 'busy', status: 429, retryAfterSeconds: 60 }
      })
      k.engine.resume()
      await until(() => pushes >= 2)
      await k.engine.idle()
      await sleep(3 * fast.tickMs)
      assert.equal(pushes, 2, 'the batch, then its first half: the second half waits for the Retry-After too')
      for (const id of ids) {
        const op = k.outbox.get(id)
        assert.equal(op?.status, 'queued')
        assert.equal(op?.maybeSent, false, 'a 400 page and a 429 store nothing: the op can still be cancelled')
      }
      await allGoOnSyncNow(k, ids)
    })
  })

  test('a 429 to a poll of a deferred op ends the round of polls: the other pending ops are not asked about until its Retry-After', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk({ pollDeferredMs: 50, tickMs: 50 })
    try {
      await until(() => k.engine.online === true)
      k.engine.pause()
      const ops = [await queueAppeal(k.outbox, next++), await queueAppeal(k.outbox, next++), await queueAppeal(k.outbox, next++)]
      let polls = 0
      proxy.setSchedule((r) => {
        if (r.method !== 'GET' || !r.path.startsWith('/v1/ops/')) return { kind: 'pass' }
        polls++
        return { kind: 'busy', status: 429, retryAfterSeconds: 60 }
      })
      k.engine.resume()
      await until(() => ops.every((op) => k.outbox.get(op.id)?.status === 'pending') && polls > 0)
      await sleep(6 * 50)
      assert.equal(polls, 1)
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test("the server's own Retry-After outlasts a network blip: the probe that finds the server again does not lift it", async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk({ batchMaxOps: 1, concurrency: 1 })
    try {
      await until(() => k.engine.online === true)
      k.engine.pause()
      const first = await queueAppeal(k.outbox, next++)
      const second = await queueAppeal(k.outbox, next++)
      proxy.setSchedule((r) => (r.method === 'POST' && r.path.startsWith('/v1/ops') ? { kind: 'busy', status: 429, retryAfterSeconds: 60 } : { kind: 'pass' }))
      const busyBefore = proxy.applied.busy
      k.engine.resume()
      await until(() => proxy.applied.busy > busyBefore)
      await k.engine.idle()
      // The network drops for a moment, then comes back.
      proxy.setSchedule((r) => (r.path.startsWith('/v1/health') ? { kind: 'refuse', ms: 20 } : { kind: 'pass' }))
      k.engine.networkChanged()
      await until(() => k.engine.online === false)
      proxy.setSchedule(passAll)
      await until(() => k.engine.online === true)
      await sleep(3 * fast.tickMs)
      assert.equal(proxy.applied.busy - busyBefore, 1)
      assert.deepEqual([first, second].map((op) => k.outbox.get(op.id)?.status), ['queued', 'queued'])
      await k.engine.syncNow()
      assert.deepEqual([first, second].map((op) => k.outbox.get(op.id)?.status), ['pending', 'pending'])
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test("a proxy's 502 page while the server is down takes the kiosk offline (the health probe says so), not 联网正常", async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      await until(() => k.engine.online === true)
      // The server behind the proxy is gone: the proxy answers every request with its own page.
      proxy.setSchedule(() => ({ kind: 'page', status: 502 }))
      const op = await queueAppeal(k.outbox, next++)
      await until(() => k.engine.online === false)
      // Back in the queue once the failed push is released (a moment after the kiosk is offline).
      await until(() => k.outbox.get(op.id)?.status === 'queued')
      // Back: the probe finds it, and the op goes.
      proxy.setSchedule(passAll)
      await until(() => k.engine.online === true)
      assert.equal((await k.engine.waitForOutcome(op.id, 10_000))?.status, 'pending')
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })
})

describe('the sync engine when it stops', () => {
  test('a candidate waiting for the answer gets the op as it is when the engine stops, never an error after the outbox closed', async () => {
    proxy.setSchedule(() => ({ kind: 'refuse', ms: 30 }))
    const k = await kiosk()
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      const waiting = k.engine.waitForOutcome(id, 500)
      await k.engine.stop()
      const settled = await Promise.race([waiting, sleep(50).then(() => 'still waiting' as const)])
      assert.notEqual(settled, 'still waiting')
      assert.equal(typeof settled === 'object' && settled?.status, 'queued')
      k.outbox.close()
      // Past the wait the screen asked for: nothing reads the closed outbox.
      await sleep(600)
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })

  test('"sync now" whose probe comes back after the outbox closed ends quietly', async () => {
    proxy.setSchedule(passAll)
    const k = await kiosk()
    try {
      await until(() => k.engine.online === true)
      await k.engine.stop()
      proxy.setSchedule(() => ({ kind: 'delay', ms: 100 }))
      const asked = k.engine.syncNow()
      k.outbox.close()
      await asked
    } finally {
      proxy.setSchedule(passAll)
      await k.done()
    }
  })
})

describe('the sync engine and the wall clock', () => {
  test('appeals are still polled after the wall clock is set back by hours', async () => {
    // Polls counted as they pass the proxy to the reference server (GET /v1/ops/:id).
    let polls = 0
    proxy.setSchedule((r) => {
      if (r.method === 'GET' && r.path.startsWith('/v1/ops/')) polls++
      return { kind: 'pass' }
    })
    const k = await kiosk({ pollDeferredMs: 100, tickMs: 50 })
    const wallNow = Date.now
    try {
      const { id } = await queueAppeal(k.outbox, next++)
      await until(() => k.outbox.get(id)?.status === 'pending' && polls >= 1)
      // The whole process's wall clock, the server's too (so its signatures still check out).
      Date.now = () => wallNow() - 3 * 60 * 60_000
      const before = polls
      await until(() => polls >= before + 2, 2_000)
    } finally {
      Date.now = wallNow
      proxy.setSchedule(passAll)
      await k.done()
    }
  })
})
