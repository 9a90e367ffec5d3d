import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { apiPaths } from '../../../src-common/wire'
import { call, candidate, latestCode, register, registerFresh, residentId, smsCode, startTestServer, TestKiosk, type TestServer } from './kiosk'

describe('SMS and email codes', () => {
  let t: TestServer
  let kiosk: TestKiosk
  const send = (mobile: string, purpose = 'register') => kiosk.interactive('smsSend', { mobile, purpose })
  const verify = (mobile: string, code: string, purpose = 'register') => kiosk.interactive('smsVerify', { mobile, purpose, code })
  const outboxFor = async (to: string) => (await call(t.server.url, 'GET', `${apiPaths.devOutbox}?to=${encodeURIComponent(to)}`)).body.messages

  before(async () => {
    t = await startTestServer({ limits: { perKioskPerHour: 20 } })
    kiosk = await TestKiosk.enrol(t)
  })
  after(() => t.stop())

  test('a code is 6 digits, sent once per 60 s, and verifying it gives a token only once', async () => {
    const sent = await send('13800000001')
    assert.deepEqual(sent.body, { sent: true, expiresIn: 600, resendAfter: 60 })
    const code = await latestCode(t.server.url, '13800000001')
    assert.match(code, /^\d{6}$/)
    const tooSoon = await send('13800000001')
    assert.equal(tooSoon.status, 429)
    assert.equal(tooSoon.body.error.code, 'SMS_RATE_LIMITED')
    assert.ok(tooSoon.body.error.retryAfter > 0 && tooSoon.body.error.retryAfter <= 60)
    const ok = await verify('13800000001', code)
    assert.equal(ok.status, 200)
    assert.ok(ok.body.verificationToken.length >= 16)
    const reused = await verify('13800000001', code)
    assert.deepEqual(reused.body, { error: { code: 'SMS_CODE_EXPIRED' } })
  })

  test('a verification token proves the mobile only at the kiosk it was given to; tried at another, or for another mobile, it is spent', async () => {
    const hallB = await TestKiosk.enrol(t, 'Hall B')
    const holder = await registerFresh(kiosk)
    const tokenFor = async () => {
      t.advance(61_000)
      const code = await smsCode(kiosk, holder.mobile, 'resetPassword')
      return (await verify(holder.mobile, code, 'resetPassword')).body.verificationToken as string
    }
    const reset = (at: TestKiosk, verificationToken: string, mobile = holder.mobile) =>
      at.apply('resetPassword', { method: 'sms', mobile, verificationToken, newPassword: 'Qwe987!@z1' })

    // Seen on the way (the answer to 验证手机验证码), used from another kiosk.
    const seen = await tokenFor()
    assert.deepEqual((await reset(hallB, seen)).error, { code: 'BAD_SMS_CODE' })
    assert.deepEqual((await reset(kiosk, seen)).error, { code: 'SMS_CODE_EXPIRED' }, 'spent by the try')
    // Tried against a mobile it was not given for: spent too, so mobiles cannot be tried one by one.
    const tried = await tokenFor()
    assert.deepEqual((await reset(kiosk, tried, '13800000078')).error, { code: 'BAD_SMS_CODE' })
    assert.deepEqual((await reset(kiosk, tried)).error, { code: 'SMS_CODE_EXPIRED' })
    // Its own mobile at its own kiosk.
    assert.equal((await reset(kiosk, await tokenFor())).status, 'applied')
  })

  test('a code of one purpose is not accepted for another, and expires after 10 minutes', async () => {
    const code = await smsCode(kiosk, '13800000002', 'register')
    assert.equal((await verify('13800000002', code, 'changeMobile')).body.error.code, 'BAD_SMS_CODE')
    t.advance(601_000)
    assert.deepEqual((await verify('13800000002', code)).body, { error: { code: 'SMS_CODE_EXPIRED' } })
  })

  test('5 wrong tries void the code; a new send voids the previous code', async () => {
    const code = await smsCode(kiosk, '13800000003', 'register')
    const wrong = code === '000000' ? '000001' : '000000'
    for (let i = 0; i < 5; i++) assert.equal((await verify('13800000003', wrong)).body.error.code, 'BAD_SMS_CODE')
    assert.equal((await verify('13800000003', code)).body.error.code, 'SMS_CODE_EXPIRED')
    t.advance(61_000)
    const first = await smsCode(kiosk, '13800000003', 'register')
    t.advance(61_000)
    const second = await smsCode(kiosk, '13800000003', 'register')
    // Read from the server's own table, so the check stands even when the two draws were the same digits.
    const db = new Database(join(t.dataDir, 'central.db'), { readonly: true })
    const rows = db
      .prepare("SELECT voided_at FROM codes WHERE channel = 'sms' AND target = '13800000003' ORDER BY id DESC LIMIT 2")
      .all() as { voided_at: number | null }[]
    db.close()
    assert.deepEqual(rows.map((r) => r.voided_at !== null), [false, true], 'the newest code is live, the one before it voided')
    if (first !== second) assert.equal((await verify('13800000003', first)).body.error.code, 'SMS_CODE_EXPIRED')
    assert.equal((await verify('13800000003', second)).status, 200)
  })

  test('an offline registration is judged by the code that was valid when the candidate submitted it', async () => {
    const mobile = '13800000009'
    const code = await smsCode(kiosk, mobile, 'register')
    const op = await kiosk.op('register', { ...candidate, mobile, smsCode: code, agreed: true })
    t.advance(2 * 3600_000) // the kiosk was offline for two hours; the code has long expired
    const result = (await kiosk.push([op])).body.results[0]
    assert.equal(result.status, 'applied', JSON.stringify(result))
  })

  test('at most 10 codes a day to one mobile', async () => {
    const mobile = '13800000004'
    for (let i = 0; i < 10; i++) {
      assert.equal((await send(mobile)).status, 200)
      t.advance(61_000)
    }
    const eleventh = await send(mobile)
    assert.equal(eleventh.body.error.code, 'SMS_RATE_LIMITED')
    assert.ok(eleventh.body.error.retryAfter > 3600)
    t.advance(24 * 3600_000)
    assert.equal((await send(mobile)).status, 200)
  })

  test('a kiosk is capped per hour across mobiles', async () => {
    t.advance(3600_000)
    const answers = []
    for (let i = 0; i < 21; i++) answers.push((await send(`1370000${String(i).padStart(4, '0')}`)).status)
    assert.deepEqual(answers.slice(0, 20), Array(20).fill(200))
    assert.equal(answers[20], 429)
    t.advance(3600_000)
  })

  test('a reset code for a mobile no account holds gets the same answer, but nothing is sent', async () => {
    const unknown = await send('13600000000', 'resetPassword')
    assert.deepEqual(unknown.body, { sent: true, expiresIn: 600, resendAfter: 60 })
    assert.deepEqual(await outboxFor('13600000000'), [])
    const badInput = await kiosk.interactive('smsSend', { mobile: '13600000000', purpose: 'spam' })
    assert.equal(badInput.status, 400)
    const badMobile = await kiosk.interactive('smsSend', { mobile: '12', purpose: 'register' })
    assert.equal(badMobile.body.error.code, 'INVALID_FIELD')
    assert.equal(badMobile.body.error.field, 'mobile')
  })

  test('a reset email carries a link and a code; check does not use it up, the reset op does', async () => {
    // A candidate of its own, so that this test also runs alone.
    const who = { ...candidate, idNumber: residentId('11010519900101456'), mobile: '13800000019', email: 'reset.story@example.com' }
    assert.equal((await register(kiosk, who)).status, 'applied')
    assert.equal((await kiosk.interactive('login', { idNumber: who.idNumber, password: who.password })).status, 200)
    const unknown = await kiosk.interactive('emailSend', { email: 'nobody@example.com', purpose: 'resetPassword' })
    const known = await kiosk.interactive('emailSend', { email: who.email, purpose: 'resetPassword' })
    assert.deepEqual(unknown.body, known.body)
    assert.deepEqual(await outboxFor('nobody@example.com'), [])
    await new Promise((resolve) => setTimeout(resolve, 50))
    const [mail] = await outboxFor(who.email)
    assert.ok(mail.link.includes(mail.code))
    assert.ok(mail.text.includes(mail.code))
    const wrong = await kiosk.interactive('emailCheck', { email: who.email, purpose: 'resetPassword', code: 'ABCDEF23' })
    assert.deepEqual(wrong, { status: 403, body: { error: { code: 'BAD_EMAIL_CODE' } } })
    const right = await kiosk.interactive('emailCheck', { email: who.email, purpose: 'resetPassword', code: mail.code.toLowerCase() })
    assert.deepEqual(right.body, { valid: true })
    const reset = await kiosk.apply('resetPassword', { method: 'email', email: who.email, emailCode: mail.code, newPassword: 'Email123!x' })
    assert.equal(reset.status, 'applied', JSON.stringify(reset))
    const again = await kiosk.apply('resetPassword', { method: 'email', email: who.email, emailCode: mail.code, newPassword: 'Email456!x' })
    assert.deepEqual(again.error, { code: 'BAD_EMAIL_CODE' })
    assert.equal((await kiosk.interactive('login', { idNumber: who.idNumber, password: 'Email123!x' })).status, 200)
  })
})
