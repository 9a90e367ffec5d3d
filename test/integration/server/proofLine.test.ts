import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import argon2 from 'argon2'
import { candidate, registerFresh, residentId, smsCode, startTestServer, TestKiosk, type TestServer } from './kiosk'

// A kiosk credential in the wrong hands, with one SIM: each SMS code it receives must not buy more
// than one argon2 hash (19 MiB, tens of ms of a core), however many ops present it at once.

describe('ops that present one SMS code at once', () => {
  let t: TestServer
  let kiosk: TestKiosk
  let hashes = 0
  const hash = argon2.hash
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t)
    // The server runs in this process: count the hashes it computes.
    argon2.hash = ((...args: Parameters<typeof hash>) => {
      hashes++
      return hash(...args)
    }) as typeof hash
  })
  after(async () => {
    argon2.hash = hash
    await t.stop()
  })

  test('registrations in one batch: one is applied, the others are refused without hashing their passwords', async () => {
    const mobile = '13911112222'
    const code = await smsCode(kiosk, mobile, 'register')
    const ops = []
    for (let i = 0; i < 12; i++) {
      const idNumber = residentId(`110105199001019${String(i).padStart(2, '0')}`)
      ops.push(await kiosk.op('register', { ...candidate, mobile, idNumber, email: `line${i}@example.com`, smsCode: code, agreed: true }))
    }
    hashes = 0
    const answer = await kiosk.push(ops)
    assert.equal(answer.status, 200)
    assert.equal(hashes, 1, 'one hash for the one registration the code allows')
    // Which one goes is not fixed: they are different accounts' ops, with no order between them.
    const statuses = answer.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status)
    assert.deepEqual([...statuses].sort(), ['applied', ...Array(11).fill('SMS_CODE_EXPIRED')].sort())
  })

  test('password resets in batches sent at once: one is applied, the others are refused without hashing', async () => {
    const c = await registerFresh(kiosk)
    t.advance(61_000)
    const code = await smsCode(kiosk, c.mobile, 'resetPassword')
    const batch = async () => {
      const ops = []
      for (let i = 0; i < 6; i++) ops.push(await kiosk.op('resetPassword', { method: 'sms', mobile: c.mobile, smsCode: code, newPassword: `Xyz789#_k${i}` }))
      return ops
    }
    const batches = [await batch(), await batch()]
    hashes = 0
    const answers = await Promise.all(batches.map((ops) => kiosk.push(ops)))
    assert.equal(hashes, 1)
    const statuses = answers.flatMap((a) => a.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status))
    assert.equal(statuses.filter((s) => s === 'applied').length, 1, JSON.stringify(statuses))
    assert.equal(statuses.filter((s) => s === 'SMS_CODE_EXPIRED').length, 11, JSON.stringify(statuses))
  })
})
