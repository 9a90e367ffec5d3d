import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { candidate as fixtureCandidate } from '../sync/fixtures'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// A kiosk serves strangers one after another: what main holds for one candidate (a session, a
// verified SMS code) must never reach the next, whatever arrives late and whoever steps in between.
let kiosk: DemoKiosk
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)
const pin = '135790'
const person = (i: number) => ({ ...fixtureCandidate(90_000 + i), idType: 'resident' })

async function register(who: ReturnType<typeof person>) {
  valueOf(await call('sms.send', { mobile: who.mobile, purpose: 'register' }))
  const smsCode = await kiosk.codeSentTo(who.mobile)
  return valueOf<{ status: string }>(await call('ops.submit', { kind: 'register', payload: { ...who, smsCode, agreed: true } }))
}

async function logIn(who: ReturnType<typeof person>) {
  const { captchaId } = valueOf<{ captchaId: string }>(await call('captcha.create'))
  return call('auth.login', { province: '北京', idNumber: who.idNumber, password: who.password, captchaId, captcha: kiosk.captcha() })
}

before(async () => {
  kiosk = await openDemoKiosk({ liftResendInterval: true })
  valueOf(await call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin }))
})
after(() => kiosk.close())

describe('one candidate to the next, in main', () => {
  test('a log-in answered after the idle wipe is not kept for the next person', async () => {
    const a = person(1)
    assert.equal((await register(a)).status, 'applied')
    // A leaves while the server checks the password; the wipe comes first.
    const { captchaId } = valueOf<{ captchaId: string }>(await call('captcha.create'))
    const pending = call('auth.login', { province: '北京', idNumber: a.idNumber, password: a.password, captchaId, captcha: kiosk.captcha() })
    valueOf(await call('app.wipe'))
    assert.deepEqual(await pending, { ok: false, error: { code: 'SESSION_EXPIRED' } })
    assert.deepEqual(await call('auth.account'), { ok: false, error: { code: 'SESSION_EXPIRED' } })
  })

  test('a verified SMS code is for one op: a second submit at the same time does not carry it', async () => {
    const b = person(2)
    valueOf(await call('sms.send', { mobile: b.mobile, purpose: 'register' }))
    const code = await kiosk.codeSentTo(b.mobile)
    valueOf(await call('sms.verify', { mobile: b.mobile, purpose: 'register', code }))
    // A field to correct first: nothing is saved, and the verified code is still there for the retry.
    const refused = await call('ops.submit', { kind: 'register', payload: { ...b, name: 'x', agreed: true } })
    assert.equal(refused.ok ? 'saved' : refused.error.code, 'INVALID_FIELD')
    const both = await Promise.all([
      call('ops.submit', { kind: 'register', payload: { ...b, agreed: true } }),
      call('ops.submit', { kind: 'register', payload: { ...b, agreed: true } }),
    ])
    const outcomes = both
      .map((answer) => {
        const outcome = valueOf<{ status: string; error: { code: string } | null }>(answer)
        return outcome.error ? `${outcome.status} ${outcome.error.code}` : outcome.status
      })
      .sort()
    // The other one went without the token: the server asks for a proof, not for a spent token.
    assert.deepEqual(outcomes, ['applied', 'rejected VERIFICATION_REQUIRED'])
  })

  test('staff entering supervisor mode end the session of a candidate still logged in', async () => {
    const c = person(3)
    assert.equal((await register(c)).status, 'applied')
    valueOf(await logIn(c))
    valueOf(await call('supervisor.enter', { pin, staffId: 'T01', staffName: '张老师' }))
    valueOf(await call('supervisor.leave'))
    assert.deepEqual(await call('auth.account'), { ok: false, error: { code: 'SESSION_EXPIRED' } })
  })
})
