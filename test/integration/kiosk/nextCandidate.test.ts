import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { candidate as fixtureCandidate } from '../sync/fixtures'
import { openDemoKiosk, sessionAtCentre, valueOf, type DemoKiosk } from './demoKiosk'

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

const atCentre = (sessionToken: string) => sessionAtCentre(kiosk, sessionToken)

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

  test('a log-in the candidate walked away from ends alone: a later log-in, a verified code and the captcha of the visit stay', async () => {
    const a = person(5)
    assert.equal((await register(a)).status, 'applied')
    const first = valueOf<{ loginId: string }>(await logIn(a))
    // They tried again (the first answer was slow): the second log-in is the one held now.
    const second = valueOf<{ loginId: string }>(await logIn(a))
    // Meanwhile, on the screen they went to, a code verified (注册 for someone they came with).
    const b = person(6)
    valueOf(await call('sms.send', { mobile: b.mobile, purpose: 'register' }))
    const code = await kiosk.codeSentTo(b.mobile)
    valueOf(await call('sms.verify', { mobile: b.mobile, purpose: 'register', code }))
    // The captcha on the screen the candidate is at now.
    const { captchaId } = valueOf<{ captchaId: string }>(await call('captcha.create'))
    const answer = kiosk.captcha()

    // The first answer's screen was gone: it ends its own log-in, which the second already replaced.
    valueOf(await call('auth.logout', { loginId: first.loginId }))
    assert.ok(valueOf<{ account: unknown }>(await call('auth.account')).account)
    // The second, ended the same way, goes alone, at the centre too: the visit's captcha and verified code stay.
    const token = kiosk.services.session.current?.sessionToken
    assert.ok(token)
    valueOf(await call('auth.logout', { loginId: second.loginId }))
    assert.deepEqual(await call('auth.account'), { ok: false, error: { code: 'SESSION_EXPIRED' } })
    assert.equal(await atCentre(token), 'SESSION_EXPIRED')
    const again = await call('auth.login', { province: '北京', idNumber: a.idNumber, password: a.password, captchaId, captcha: answer })
    assert.equal(again.ok, true)
    const kept = await call('ops.submit', { kind: 'register', payload: { ...b, agreed: true } })
    assert.equal(valueOf<{ status: string }>(kept).status, 'applied')
  })

  test('a slow log-in answered after a newer one does not replace it: the candidate stays logged in', async () => {
    const a = person(7)
    assert.equal((await register(a)).status, 'applied')
    // The centre answers the first log-in only once the second has been answered.
    const central = kiosk.services.central!.client
    const login = central.login.bind(central)
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let reached!: () => void
    const firstReached = new Promise<void>((resolve) => (reached = resolve))
    let calls = 0
    central.login = async (payload) => {
      const first = ++calls === 1
      if (first) reached()
      const answer = await login(payload)
      if (first) await released
      return answer
    }
    try {
      const slow = logIn(a)
      await firstReached
      const newer = valueOf<{ loginId: string }>(await logIn(a))
      const token = kiosk.services.session.current?.sessionToken
      assert.ok(token)
      release()
      // Its screen was left long ago: whatever it does with the refusal, the newer log-in is untouched.
      assert.deepEqual(await slow, { ok: false, error: { code: 'SESSION_EXPIRED' } })
      assert.ok(valueOf<{ account: unknown }>(await call('auth.account')).account)
      assert.equal(kiosk.services.session.current?.sessionToken, token)
      assert.equal(await atCentre(token), 'still open')
      valueOf(await call('auth.logout', { loginId: newer.loginId }))
    } finally {
      central.login = login
    }
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

describe('leaving the kiosk ends the session on the server too', () => {
  test('an idle wipe and staff taking over end the candidate session at the central server, not only on the kiosk', async () => {
    for (const [i, leave] of [
      [10, () => call('app.wipe')],
      [11, () => call('supervisor.enter', { pin, staffId: 'T01', staffName: '张老师' })],
    ] as const) {
      const who = person(i)
      assert.equal((await register(who)).status, 'applied')
      valueOf(await logIn(who))
      const token = kiosk.services.session.current?.sessionToken
      assert.ok(token)
      valueOf(await leave())
      if (i === 11) valueOf(await call('supervisor.leave'))
      assert.equal(await atCentre(token), 'SESSION_EXPIRED')
    }
  })

  test("an account summary answered after a wipe is not the next person's", async () => {
    const who = person(12)
    assert.equal((await register(who)).status, 'applied')
    valueOf(await logIn(who))
    const pending = call('auth.account')
    valueOf(await call('app.wipe'))
    assert.deepEqual(await pending, { ok: false, error: { code: 'SESSION_EXPIRED' } })
  })
})

describe('staff leaving for the desktop', () => {
  test('leaves supervisor mode: whoever brings the kiosk window back finds the home screen, not the dashboard', async () => {
    valueOf(await call('supervisor.enter', { pin, staffId: 'T01', staffName: '张老师' }))
    assert.equal(valueOf<{ active: boolean }>(await call('supervisor.state')).active, true)
    valueOf(await call('supervisor.quit', { to: 'desktop' }))
    assert.equal(valueOf<{ active: boolean }>(await call('supervisor.state')).active, false)
    assert.deepEqual(await call('supervisor.syncNow'), { ok: false, error: { code: 'UNAUTHORIZED' } })
    assert.deepEqual(kiosk.services.supervisor.audit.list({ limit: 2 }).entries.map((e) => e.action), ['leave', 'quit'])
  })
})
