import assert from 'node:assert/strict'
import { chmodSync, readFileSync, statSync } from 'node:fs'
import { describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { sealingAad } from '../../../src-common/sealing'
import { createOpener } from '../../../server/opener'
import { wireOpSchema } from '../../../src-common/wire'
import { countUnfinishedOps, openOutbox } from '../../../sync/outbox'
import { migrations } from '../../../sync/migrations'
import { mayCarryKioskBound } from '../../../src-common/operations'
import { receiptPattern } from '../../../sync/receipt'
import { candidate, maskedSummary, payloadOf, staff, token } from './fixtures'
import { makeOutbox } from './harness'

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

async function queueRegistration(t: Awaited<ReturnType<typeof makeOutbox>>, i: number) {
  const c = candidate(i)
  const r = await t.outbox.enqueue('register', payloadOf('register', i), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
  assert.ok(r.ok, JSON.stringify(r))
  return r.value
}

describe('outbox', () => {
  test('kiosk.db and its -wal are readable by the kiosk\'s user only, in a data folder open to all', async () => {
    const t = await makeOutbox()
    try {
      // A folder made before the kiosk first ran, and a kiosk.db left by an older version under the umask's 0644.
      chmodSync(t.dir, 0o755)
      t.outbox.close()
      chmodSync(t.file, 0o644)
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests' })
      await again.enqueue('appeal', payloadOf('appeal', 3), { summary: maskedSummary(candidate(3)) })
      for (const file of [t.file, `${t.file}-wal`]) assert.equal(statSync(file).mode & 0o777, 0o600, file)
      again.close()
    } finally {
      t.cleanup()
    }
  })

  test('an enqueued registration is committed as queued with a UUIDv7 id and a readable receipt, and survives a restart', async () => {
    const t = await makeOutbox()
    try {
      const { id, receipt } = await queueRegistration(t, 1)
      assert.match(id, uuidV7)
      assert.match(receipt, receiptPattern)
      t.outbox.close()
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests' })
      const op = again.findByReceipt(receipt.toLowerCase())
      assert.equal(op?.id, id)
      assert.equal(op?.status, 'queued')
      assert.deepEqual(op?.summary, maskedSummary(candidate(1)))
      again.close()
    } finally {
      t.cleanup()
    }
  })

  test('only the central key opens what was sealed, and only under the op id and kind it was sealed for', async () => {
    const t = await makeOutbox()
    try {
      await queueRegistration(t, 2)
      const [op] = t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
      assert.ok(op)
      assert.ok(wireOpSchema.safeParse(op).success)
      assert.deepEqual(op.clear, { idType: 'resident', agreed: true })
      const opener = await createOpener(t.keys.privateKey, t.keys.publicKey)
      const opened = (await opener.open(op.sealed, sealingAad(op.id, op.kind))) as Record<string, unknown>
      assert.equal(opened.idNumber, candidate(2).idNumber)
      assert.equal(opened.password, candidate(2).password)
      assert.equal(await opener.open(op.sealed, sealingAad(op.id, 'appeal')), undefined)
    } finally {
      t.cleanup()
    }
  })

  test('an invalid payload is refused with the offending field and nothing is stored', async () => {
    const t = await makeOutbox()
    try {
      const r = await t.outbox.enqueue('register', { ...payloadOf('register', 3), mobile: '1' }, { summary: {} })
      assert.equal(r.ok, false)
      assert.equal(!r.ok && r.error.code, 'INVALID_FIELD')
      assert.equal(!r.ok && r.error.field, 'mobile')
      assert.equal(t.outbox.list().length, 0)
    } finally {
      t.cleanup()
    }
  })

  test('a display summary holding a real value instead of a masked one is refused', async () => {
    const t = await makeOutbox()
    try {
      const c = candidate(4)
      const r = await t.outbox.enqueue('register', payloadOf('register', 4), { summary: { mobile: c.mobile } })
      assert.deepEqual(r, { ok: false, error: { code: 'INVALID_FIELD', field: 'summary' } })
      assert.equal(t.outbox.summary().depth.queued, 0)
    } finally {
      t.cleanup()
    }
  })

  test('a masked summary whose visible part happens to equal a short sealed value (a staff ID, an SMS code) is taken', async () => {
    const t = await makeOutbox()
    try {
      const c = candidate(7)
      const summary = maskedSummary(c)
      assert.equal(summary.idNumber?.slice(0, 6), '110105')
      // Staff 105 files an appeal for a candidate from district 110105; a registration's SMS code is 110105.
      const appeal = await t.outbox.enqueue('appeal', { ...payloadOf('appeal', 7), attestation: { ...staff, staffId: '105' } }, { accountIdNumber: c.idNumber, summary })
      assert.ok(appeal.ok, JSON.stringify(appeal))
      const register = await t.outbox.enqueue('register', { ...payloadOf('register', 7), smsCode: '110105' }, { accountIdNumber: c.idNumber, summary })
      assert.ok(register.ok, JSON.stringify(register))
      // A value in full is still refused, however short: a 2-character name, a short email.
      const other = candidate(8)
      for (const unmasked of [{ name: '王小' }, { email: 'a@b.cn' }, { mobile: other.mobile }] as Record<string, string>[]) {
        const payload = { ...payloadOf('appeal', 8), name: '王小', email: 'a@b.cn' }
        const r = await t.outbox.enqueue('appeal', payload, { summary: { ...maskedSummary(other), ...unmasked } })
        assert.deepEqual(r, { ok: false, error: { code: 'INVALID_FIELD', field: 'summary' } }, JSON.stringify(unmasked))
      }
    } finally {
      t.cleanup()
    }
  })

  test('ops of one account go out one at a time in order; other accounts are not held up', async () => {
    const t = await makeOutbox()
    try {
      const c = candidate(5)
      const first = await queueRegistration(t, 5)
      const second = await t.outbox.enqueue('appeal', payloadOf('appeal', 5), { accountIdNumber: c.idNumber.toLowerCase(), summary: {} })
      const other = await queueRegistration(t, 6)
      assert.ok(second.ok)
      const batch1 = t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((o) => o.id)
      assert.deepEqual(batch1, [first.id, other.id])
      assert.equal(batch1.includes(second.value.id), false)
      t.outbox.recordResults([{ id: first.id, status: 'applied', result: { accountId: 'A1' } }, { id: other.id, status: 'applied', result: {} }])
      const batch2 = t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((o) => o.id)
      assert.deepEqual(batch2, [second.value.id])
      assert.deepEqual(t.outbox.get(first.id)?.result, { accountId: 'A1' })
    } finally {
      t.cleanup()
    }
  })

  test('an op blocked after it was sent (staff retried an earlier one) cannot be cancelled: the server may have it', async () => {
    const t = await makeOutbox()
    const claim = () => t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((o) => o.id)
    try {
      const c = candidate(9)
      const put = async (kind: 'verifyMobile' | 'appeal', i: number) => {
        const r = await t.outbox.enqueue(kind, payloadOf(kind, i), { accountIdNumber: c.idNumber, summary: {} })
        assert.ok(r.ok)
        return r.value.id
      }
      const first = await put('verifyMobile', 9)
      const second = await put('verifyMobile', 10)
      const third = await put('appeal', 9)
      assert.deepEqual(claim(), [first])
      t.outbox.recordResults([{ id: first, status: 'rejected', error: { code: 'SESSION_EXPIRED' } }])
      // Staff retry the third alone: it is sent, and its answer is lost.
      assert.ok(t.outbox.retry(third).ok)
      assert.deepEqual(claim(), [third])
      t.outbox.releaseForRetry([third], { code: 'NETWORK_UNAVAILABLE' }, () => 60_000, 5)
      // Then the second, which is rejected in turn and blocks the third again.
      assert.ok(t.outbox.retry(second).ok)
      assert.deepEqual(claim(), [second])
      t.outbox.recordResults([{ id: second, status: 'rejected', error: { code: 'SESSION_EXPIRED' } }])
      assert.equal(t.outbox.get(third)?.status, 'blocked')
      assert.deepEqual(t.outbox.cancel(third, 'other'), { ok: false, error: { code: 'BAD_REQUEST' } })
    } finally {
      t.cleanup()
    }
  })

  test('a rejection is final for that op and blocks only the later ops of the same account until retried', async () => {
    const t = await makeOutbox()
    try {
      const c = candidate(7)
      const head = await queueRegistration(t, 7)
      const follower = await t.outbox.enqueue('verifyMobile', payloadOf('verifyMobile', 7), { accountIdNumber: c.idNumber, summary: {} })
      const stranger = await queueRegistration(t, 8)
      assert.ok(follower.ok)
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      t.outbox.recordResults([
        { id: head.id, status: 'rejected', error: { code: 'ID_OCCUPIED' } },
        { id: stranger.id, status: 'applied', result: {} },
      ])
      assert.equal(t.outbox.get(head.id)?.status, 'rejected')
      assert.deepEqual(t.outbox.get(head.id)?.lastError, { code: 'ID_OCCUPIED' })
      assert.equal(t.outbox.get(follower.value.id)?.status, 'blocked')
      assert.equal(t.outbox.get(follower.value.id)?.blockedBy, head.id)
      assert.equal(t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.length, 0)

      // What the candidate does after seeing the rejection is not held behind it.
      const appeal = await t.outbox.enqueue('appeal', payloadOf('appeal', 7), { accountIdNumber: c.idNumber, summary: {} })
      assert.ok(appeal.ok)
      assert.deepEqual(t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((o) => o.id), [appeal.value.id])

      assert.ok(t.outbox.retry(follower.value.id).ok)
      assert.equal(t.outbox.get(follower.value.id)?.status, 'queued')
      assert.equal(t.outbox.retry(head.id).ok, false)
      // Retried while the appeal is in flight: one op of an account at a time, so it waits for that answer.
      assert.deepEqual(t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops, [])
      t.outbox.recordResults([{ id: appeal.value.id, status: 'pending' }])
      assert.deepEqual(t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((o) => o.id), [follower.value.id])
    } finally {
      t.cleanup()
    }
  })

  test('a final op keeps no sealed payload, and its tombstone is purged after the retention period', async () => {
    let clock = Date.parse('2025-03-01T00:00:00Z')
    const t = await makeOutbox({ now: () => clock, retentionDays: 30 })
    try {
      const { id } = await queueRegistration(t, 9)
      const [sent] = t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
      assert.ok(sent, 'claimBatch returned the queued op')
      assert.equal(sent.id, id)
      const ciphertext = Buffer.from(sent.sealed.ct.slice(0, 32))
      assert.equal(ciphertext.length, 32)
      // The scan can fail: once checkpointed, the sealed bytes are in the database file.
      t.outbox.checkpoint()
      assert.equal(readFileSync(t.file).includes(ciphertext), true)
      t.outbox.recordResults([{ id, status: 'applied', result: {} }])
      const db = new Database(t.file, { readonly: true })
      assert.equal(db.prepare('SELECT body FROM ops WHERE id = ?').pluck().get(id), null)
      db.close()
      // Overwritten, not only unlinked: the sealed bytes are gone from the database file's pages.
      t.outbox.checkpoint()
      assert.equal(readFileSync(t.file).includes(ciphertext), false)
      clock += 29 * 86_400_000
      assert.equal(t.outbox.purgeExpired(), 0)
      assert.equal(t.outbox.get(id)?.status, 'applied')
      clock += 2 * 86_400_000
      assert.equal(t.outbox.purgeExpired(), 1)
      assert.equal(t.outbox.get(id), undefined)
    } finally {
      t.cleanup()
    }
  })

  test('ops that were in flight when the process died are queued again under the same id', async () => {
    const t = await makeOutbox()
    try {
      const { id } = await queueRegistration(t, 10)
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      assert.equal(t.outbox.get(id)?.status, 'sending')
      t.outbox.close()
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests' })
      assert.equal(again.get(id)?.status, 'queued')
      assert.deepEqual(again.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((o) => o.id), [id])
      again.close()
    } finally {
      t.cleanup()
    }
  })

  test('a supervisor can cancel an op that never left the kiosk, but not one that was sent', async () => {
    const t = await makeOutbox()
    try {
      const never = await queueRegistration(t, 11)
      const sent = await queueRegistration(t, 12)
      t.outbox.claimBatch({ maxOps: 1, maxBytes: 100_000 })
      t.outbox.releaseForRetry([never.id], { code: 'NETWORK_UNAVAILABLE' }, () => 60_000, 5)
      // `never` was claimed first; swap roles so the untouched one is cancelled.
      const untouched = t.outbox.get(never.id)?.attempts === 0 ? never : sent
      const touched = untouched === never ? sent : never
      assert.deepEqual(t.outbox.cancel(touched.id, 'candidateRequest'), { ok: false, error: { code: 'BAD_REQUEST' } })
      const r = t.outbox.cancel(untouched.id, 'candidateRequest')
      assert.ok(r.ok)
      assert.equal(r.value.status, 'cancelled')
      assert.equal(r.value.cancelReason, 'candidateRequest')
    } finally {
      t.cleanup()
    }
  })

  test('batches are bounded by op count and by bytes', async () => {
    const t = await makeOutbox()
    try {
      for (let i = 0; i < 6; i++) await queueRegistration(t, 100 + i)
      assert.equal(t.outbox.claimBatch({ maxOps: 4, maxBytes: 1_000_000 }).ops.length, 4)
      const small = t.outbox.claimBatch({ maxOps: 100, maxBytes: 600 })
      assert.equal(small.ops.length, 1)
      assert.ok(small.bytes < 2000)
    } finally {
      t.cleanup()
    }
  })

  test('the supervisor summary shows depth by status, stuck ops, the oldest waiting age and the last error', async () => {
    let clock = Date.parse('2025-03-01T00:00:00Z')
    let up = 5_000
    const t = await makeOutbox({ now: () => clock, boot: { now: () => up, id: 'boot-1' } })
    try {
      const a = await queueRegistration(t, 20)
      await queueRegistration(t, 21)
      clock += 90_000
      up += 90_000
      for (let attempt = 0; attempt < 3; attempt++) {
        t.outbox.claimBatch({ maxOps: 1, maxBytes: 100_000 })
        t.outbox.releaseForRetry([a.id], { code: 'INTERNAL' }, () => 0, 3)
      }
      t.outbox.recordSyncError({ code: 'INTERNAL' })
      const s = t.outbox.summary()
      assert.equal(s.depth.queued, 2)
      assert.equal(s.stuck, 1)
      assert.equal(t.outbox.get(a.id)?.stuck, true)
      assert.equal(s.oldestQueuedAgeSeconds, 90)
      assert.deepEqual(s.lastError?.error, { code: 'INTERNAL' })
      assert.equal(t.outbox.list({ status: 'queued', receipt: t.outbox.get(a.id)?.receipt.slice(2, 6) }).length >= 1, true)
      // count() pages with list(): the same filter, limit and offset aside.
      assert.equal(t.outbox.count(), 2)
      assert.equal(t.outbox.count({ status: 'queued' }), 2)
      assert.equal(t.outbox.count({ status: 'applied' }), 0)
      assert.deepEqual(t.outbox.list({ stuck: true }).map((op) => op.id), [a.id])
      assert.equal(t.outbox.count({ receipt: t.outbox.get(a.id)?.receipt as string }), 1)
      assert.equal(t.outbox.count({ receipt: '--' }), 0)
    } finally {
      t.cleanup()
    }
  })

  test('the next op due is the head of a line: one waiting behind an op in backoff is not due before it', async () => {
    let wall = Date.parse('2025-03-01T08:30:00Z')
    const t = await makeOutbox({ now: () => wall })
    try {
      const c = candidate(40)
      const first = await t.outbox.enqueue('register', payloadOf('register', 40), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
      const second = await t.outbox.enqueue('changePassword', payloadOf('changePassword', 40), { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
      assert.ok(first.ok && second.ok)
      assert.deepEqual(t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((op) => op.id), [first.value.id])
      t.outbox.releaseForRetry([first.value.id], { code: 'INTERNAL' }, () => 60_000, 5)
      // The second op's own time has come, but it waits for the first: the engine must not wake
      // (and find nothing to send, again and again) before the first is due.
      wall += 1_000
      assert.equal(t.outbox.nextAttemptAt(), Date.parse('2025-03-01T08:30:00Z') + 60_000)
      assert.deepEqual(t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops, [])
    } finally {
      t.cleanup()
    }
  })

  test('"sync now" makes every op waiting in backoff due at once, however long the backlog (the oldest first in their lines)', async () => {
    let wall = Date.parse('2025-03-01T08:30:00Z')
    const t = await makeOutbox({ now: () => wall })
    try {
      const count = 1_100
      for (let i = 0; i < count; i++) {
        const r = await t.outbox.enqueue('verifyMobile', payloadOf('verifyMobile', i), { summary: {} })
        assert.ok(r.ok)
      }
      let claimed: string[] = []
      for (let batch; (batch = t.outbox.claimBatch({ maxOps: 500, maxBytes: 10_000_000 }).ops).length > 0; ) claimed = [...claimed, ...batch.map((op) => op.id)]
      assert.equal(claimed.length, count)
      t.outbox.releaseForRetry(claimed, { code: 'NETWORK_UNAVAILABLE' }, () => 5 * 60_000, 1)
      wall += 1_000
      assert.equal(t.outbox.hurryWaiting(), count)
      assert.equal(t.outbox.nextAttemptAt(), wall)
      assert.equal(t.outbox.count({ stuck: true }), 0)
      assert.equal(t.outbox.claimBatch({ maxOps: 500, maxBytes: 10_000_000 }).ops.length, 500)
    } finally {
      t.cleanup()
    }
  })

  test("the dashboard's oldest waiting age is how long the op has waited, whatever is done to the wall clock", async () => {
    let wall = Date.parse('2025-03-01T08:30:00Z')
    let up = 1_000
    let bootId = 'boot-1'
    const t = await makeOutbox({ now: () => wall, boot: { now: () => up, get id() { return bootId } } })
    const age = () => t.outbox.summary().oldestQueuedAgeSeconds
    try {
      await queueRegistration(t, 34)
      wall += 120_000
      up += 120_000
      assert.equal(age(), 120)
      // NTP sets a clock that was 8 hours fast (local time read as UTC) right: still 2 minutes.
      wall -= 8 * 3_600_000
      assert.equal(age(), 120)
      // Set 3 years forward by hand, wrongly: still 2 minutes, not 3 years.
      wall += 3 * 365 * 86_400_000
      assert.equal(age(), 120)
      wall -= 3 * 365 * 86_400_000
      // After a reboot the boot clock no longer knows the op: its stamp against the wall clock.
      bootId = 'boot-2'
      up = 10_000
      wall += 8 * 3_600_000 + 60_000
      assert.equal(age(), 180)
    } finally {
      t.cleanup()
    }
  })

  test('a fast clock set back while an op waits: it is sent dated by how long it waited, and is due when planned', async () => {
    // The wall clock and the machine's boot clock (uptime: counts sleep, nobody sets it) as a test drives them.
    let wall = Date.parse('2025-03-01T08:30:00Z')
    let up = 1_000
    const t = await makeOutbox({ now: () => wall, boot: { now: () => up, id: 'boot-1' } })
    const claim = () => t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
    try {
      const { id } = await queueRegistration(t, 30)
      const stamped = t.outbox.get(id)?.createdAt as string
      assert.equal(claim()[0]?.createdAt, stamped, 'a clock not set: the stamp as it is')
      t.outbox.releaseForRetry([id], { code: 'INTERNAL' }, () => 60_000, 5)
      // Ten seconds later NTP sets the clock 30 minutes back.
      wall += 10_000 - 30 * 60_000
      up += 10_000
      // A candidate's op stamped after the correction is sent with its own stamp; the first one is
      // due a minute after it failed, not half an hour later.
      const later = await queueRegistration(t, 31)
      assert.equal(t.outbox.get(later.id)?.createdAt, new Date(wall).toISOString())
      assert.deepEqual(claim().map((op) => [op.id, op.createdAt]), [[later.id, new Date(wall).toISOString()]])
      wall += 50_000
      up += 50_000
      const [sent] = claim()
      assert.equal(sent?.id, id)
      assert.equal(sent.createdAt, new Date(Date.parse(stamped) - 30 * 60_000).toISOString())
      // The kiosk's own record keeps the time it showed the candidate.
      assert.equal(t.outbox.get(id)?.createdAt, stamped)
    } finally {
      t.cleanup()
    }
  })

  test('a slow clock set right while an op waits (a flat CMOS battery, then NTP): it is sent dated when it was made', async () => {
    let wall = Date.parse('2000-01-01T00:05:00Z')
    let up = 90_000
    const t = await makeOutbox({ now: () => wall, boot: { now: () => up, id: 'boot-1' } })
    try {
      const { id } = await queueRegistration(t, 33)
      // Five minutes on, the network comes and NTP sets the clock forward 25 years.
      up += 5 * 60_000
      wall = Date.parse('2025-03-01T08:30:00Z')
      const [sent] = t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
      assert.equal(sent?.id, id)
      assert.equal(sent.createdAt, '2025-03-01T08:25:00.000Z')
    } finally {
      t.cleanup()
    }
  })

  test("a sleep never moves an op's date; a clock set forward and back again moves it there and back", async () => {
    let wall = Date.parse('2025-03-01T08:30:00Z')
    let up = 1_000
    const t = await makeOutbox({ now: () => wall, boot: { now: () => up, id: 'boot-1' } })
    const claim = () => t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
    try {
      const { id } = await queueRegistration(t, 32)
      const stamped = t.outbox.get(id)?.createdAt as string
      // The machine sleeps an hour: the wall clock and the boot clock both move on.
      wall += 3_600_000
      up += 3_600_000
      assert.equal(claim()[0]?.createdAt, stamped)
      t.outbox.releaseForRetry([id], { code: 'INTERNAL' }, () => 0, 5)
      // The wall clock is set an hour forward (wrongly): the op is dated in the clock as it is now,
      // an hour later, which the client's offset (an hour back) puts right again for the server.
      wall += 3_600_000 + 10_000
      up += 10_000
      assert.equal(claim()[0]?.createdAt, new Date(Date.parse(stamped) + 3_600_000).toISOString())
      t.outbox.releaseForRetry([id], { code: 'INTERNAL' }, () => 0, 5)
      // And set back again: the stamp.
      wall -= 3_600_000
      assert.equal(claim()[0]?.createdAt, stamped)
    } finally {
      t.cleanup()
    }
  })

  test('after a restart the boot clock still dates an op of this boot; after a reboot a stamp from the future is sent as now and a retry waits no longer than 15 minutes', async () => {
    let wall = Date.parse('2025-03-01T08:30:00Z')
    let up = 1_000
    let bootId = 'boot-1'
    const clock = { now: () => wall, boot: { now: () => up, get id() { return bootId } } }
    const t = await makeOutbox(clock)
    const reopen = () => openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests', ...clock })
    try {
      const first = await queueRegistration(t, 34)
      const second = await queueRegistration(t, 35)
      assert.equal(t.outbox.claimBatch({ maxOps: 1, maxBytes: 100_000 }).ops[0]?.id, first.id)
      t.outbox.releaseForRetry([first.id], { code: 'INTERNAL' }, () => 60_000, 5)
      t.outbox.close()
      // The kiosk restarts a minute later, and the clock (2 hours fast) is set right meanwhile.
      up += 60_000
      wall += 60_000 - 2 * 3_600_000
      let again = reopen()
      // Both dated by their age in this boot; the first one's retry, planned by the fast clock two
      // hours ahead of this one, is due now, not then.
      const sent = again.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
      assert.deepEqual(
        sent.map((op) => [op.id, op.createdAt]).sort(),
        [[first.id, '2025-03-01T06:30:00.000Z'], [second.id, '2025-03-01T06:30:00.000Z']].sort(),
      )
      again.releaseForRetry([first.id, second.id], { code: 'INTERNAL' }, () => 0, 5)
      again.close()
      // A reboot, and the clock set back 2 hours more: the age is unknown, the stamps are in the future.
      bootId = 'boot-2'
      up = 30_000
      wall -= 2 * 3_600_000
      again = reopen()
      try {
        const now = new Date(wall).toISOString()
        const ops = again.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops
        assert.deepEqual(ops.map((op) => [op.id, op.createdAt]).sort(), [[first.id, now], [second.id, now]].sort())
      } finally {
        again.close()
      }
    } finally {
      t.cleanup()
    }
  })

  test('after a reboot with a slower clock an op never tried yet is due at once, not when its stamp comes round', async () => {
    let wall = Date.parse('2025-03-01T08:30:00Z')
    let bootId = 'boot-1'
    const clock = { now: () => wall, boot: { now: () => 1_000, get id() { return bootId } } }
    const t = await makeOutbox(clock)
    try {
      const queued = await queueRegistration(t, 36)
      t.outbox.close()
      // A power cut; the clock comes back 10 minutes behind (a flat CMOS battery).
      bootId = 'boot-2'
      wall -= 10 * 60_000
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests', ...clock })
      try {
        assert.equal(again.nextAttemptAt(), wall)
        assert.deepEqual(again.claimBatch({ maxOps: 10, maxBytes: 100_000 }).ops.map((op) => op.id), [queued.id])
      } finally {
        again.close()
      }
    } finally {
      t.cleanup()
    }
  })

  test('five hundred receipts drawn on one kiosk are all different', async () => {
    const t = await makeOutbox()
    try {
      const receipts = new Set<string>()
      for (let i = 0; i < 500; i++) {
        const r = await t.outbox.enqueue('verifyMobile', payloadOf('verifyMobile', i), { summary: {} })
        assert.ok(r.ok)
        receipts.add(r.value.receipt)
      }
      assert.equal(receipts.size, 500)
    } finally {
      t.cleanup()
    }
  })
  test('an op whose every push was refused as a whole (a revoked kiosk) can be cancelled; one that may have reached the server cannot', async () => {
    const t = await makeOutbox()
    try {
      const refused = await queueRegistration(t, 60)
      const lost = await queueRegistration(t, 61)
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      t.outbox.releaseForRetry([refused.id], { code: 'UNAUTHORIZED' }, () => 0, 5, { maybeSent: false })
      t.outbox.releaseForRetry([lost.id], { code: 'NETWORK_UNAVAILABLE' }, () => 0, 5)
      // Then both refused: the one the server may hold stays so.
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      t.outbox.releaseForRetry([refused.id, lost.id], { code: 'RATE_LIMITED' }, () => 0, 5, { maybeSent: false })
      assert.equal(t.outbox.get(refused.id)?.attempts, 2)
      assert.equal(t.outbox.get(refused.id)?.maybeSent, false)
      assert.equal(t.outbox.get(lost.id)?.maybeSent, true)
      assert.equal(countUnfinishedOps(t.file, undefined, { maybeSent: true }), 1)
      assert.deepEqual(t.outbox.cancel(lost.id, 'other'), { ok: false, error: { code: 'BAD_REQUEST' } })
      assert.equal(t.outbox.cancel(refused.id, 'candidateRequest').ok, true)
    } finally {
      t.cleanup()
    }
  })

  test('migration 4 marks as carrying a token exactly the kinds that may carry one', () => {
    const marked = /kind IN \(([^)]*)\)/.exec(migrations[3] ?? '')?.[1]?.match(/'(\w+)'/g)?.map((k) => k.slice(1, -1))
    assert.deepEqual([...(marked ?? [])].sort(), [...mayCarryKioskBound].sort())
  })

  test('a new enrolment waits for an op never sent that carries a verification token: the server applies it only for this kiosk id', async () => {
    const t = await makeOutbox()
    try {
      const c = candidate(63)
      const byCode = payloadOf('resetPassword', 63)
      const { smsCode: _code, ...withoutCode } = byCode as Record<string, unknown>
      const byToken = { ...withoutCode, verificationToken: token(63) }
      for (const payload of [byCode, byToken]) {
        const queued = await t.outbox.enqueue('resetPassword', payload, { accountIdNumber: c.idNumber, summary: maskedSummary(c) })
        assert.equal(queued.ok, true, JSON.stringify(queued))
      }
      // Neither was sent; the one with a code goes under any kiosk id, the one with a token does not.
      assert.equal(countUnfinishedOps(t.file), 2)
      assert.equal(countUnfinishedOps(t.file, undefined, { maybeSent: true }), 1)
    } finally {
      t.cleanup()
    }
  })

  test('an op in flight when the process died may be on the server: after the restart it is "maybe sent"', async () => {
    const t = await makeOutbox()
    try {
      const { id } = await queueRegistration(t, 62)
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      t.outbox.close()
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests' })
      try {
        assert.equal(again.get(id)?.maybeSent, true)
        assert.deepEqual(again.cancel(id, 'other'), { ok: false, error: { code: 'BAD_REQUEST' } })
      } finally {
        again.close()
      }
    } finally {
      t.cleanup()
    }
  })

  test('a kiosk.db from before "maybe sent" was kept counts every op ever claimed as maybe sent, and every op that may carry a token, before and after it is migrated', async () => {
    const t = await makeOutbox()
    try {
      const appeal = async (i: number) => {
        const r = await t.outbox.enqueue('appeal', payloadOf('appeal', i), { summary: maskedSummary(candidate(i)) })
        assert.ok(r.ok, JSON.stringify(r))
        return r.value
      }
      const claimed = await appeal(63)
      const untouched = await appeal(64)
      // Its payload is sealed: whether it carries a verification token cannot be read any more.
      const registration = await queueRegistration(t, 65)
      t.outbox.claimBatch({ maxOps: 1, maxBytes: 100_000 })
      t.outbox.releaseForRetry([claimed.id], { code: 'UNAUTHORIZED' }, () => 0, 5, { maybeSent: false })
      t.outbox.close()
      // The file as the release before "maybe sent" left it: schema 2, no column for it, for tokens or
      // for the server's time.
      const db = new Database(t.file)
      const columns = db.prepare(`SELECT name FROM pragma_table_info('ops')`).pluck().all() as string[]
      for (const column of ['maybe_sent', 'kiosk_bound', 'server_at']) if (columns.includes(column)) db.exec(`ALTER TABLE ops DROP COLUMN ${column}`)
      db.pragma('user_version = 2')
      db.close()
      assert.equal(countUnfinishedOps(t.file, undefined, { maybeSent: true }), 2)
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests' })
      try {
        assert.equal(again.get(claimed.id)?.maybeSent, true)
        assert.equal(again.get(untouched.id)?.maybeSent, false)
        assert.equal(countUnfinishedOps(t.file, undefined, { maybeSent: true }), 2)
        assert.equal(again.cancel(registration.id, 'other').ok, true)
        assert.equal(countUnfinishedOps(t.file, undefined, { maybeSent: true }), 1)
        assert.equal(again.cancel(untouched.id, 'other').ok, true)
      } finally {
        again.close()
      }
    } finally {
      t.cleanup()
    }
  })

  test('an op planned beyond the range of a date (a broken Retry-After) is still shown to the supervisor', async () => {
    const t = await makeOutbox()
    try {
      const { id } = await queueRegistration(t, 65)
      const db = new Database(t.file)
      db.prepare('UPDATE ops SET next_attempt_at = ? WHERE id = ?').run(1e17, id)
      db.close()
      assert.equal(t.outbox.get(id)?.status, 'queued')
      assert.equal(typeof t.outbox.list({ status: 'queued' })[0]?.nextAttemptAt, 'string')
    } finally {
      t.cleanup()
    }
  })

  test('"sync now" clears the stuck flag of an op that is due already, not only of those in backoff', async () => {
    const t = await makeOutbox()
    try {
      const { id } = await queueRegistration(t, 66)
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      t.outbox.releaseForRetry([id], { code: 'INTERNAL' }, () => 0, 1)
      assert.equal(t.outbox.get(id)?.stuck, true)
      assert.equal(t.outbox.hurryWaiting(), 1)
      assert.equal(t.outbox.get(id)?.stuck, false)
    } finally {
      t.cleanup()
    }
  })

  test('a rejected op that a blocked one still waits behind outlives the retention period, so staff see why it waits', async () => {
    let clock = Date.parse('2025-03-01T00:00:00Z')
    const t = await makeOutbox({ now: () => clock, retentionDays: 30 })
    try {
      const c = candidate(67)
      const head = await queueRegistration(t, 67)
      const follower = await t.outbox.enqueue('verifyMobile', payloadOf('verifyMobile', 67), { accountIdNumber: c.idNumber, summary: {} })
      const other = await queueRegistration(t, 68)
      assert.ok(follower.ok)
      t.outbox.claimBatch({ maxOps: 10, maxBytes: 100_000 })
      t.outbox.recordResults([
        { id: head.id, status: 'rejected', error: { code: 'ID_OCCUPIED' } },
        { id: other.id, status: 'applied', result: {} },
      ])
      clock += 31 * 86_400_000
      assert.equal(t.outbox.purgeExpired(), 1)
      assert.equal(t.outbox.get(other.id), undefined)
      assert.deepEqual(t.outbox.get(head.id)?.lastError, { code: 'ID_OCCUPIED' })
      assert.equal(t.outbox.get(follower.value.id)?.blockedBy, head.id)
      // Once staff deal with the blocked op, the rejection goes with the next purge.
      assert.equal(t.outbox.cancel(follower.value.id, 'other').ok, true)
      assert.equal(t.outbox.purgeExpired(), 1)
      assert.equal(t.outbox.get(head.id), undefined)
    } finally {
      t.cleanup()
    }
  })

  test('madeWithin: the ages of the ops made in a window, newest first, left out by summary and at most as many as asked, after a restart too', async () => {
    let wall = Date.parse('2026-12-01T08:00:00Z')
    let up = 1_000_000
    const minute = 60_000
    const clocks = { now: () => wall, boot: { now: () => up, id: 'boot-1' } }
    const t = await makeOutbox(clocks)
    try {
      const queue = async (i: number, summary: Record<string, string>) => {
        assert.ok((await t.outbox.enqueue('appeal', payloadOf('appeal', i), { summary })).ok)
      }
      const staffs = { ...maskedSummary(candidate(0)), staffFiled: '1' }
      const isStaffs = (summary: Record<string, string>) => summary.staffFiled === '1'
      for (let i = 0; i < 4; i++) {
        await queue(i, maskedSummary(candidate(i)))
        await queue(100 + i, staffs)
        wall += 20 * minute
        up += 20 * minute
      }
      // Made 80, 60, 40 and 20 minutes ago: the last hour holds the last two (staff's beside them left out).
      assert.deepEqual(t.outbox.madeWithin(60 * minute, { atMost: 10, except: isStaffs }), [20 * minute, 40 * minute])
      assert.equal(t.outbox.madeWithin(60 * minute, { atMost: 10 }).length, 4)
      assert.deepEqual(t.outbox.madeWithin(90 * minute, { atMost: 3, except: isStaffs }), [20 * minute, 40 * minute, 60 * minute])
      assert.deepEqual(t.outbox.madeWithin(60 * minute, { atMost: 0 }), [])
      // This boot's ops go by the boot clock: the wall clock set back an hour makes none of them newer.
      wall -= 60 * minute
      assert.deepEqual(t.outbox.madeWithin(60 * minute, { atMost: 10, except: isStaffs }), [20 * minute, 40 * minute])

      // Restarted (another boot): by their createdAt, in the wall clock as it is.
      t.outbox.close()
      wall += 60 * minute
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests', now: () => wall, boot: { now: () => 5_000, id: 'boot-2' } })
      try {
        assert.deepEqual(again.madeWithin(60 * minute, { atMost: 10, except: isStaffs }), [20 * minute, 40 * minute])
      } finally {
        again.close()
      }
    } finally {
      t.cleanup()
    }
  })

  test('madeWithin: a wall clock set back before a restart keeps the last boot\'s ops in the window one hour after it, no longer', async () => {
    const wall = Date.parse('2026-12-01T16:00:00Z')
    const minute = 60_000
    const t = await makeOutbox({ now: () => wall, boot: { now: () => 1_000_000, id: 'boot-1' } })
    try {
      for (let i = 0; i < 3; i++) assert.ok((await t.outbox.enqueue('appeal', payloadOf('appeal', i), { summary: maskedSummary(candidate(i)) })).ok)
      t.outbox.close()
      // The kiosk's clock was eight hours fast (UTC taken for Beijing time): put right, then a restart.
      let wallNow = wall - 8 * 60 * minute
      let up = 5_000
      const again = openOutbox({ file: t.file, centralPublicKey: t.keys.publicKey, keyId: 'test-key', accountKeySecret: 'per-kiosk-secret-for-tests', now: () => wallNow, boot: { now: () => up, id: 'boot-2' } })
      try {
        // Made before this boot: at least as old as it, so within the hour for now.
        assert.equal(again.madeWithin(60 * minute, { atMost: 10 }).length, 3)
        wallNow += 61 * minute
        up += 61 * minute
        // Their createdAt is still seven hours ahead of the clock; they were made over an hour ago all the same.
        assert.deepEqual(again.madeWithin(60 * minute, { atMost: 10 }), [])
      } finally {
        again.close()
      }
    } finally {
      t.cleanup()
    }
  })
})
