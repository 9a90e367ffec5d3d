import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { join } from 'node:path'
import { openOutbox } from '../../../sync/outbox'
import { createSyncEngine } from '../../../sync/syncEngine'
import { startFaultProxy } from '../../faults/faultProxy'
import { startCentral, smsCodeFor, type Central } from './central'
import { candidate, maskedSummary, payloadOf } from './fixtures'
import { tempDir } from './harness'

// A kiosk in a hall often has the wrong time (no NTP on an isolated network, a flat CMOS battery).
// The server refuses a signature more than 5 minutes off its clock, and judges an op by its createdAt
// (an SMS code must have been valid then; an op "from the future" is refused). A wrong kiosk clock
// must cost nothing: every op still ends applied, once.

let central: Central
before(async () => {
  central = await startCentral()
})
after(() => central.close())

const minute = 60_000

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  assert.ok(condition(), 'in time')
}

/** A kiosk whose clock is `skewMs` off, talking to the central server (or to `baseUrl`, a proxy in front of it). */
async function kioskWithClock(skewMs: number | (() => number), baseUrl = central.server.url) {
  const skew = typeof skewMs === 'number' ? () => skewMs : skewMs
  const now = () => Date.now() + skew()
  const { dir, cleanup } = tempDir()
  const outbox = openOutbox({
    file: join(dir, 'kiosk.db'),
    centralPublicKey: central.server.publicKey,
    keyId: central.server.keyId,
    accountKeySecret: 'kiosk-secret',
    now,
  })
  const client = central.clientFor(baseUrl, { now })
  const engine = createSyncEngine({ outbox, client, probeMs: 50, tickMs: 200 })
  return {
    outbox,
    client,
    engine,
    async done() {
      await engine.stop()
      outbox.close()
      cleanup()
    },
  }
}

describe("a kiosk whose clock is wrong still syncs, in the server's time", () => {
  for (const [label, skewMs, i] of [
    ['30 minutes fast', 30 * minute, 71_000],
    ['3 hours slow', -180 * minute, 71_100],
    ['2 days slow', -2 * 24 * 60 * minute, 71_200],
  ] as const) {
    test(`${label}: an SMS code is sent, and a registration and an appeal end applied`, async () => {
      const k = await kioskWithClock(skewMs)
      try {
        const c = candidate(i)
        // A signed, sealed interactive call: refused outright if the signature's time were the kiosk's.
        const code = await smsCodeFor(central, k.client, c.mobile, 'register')
        assert.ok(Math.abs(k.client.clockOffsetMs() + skewMs) < 3_000, `offset ${k.client.clockOffsetMs()} for a skew of ${skewMs}`)
        const registered = await k.outbox.enqueue('register', { ...payloadOf('register', i), smsCode: code }, { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
        const appealed = await k.outbox.enqueue('appeal', payloadOf('appeal', i + 1), { accountIdNumber: candidate(i + 1).idNumber, summary: maskedSummary(candidate(i + 1)) })
        assert.ok(registered.ok && appealed.ok)
        k.engine.start()
        const reg = await k.engine.waitForOutcome(registered.value.id, 5_000)
        assert.equal(reg?.status, 'applied', JSON.stringify(reg))
        const app = await k.engine.waitForOutcome(appealed.value.id, 5_000)
        assert.ok(app?.status === 'pending' || app?.status === 'applied', JSON.stringify(app))
      } finally {
        await k.done()
      }
    })
  }

  for (const [label, steadyJumps] of [
    ["a clock that jumps while the kiosk runs: the next call reads the server's time first, and is answered", false],
    // Signed with the old offset, refused (401), its Date header read, then sent again and answered.
    ["a jump the kiosk cannot see (its steady clock jumps too): the refused call is made once more, in the server's time", true],
  ] as const) {
    test(label, async () => {
      let skewMs = 0
      // Closed with the central server's other clients.
      const client = central.clientFor(central.server.url, {
        now: () => Date.now() + skewMs,
        ...(steadyJumps ? { steadyNow: () => performance.now() + skewMs } : {}),
      })
      assert.equal((await client.receipt('ZZZZZZZZ')).ok, false)
      assert.equal(client.clockOffsetMs(), 0)
      skewMs = 45 * minute
      const answer = await client.receipt('ZZZZZZZZ')
      assert.deepEqual(answer, { ok: false, error: { code: 'OP_NOT_FOUND' }, httpStatus: 404, fromServer: true })
      assert.ok(Math.abs(client.clockOffsetMs() + skewMs) < 3_000)
    })
  }

  for (const [label, startSkewMs, i] of [
    ['30 minutes fast', 30 * minute, 71_300],
    // A flat CMOS battery: days behind, until NTP comes with the network. Sent with its old stamp,
    // the appeal would be older than the server takes (OP_EXPIRED).
    ['4 days slow', -4 * 24 * 60 * minute, 71_310],
  ] as const) test(`a clock set right while ops wait offline: an appeal stamped ${label} is dated again, and taken`, async () => {
    // An offline start with a wrong clock; NTP sets it right when the network comes back, before the
    // first push. The appeal's stamp is in the old time, and the server now reads the clock as right.
    let skewMs: number = startSkewMs
    const k = await kioskWithClock(() => skewMs)
    try {
      const who = candidate(i)
      const queued = await k.outbox.enqueue('appeal', payloadOf('appeal', i), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
      assert.ok(queued.ok)
      skewMs = 0
      k.engine.start()
      const seen = await k.engine.waitForOutcome(queued.value.id, 5_000)
      assert.equal(seen?.status, 'pending', JSON.stringify(seen))
      assert.equal(k.client.clockOffsetMs(), 0)
    } finally {
      await k.done()
    }
  })

  for (const fastMinutes of [4, 30, -30]) {
    const wrong = `${Math.abs(fastMinutes)} minutes ${fastMinutes > 0 ? 'fast' : 'slow'}`
    test(`online ${wrong}, set right while a registration waits: it is sent in the server's time and applied`, async () => {
      // The offset the client read while the clock was fast no longer holds once NTP sets it: sent
      // with it, the registration would be dated before the SMS code it carries (BAD_SMS_CODE).
      let skewMs = fastMinutes * minute
      const k = await kioskWithClock(() => skewMs)
      try {
        const i = 71_400 + fastMinutes
        const who = candidate(i)
        // Online, then paused by staff: on resume the engine sends at once, with no probe between.
        k.engine.start()
        await until(() => k.engine.online === true)
        k.engine.pause()
        const code = await smsCodeFor(central, k.client, who.mobile, 'register')
        assert.ok(Math.abs(k.client.clockOffsetMs() + skewMs) < 3_000, 'the client knows the clock is fast')
        const queued = await k.outbox.enqueue('register', { ...payloadOf('register', i), smsCode: code }, { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
        assert.ok(queued.ok)
        skewMs = 0
        k.engine.resume()
        const seen = await k.engine.waitForOutcome(queued.value.id, 5_000)
        assert.equal(seen?.status, 'applied', JSON.stringify(seen))
      } finally {
        await k.done()
      }
    })
  }

  for (const [label, skewBefore, skewAfter, i] of [
    // Windows has no boot id: each start of the app is a new "boot". Staff notice the clock, set it
    // right and restart the app.
    ['2 hours slow, set right, then a restart', -120 * minute, 0, 71_500],
    // A flat CMOS battery's clock, set right by NTP at the next boot: the stamp is older than the
    // server takes any op (OP_EXPIRED).
    ['4 days slow, then a reboot with NTP', -4 * 24 * 60 * minute, 0, 71_510],
  ] as const) {
    test(`a registration made before a restart, its clock ${label}: sent in the server's time of its making, and applied`, async () => {
      // The stamp is in the clock of the earlier boot; the offset read after the restart belongs to
      // the clock as it is now. Sent with that, the op was dated before its SMS code (BAD_SMS_CODE)
      // or after it expired.
      const { dir, cleanup } = tempDir()
      const file = join(dir, 'kiosk.db')
      const who = candidate(i)
      try {
        const first = central.clientFor(central.server.url, { now: () => Date.now() + skewBefore })
        const code = await smsCodeFor(central, first, who.mobile, 'register')
        const before = openOutbox({
          file,
          centralPublicKey: central.server.publicKey,
          keyId: central.server.keyId,
          accountKeySecret: 'kiosk-secret',
          now: () => Date.now() + skewBefore,
          boot: { now: () => performance.now(), id: 'boot-before' },
          serverTime: () => first.serverTimeIfKnown(),
        })
        const queued = await before.enqueue('register', { ...payloadOf('register', i), smsCode: code }, { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
        assert.ok(queued.ok)
        before.close()

        const now = () => Date.now() + skewAfter
        const outbox = openOutbox({
          file,
          centralPublicKey: central.server.publicKey,
          keyId: central.server.keyId,
          accountKeySecret: 'kiosk-secret',
          now,
          boot: { now: () => performance.now(), id: 'boot-after' },
        })
        const engine = createSyncEngine({ outbox, client: central.clientFor(central.server.url, { now }), probeMs: 50, tickMs: 200 })
        try {
          engine.start()
          const seen = await engine.waitForOutcome(queued.value.id, 5_000)
          assert.equal(seen?.status, 'applied', JSON.stringify(seen))
        } finally {
          await engine.stop()
          outbox.close()
        }
      } finally {
        cleanup()
      }
    })
  }

  test("an op from an earlier boot whose kept server time was read from a fast answer is sent as made now, not refused as from the future", async () => {
    // The offset at enqueue came from a Date header 10 minutes fast (a proxy's), corrected since.
    const { dir, cleanup } = tempDir()
    const file = join(dir, 'kiosk.db')
    const who = candidate(71_530)
    try {
      const options = { file, centralPublicKey: central.server.publicKey, keyId: central.server.keyId, accountKeySecret: 'kiosk-secret' }
      const before = openOutbox({ ...options, boot: { now: () => performance.now(), id: 'boot-before' }, serverTime: () => Date.now() + 10 * minute })
      const queued = await before.enqueue('appeal', payloadOf('appeal', 71_530), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
      assert.ok(queued.ok)
      before.close()
      const outbox = openOutbox({ ...options, boot: { now: () => performance.now(), id: 'boot-after' } })
      const engine = createSyncEngine({ outbox, client: central.clientFor(central.server.url), probeMs: 50, tickMs: 200 })
      try {
        engine.start()
        const seen = await engine.waitForOutcome(queued.value.id, 5_000)
        assert.equal(seen?.status, 'pending', JSON.stringify(seen))
      } finally {
        await engine.stop()
        outbox.close()
      }
    } finally {
      cleanup()
    }
  })

  test("a Retry-After given as a date is read against the answer's own Date header, not this machine's clock", async () => {
    // A gateway whose clock is two days behind this machine's answers 503 with Retry-After in 30 s
    // of its own time. Read against this machine's clock, that date is long past: no wait at all.
    const proxy = await startFaultProxy(central.server.url)
    let busy = true
    const gatewaySkew = -2 * 24 * 60 * minute
    proxy.setSchedule((r) =>
      busy && r.path.startsWith('/v1/ops') ? { kind: 'busy', status: 503, retryAfterSeconds: 30, dateSkewMs: gatewaySkew } : { kind: 'pass' },
    )
    const k = await kioskWithClock(0, proxy.url)
    try {
      const who = candidate(71_500)
      const queued = await k.outbox.enqueue('appeal', payloadOf('appeal', 71_500), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
      assert.ok(queued.ok)
      k.engine.start()
      await until(() => (k.outbox.get(queued.value.id)?.attempts ?? 0) >= 1 && k.outbox.get(queued.value.id)?.status === 'queued')
      const op = k.outbox.get(queued.value.id)!
      const waitMs = Date.parse(op.nextAttemptAt as string) - Date.parse(op.updatedAt)
      assert.ok(waitMs >= 28_000, `waits ${waitMs} ms`)
      busy = false
    } finally {
      await k.done()
      await proxy.close()
    }
  })

  test('a kiosk whose clock is right keeps it: no offset from the Date header\'s one-second grain', async () => {
    const k = await kioskWithClock(0)
    try {
      const health = await k.client.health()
      assert.equal(health.ok, true)
      assert.equal(k.client.clockOffsetMs(), 0)
    } finally {
      await k.done()
    }
  })
})
