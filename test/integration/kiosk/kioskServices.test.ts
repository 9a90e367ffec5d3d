import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { openDemoKiosk, type DemoKiosk } from './demoKiosk'

// The kiosk's main process in demo mode, end to end through the contract: the renderer's calls go
// through the dispatcher to the outbox, the sync engine and the reference server on loopback.
let kiosk: DemoKiosk
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)

const candidate = {
  email: 'wang.xiaoming@example.com',
  mobile: '13912345678',
  password: 'Kiosk#2026pass',
  idType: 'resident',
  idNumber: '11010519491231002X',
  name: '王小明',
}

before(async () => {
  kiosk = await openDemoKiosk()
})

after(() => kiosk.close())

describe('the kiosk in demo mode', () => {
  test('registers a candidate: SMS code, op queued, sealed, applied by the central API', async () => {
    assert.deepEqual(await call('sms.send', { mobile: candidate.mobile, purpose: 'register' }), { ok: true, value: { resendAfter: 60 } })
    const smsCode = await kiosk.codeSentTo(candidate.mobile)
    const answer = await call('ops.submit', { kind: 'register', payload: { ...candidate, smsCode, agreed: true } })
    assert.equal(answer.ok, true)
    const outcome = answer.ok ? (answer.value as { status: string; receipt: string }) : null
    assert.equal(outcome?.status, 'applied')
    assert.match(outcome?.receipt ?? '', /^[0-9A-HJKMNP-TV-Z]{8}$/)
  })

  test('logs in with the captcha, shows the masked account, and logs out', async () => {
    const { value: image } = (await call('captcha.create')) as { value: { captchaId: string } }
    const login = await call('auth.login', {
      province: '北京',
      idNumber: candidate.idNumber,
      password: candidate.password,
      captchaId: image.captchaId,
      captcha: kiosk.captcha(),
    })
    assert.equal(login.ok, true, JSON.stringify(login))
    const account = login.ok ? (login.value as { account: { name: string; mobile: string } }).account : null
    assert.equal(account?.name, '王**')
    assert.equal(account?.mobile, '139****5678')
    assert.equal((await call('auth.account')).ok, true)
    assert.deepEqual(await call('auth.logout'), { ok: true, value: { loggedOut: true } })
    assert.deepEqual(await call('auth.account'), { ok: false, error: { code: 'SESSION_EXPIRED' } })
  })

  test('refuses a wrong captcha, and a captcha answered once, wrongly or rightly, cannot be reused', async () => {
    const { value: image } = (await call('captcha.create')) as { value: { captchaId: string } }
    const login = { province: '北京', idNumber: candidate.idNumber, password: candidate.password, captchaId: image.captchaId }
    const wrong = await call('auth.login', { ...login, captcha: 'ZZZZ' })
    assert.deepEqual(wrong, { ok: false, error: { code: 'BAD_CAPTCHA', field: 'captcha' } })
    const reused = await call('auth.login', { ...login, captcha: kiosk.captcha() })
    assert.deepEqual(reused, { ok: false, error: { code: 'BAD_CAPTCHA', field: 'captcha' } })
    // A right answer is spent too: replaying it after a log-in and log-out is refused.
    const { value: next } = (await call('captcha.create')) as { value: { captchaId: string } }
    const right = { ...login, captchaId: next.captchaId, captcha: kiosk.captcha() }
    assert.equal((await call('auth.login', right)).ok, true)
    assert.deepEqual(await call('auth.logout'), { ok: true, value: { loggedOut: true } })
    assert.deepEqual(await call('auth.login', right), { ok: false, error: { code: 'BAD_CAPTCHA', field: 'captcha' } })
  })

  test('main refuses a log-in whose ID number no document could have, before the central API counts it', async () => {
    const { value: image } = (await call('captcha.create')) as { value: { captchaId: string } }
    // The candidate's number with a wrong check character: 5-18 letters and digits, so the shape passes.
    const wrongCheck = `${candidate.idNumber.slice(0, 17)}1`
    const answer = await call('auth.login', { province: '北京', idNumber: wrongCheck, password: candidate.password, captchaId: image.captchaId, captcha: kiosk.captcha() })
    assert.deepEqual(answer, { ok: false, error: { code: 'INVALID_FIELD', field: 'idNumber', rule: 'idNumber.anyType' } })
    assert.equal(kiosk.services.session.current ?? null, null)
  })

  test('a log-in on top of another ends the earlier session on the central server too', async () => {
    const logIn = async () => {
      const { value: image } = (await call('captcha.create')) as { value: { captchaId: string } }
      const answer = await call('auth.login', { province: '北京', idNumber: candidate.idNumber, password: candidate.password, captchaId: image.captchaId, captcha: kiosk.captcha() })
      assert.equal(answer.ok, true, JSON.stringify(answer))
      return kiosk.services.session.current?.sessionToken ?? ''
    }
    const first = await logIn()
    const central = kiosk.services.central!.client
    assert.equal((await central.account({ sessionToken: first })).ok, true)
    const second = await logIn()
    assert.notEqual(second, first)
    // The log-out of the earlier one is not waited for by the log-in: poll the server for it.
    let earlier = await central.account({ sessionToken: first })
    for (let i = 0; i < 50 && earlier.ok; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      earlier = await central.account({ sessionToken: first })
    }
    assert.equal(earlier.ok ? 'still open' : earlier.error.code, 'SESSION_EXPIRED')
    assert.equal((await central.account({ sessionToken: second })).ok, true)
    assert.deepEqual(await call('auth.logout'), { ok: true, value: { loggedOut: true } })
  })

  test('a second registration with the same ID number is rejected as occupied', async () => {
    const other = { ...candidate, mobile: '13712345678', email: 'other@example.com' }
    await call('sms.send', { mobile: other.mobile, purpose: 'register' })
    const smsCode = await kiosk.codeSentTo(other.mobile)
    const answer = await call('ops.submit', { kind: 'register', payload: { ...other, smsCode, agreed: true } })
    assert.equal(answer.ok && (answer.value as { status: string }).status, 'rejected')
    assert.equal(answer.ok && (answer.value as { error: { code: string } }).error.code, 'ID_OCCUPIED')
  })

  test('a weak password is refused before anything is queued', async () => {
    const before = kiosk.services.outbox!.list().length
    const answer = await call('ops.submit', {
      kind: 'register',
      payload: { ...candidate, mobile: '13612345678', email: 'c@example.com', password: 'password1!', smsCode: '123456', agreed: true },
    })
    assert.equal(answer.ok, false)
    assert.equal(!answer.ok && answer.error.code, 'WEAK_PASSWORD')
    assert.equal(kiosk.services.outbox!.list().length, before)
  })

  test('looks a registration up by its receipt code', async () => {
    const [op] = kiosk.services.outbox!.list({ status: 'applied' })
    const answer = await call('ops.lookup', { receipt: op!.receipt.toLowerCase() })
    assert.equal(answer.ok && (answer.value as { status: string }).status, 'applied')
    assert.deepEqual(await call('ops.lookup', { receipt: 'ZZZZZZZZ' }), { ok: false, error: { code: 'OP_NOT_FOUND' } })
  })
})

describe('linking to the central server', () => {
  /** How many times this process has a file open (Linux: /proc/self/fd). */
  function openHandlesOn(file: string): number {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file
      } catch {
        return false
      }
    }).length
  }

  test('two relinks at once run one after the other: the first link is closed, not left running beside the second', { skip: process.platform !== 'linux' && 'counts open files through /proc' }, async () => {
    const dbFile = join(kiosk.services.config.dataDir, 'kiosk.db')
    // The supervisor store and the outbox each hold one.
    const linked = openHandlesOn(dbFile)
    assert.ok(linked >= 1)
    const answers = await Promise.all([kiosk.services.relink(), kiosk.services.relink(), kiosk.services.relink()])
    assert.deepEqual(answers.map((a) => a.ok), [true, true, true])
    assert.equal(openHandlesOn(dbFile), linked, 'one outbox open on kiosk.db, as before')
    assert.equal(kiosk.services.outbox?.open, true)
  })
})
