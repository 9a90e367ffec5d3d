import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { decideAppeal, listAppeals } from '../../../server/index'
import { openDatabase, openDatabaseForCommand } from '../../../server/database'
import { appealPayload, candidate, cli, holdWriteLock, register, residentId, startTestServer, TestKiosk, type TestServer } from './kiosk'

describe('information-occupied appeals', () => {
  let t: TestServer
  let kiosk: TestKiosk
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t)
    assert.equal((await register(kiosk)).status, 'applied')
  })
  after(() => t.stop())

  test('an appeal is pending until an administrator accepts it; accepting frees the ID number for the appellant', async () => {
    const op = await kiosk.op('appeal', appealPayload())
    const filed = await kiosk.push([op])
    assert.deepEqual(filed.body.results[0], { id: op.id, status: 'pending' })

    const list = await cli(t.dataDir, 'appeals', 'list')
    assert.match(list.stdout, /pending/)
    assert.ok(!list.stdout.includes(candidate.idNumber), 'the console shows masked data only')
    const appealId = list.stdout.trim().split(/\s+/)[0]!
    const accepted = await cli(t.dataDir, 'appeals', 'accept', appealId)
    assert.match(accepted.stdout, /accepted; identifier freed/)

    const status = await kiosk.signed('GET', `/v1/ops/${op.id}`)
    assert.equal(status.body.status, 'applied')
    assert.equal(status.body.result.decision, 'accepted')
    const receipt = await kiosk.signed('GET', `/v1/receipts/${op.receipt}`)
    assert.equal(receipt.body.status, 'applied')

    const appellant = await register(kiosk, { mobile: '13300133000', email: 'appeal@example.com', name: '王小明' })
    assert.equal(appellant.status, 'applied', JSON.stringify(appellant))

    const db = openDatabase(t.dataDir)
    try {
      assert.deepEqual(decideAppeal(db, appealId, 'reject'), { ok: false, reason: 'already-decided' })
    } finally {
      db.close()
    }
  })

  test('a rejected appeal reports the occupied code as its reason', async () => {
    const op = await kiosk.op('appeal', { ...appealPayload(), occupied: 'mobile', idNumber: residentId('11010519800101777') })
    await kiosk.push([op])
    const db = openDatabase(t.dataDir)
    try {
      const [pending] = listAppeals(db, 'pending')
      assert.equal(pending?.occupied, 'mobile')
      assert.deepEqual(decideAppeal(db, pending.id, 'reject'), { ok: true, freedFrom: null })
    } finally {
      db.close()
    }
    const status = await kiosk.signed('GET', `/v1/ops/${op.id}`)
    assert.deepEqual(status.body, { id: op.id, status: 'rejected', error: { code: 'MOBILE_OCCUPIED' } })
  })

  test('an appeal decided while the running server commits waits for that commit: `appeals accept` beside a busy server no longer fails "database is locked"', async () => {
    const op = await kiosk.op('appeal', { ...appealPayload(), occupied: 'email', idNumber: residentId('11010519800101888') })
    await kiosk.push([op])
    const db = openDatabaseForCommand(t.dataDir, 'write')
    try {
      const appealId = db.prepare('SELECT id FROM appeals WHERE op_id = ?').pluck().get(op.id) as string
      // The server's burst of ops, committing while the administrator's command runs.
      const burst = await holdWriteLock(t.dataDir, 300)

      const decided = decideAppeal(db, appealId, 'reject')

      // Before: SQLITE_BUSY at once (a transaction that has read does not wait for the write lock),
      // half the time under kiosks' load, said as "locked by another program" or as a stack trace.
      assert.deepEqual(decided, { ok: true, freedFrom: null })
      await burst.released
    } finally {
      db.close()
    }
    const status = await kiosk.signed('GET', `/v1/ops/${op.id}`)
    assert.deepEqual(status.body, { id: op.id, status: 'rejected', error: { code: 'EMAIL_OCCUPIED' } })
  })
})
