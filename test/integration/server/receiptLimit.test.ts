import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { appealPayload, startTestServer, TestKiosk, type TestServer } from './kiosk'

/**
 * Receipt codes are 40 random bits, but nothing stopped a kiosk's credential (in the wrong hands, or
 * a kiosk that does not keep its own limit) from asking about code after code: the server counts the
 * codes each kiosk looked up that found nothing, per hour.
 */
describe('receipt look-ups that find nothing, per kiosk and hour', () => {
  let t: TestServer
  let hallA: TestKiosk
  let hallB: TestKiosk
  let receipt = ''
  let opId = ''
  const lookUp = (kiosk: TestKiosk, code: string, op?: string) =>
    kiosk.signed('GET', `/v1/receipts/${code}${op ? `?op=${op}` : ''}`)

  before(async () => {
    t = await startTestServer({ limits: { receiptMissesPerKioskPerHour: 3 } })
    hallA = await TestKiosk.enrol(t, 'Hall A')
    hallB = await TestKiosk.enrol(t, 'Hall B')
    for (const kiosk of [hallA, hallB]) kiosk.clock = t.now
    const op = await hallA.op('appeal', appealPayload())
    assert.equal((await hallA.push([op])).status, 200)
    receipt = op.receipt
    opId = op.id
  })
  after(() => t.stop())

  test('codes that find their op are not counted; past the limit every code waits, with the time to wait', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await lookUp(hallA, receipt)).status, 200)
    // Not a receipt's shape: nothing looked up, nothing counted.
    for (let i = 0; i < 5; i++) assert.equal((await lookUp(hallA, 'ABC')).status, 404)
    for (const code of ['ZZZZZZZ1', 'ZZZZZZZ2', 'ZZZZZZZ3']) {
      assert.deepEqual(await lookUp(hallA, code), { status: 404, body: { error: { code: 'OP_NOT_FOUND' } } })
      // The same code again (a candidate pressing 查询 twice) is not another guess.
      if (code === 'ZZZZZZZ1') assert.equal((await lookUp(hallA, code.toLowerCase())).status, 404)
    }
    const refused = await lookUp(hallA, 'ZZZZZZZ4')
    assert.equal(refused.status, 429)
    assert.equal(refused.body.error.code, 'RATE_LIMITED')
    assert.equal(refused.body.error.rule, 'receipt.lookups')
    assert.ok(
      refused.body.error.retryAfter > 3590 && refused.body.error.retryAfter <= 3600,
      JSON.stringify(refused.body),
    )
    // While it lasts, a code that finds an op is not told apart from one that does not.
    assert.equal((await lookUp(hallA, receipt)).status, 429)
  })

  test('an op followed by its id is not a guess: answered while the codes wait', async () => {
    const followed = await lookUp(hallA, receipt, opId)
    assert.equal(followed.status, 200)
    assert.equal(followed.body.receipt, receipt)
  })

  test("one kiosk's misses do not hold another; an hour later the kiosk may look up again", async () => {
    assert.equal((await lookUp(hallB, 'ZZZZZZZ5')).status, 404)
    assert.equal((await lookUp(hallB, receipt)).status, 200)
    t.advance(60 * 60 * 1000)
    assert.equal((await lookUp(hallA, receipt)).status, 200)
    assert.equal((await lookUp(hallA, 'ZZZZZZZ6')).status, 404)
  })

  test('a missed code is kept as a keyed hash, never as typed, and every kiosk\'s rows go after the hour', () => {
    const db = new Database(join(t.dataDir, 'central.db'), { readonly: true })
    try {
      const rows = db.prepare('SELECT kiosk_id AS kiosk, code_hash AS code FROM receipt_misses').all() as { kiosk: string; code: string }[]
      // Hall B's miss of an hour ago went with Hall A's count since, though Hall B asked nothing more.
      assert.equal(rows.length, 1)
      const dump = JSON.stringify(db.prepare('SELECT * FROM receipt_misses').all())
      for (const code of ['ZZZZZZZ1', 'ZZZZZZZ5', 'ZZZZZZZ6']) assert.ok(!dump.includes(code))
    } finally {
      db.close()
    }
  })
})
