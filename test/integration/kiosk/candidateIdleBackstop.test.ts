import { describe, test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { format } from 'node:util'
import { candidate as fixtureCandidate } from '../sync/fixtures'
import { openDemoKiosk, sessionAtCentre, valueOf, type DemoKiosk } from './demoKiosk'

// The screen wipes a visit after its idle timeout. A screen that never does (hung without Chromium
// noticing, broken, hostile) must not leave the visitor's log-in and verified codes in main for the
// next person: main ends the visit itself, well after the screen would have, and never while the
// person at the kiosk is still at it.
let kiosk: DemoKiosk
/** Main's steady clock for its idle end: the test moves it, nothing else does. */
let clock = 1_000_000
const checkEveryMs = 10
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)
const pin = '135790'
const person = (i: number) => ({ ...fixtureCandidate(91_000 + i), idType: 'resident' })
/** The screen's timeout (设置's default, 120 s) and main's margin (120 s). */
const timeoutMs = (120 + 120) * 1000

let ended: unknown[] = []
let logged: string[] = []
const levels = ['log', 'info', 'warn', 'error'] as const
const original = levels.map((level) => [level, console[level]] as const)

/** Time passes on main's clock; then main has looked several times. */
async function passes(ms: number): Promise<void> {
  clock += ms
  await new Promise((resolve) => setTimeout(resolve, checkEveryMs * 6))
}

async function mainEnds(): Promise<void> {
  for (let i = 0; i < 200 && ended.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, checkEveryMs))
  assert.deepEqual(ended, [{ reason: 'idle' }])
}

/** Someone touches the screen (the shell's input event): only that opens a visit for main to end. */
const touches = () => kiosk.services.candidateIdle.input('touchStart')

async function register(who: ReturnType<typeof person>) {
  valueOf(await call('sms.send', { mobile: who.mobile, purpose: 'register' }))
  const smsCode = await kiosk.codeSentTo(who.mobile)
  return valueOf<{ status: string }>(await call('ops.submit', { kind: 'register', payload: { ...who, smsCode, agreed: true } }))
}

async function logIn(who: ReturnType<typeof person>): Promise<string> {
  const { captchaId } = valueOf<{ captchaId: string }>(await call('captcha.create'))
  valueOf(await call('auth.login', { province: '北京', idNumber: who.idNumber, password: who.password, captchaId, captcha: kiosk.captcha() }))
  const token = kiosk.services.session.current?.sessionToken
  assert.ok(token)
  return token
}

const atCentre = (sessionToken: string) => sessionAtCentre(kiosk, sessionToken)

before(async () => {
  kiosk = await openDemoKiosk({ liftResendInterval: true, candidateIdle: { now: () => clock, checkEveryMs } })
  valueOf(await call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin }))
  kiosk.services.events.on((event, payload) => {
    if (event === 'visitEnded') ended.push(payload)
  })
})
after(() => kiosk.close())
// Each test starts with a visit ended by the screen, and catches what main logs.
beforeEach(async () => {
  valueOf(await call('app.wipe'))
  ended = []
  logged = []
  for (const level of levels) console[level] = (...args: unknown[]) => void logged.push(format(...args))
})
afterEach(() => {
  for (const [level, fn] of original) console[level] = fn
})

describe("main's own end to a visit the screen never wiped", () => {
  test('after the screen\'s timeout and the margin, main ends it as app.wipe does: the log-in (at the centre too) and verified codes go, the screen is told, the log names nobody', async () => {
    const a = person(1)
    touches()
    assert.equal((await register(a)).status, 'applied')
    const token = await logIn(a)
    // A code verified for someone they came with, not used yet.
    const b = person(2)
    valueOf(await call('sms.send', { mobile: b.mobile, purpose: 'register' }))
    valueOf(await call('sms.verify', { mobile: b.mobile, purpose: 'register', code: await kiosk.codeSentTo(b.mobile) }))

    // The screen hangs. Up to main's timeout, nothing happens.
    await passes(timeoutMs - 1_000)
    assert.deepEqual(ended, [])
    assert.equal(kiosk.services.session.current?.sessionToken, token)
    await passes(2_000)
    await mainEnds()
    // Once: with nobody back, there is nothing more to end.
    await passes(timeoutMs * 2)
    assert.equal(ended.length, 1)

    assert.deepEqual(await call('auth.account'), { ok: false, error: { code: 'SESSION_EXPIRED' } })
    assert.equal(await atCentre(token), 'SESSION_EXPIRED')
    // The verified code went with the visit: the next person's 注册 with b's mobile needs its own.
    assert.equal(kiosk.services.session.takeVerification('register', b.mobile), undefined)
    const line = logged.filter((entry) => /main ended the visit/.test(entry))
    assert.equal(line.length, 1, logged.join('\n'))
    assert.match(line[0]!, /no call or touch for 240 s.*a log-in was held/)
    for (const value of [a.idNumber, a.mobile, a.email, a.name, a.password, b.mobile, token])
      assert.ok(!logged.some((entry) => entry.includes(value)), `the log holds ${value}`)
  })

  test('a candidate still at it is never cut off: every call, touch or key starts the wait again; what the screen repeats by itself does not', async () => {
    const a = person(3)
    touches()
    assert.equal((await register(a)).status, 'applied')
    const token = await logIn(a)
    // Typing a long form: no call for minutes, but touches and keys (the shell's input events).
    for (let i = 0; i < 4; i++) {
      await passes(timeoutMs - 5_000)
      kiosk.services.candidateIdle.input(i % 2 === 0 ? 'touchStart' : 'keyDown')
    }
    // Then the screens' calls themselves.
    for (let i = 0; i < 3; i++) {
      await passes(timeoutMs - 5_000)
      valueOf(await call('auth.account'))
    }
    assert.deepEqual(ended, [])
    assert.equal(kiosk.services.session.current?.sessionToken, token)

    // A pointer drifting and the screen's own polls (the sync state, the settings, the simulated
    // phone) are nobody at the kiosk: the visit ends on time all the same.
    await passes(timeoutMs - 5_000)
    kiosk.services.candidateIdle.input('mouseMove')
    valueOf(await call('sync.status'))
    valueOf(await call('app.info'))
    valueOf(await call('dev.messages'))
    await passes(10_000)
    await mainEnds()
    assert.equal(kiosk.services.session.current, null)
  })

  test('not while staff are in supervisor mode (their own timer ends it); once they leave, nothing is left to end', async () => {
    const a = person(4)
    touches()
    assert.equal((await register(a)).status, 'applied')
    await logIn(a)
    valueOf(await call('supervisor.enter', { pin, staffId: 'T01', staffName: '王老师' }))
    // Staff at work: their touches are someone at the kiosk, but theirs to end.
    touches()
    valueOf(await call('supervisor.dashboard'))
    await passes(timeoutMs * 2)
    assert.deepEqual(ended, [])
    assert.equal(kiosk.services.supervisor.session.isActive(), true)

    valueOf(await call('supervisor.leave'))
    await passes(timeoutMs * 2)
    assert.deepEqual(ended, [])
  })

  test("what a screen asks for by itself after an end (its captcha, the account, the PIN pad's state) opens no visit: nobody touched it", async () => {
    const a = person(7)
    touches()
    assert.equal((await register(a)).status, 'applied')
    await logIn(a)
    valueOf(await call('auth.logout', {}))
    // The account screen, re-made as the screen goes home, reads the account once more; 登录 and the
    // PIN pad, wiped where they stood, ask for a captcha and the lock-out state.
    assert.deepEqual(await call('auth.account'), { ok: false, error: { code: 'SESSION_EXPIRED' } })
    valueOf(await call('captcha.create'))
    valueOf(await call('supervisor.state'))
    await passes(timeoutMs * 2)
    assert.deepEqual(ended, [])
    assert.ok(!logged.some((entry) => /main ended the visit/.test(entry)), logged.join('\n'))

    // The next person's touch opens one again.
    touches()
    await passes(timeoutMs + 1_000)
    await mainEnds()
  })

  test('a visit that held nothing (a tap on the home screen, which wipes only the language) ends without a warning', async () => {
    touches()
    await passes(timeoutMs + 1_000)
    await mainEnds()
    assert.deepEqual(logged.filter((entry) => /main ended/.test(entry)), ['[kiosk] no call or touch for 240 s: main ended a visit that held nothing'])
    // A verified code is something held: that one is a screen that did not wipe.
    const a = person(8)
    touches()
    valueOf(await call('sms.send', { mobile: a.mobile, purpose: 'register' }))
    valueOf(await call('sms.verify', { mobile: a.mobile, purpose: 'register', code: await kiosk.codeSentTo(a.mobile) }))
    ended = []
    await passes(timeoutMs + 1_000)
    await mainEnds()
    assert.match(logged.at(-1) ?? '', /the screen did not wipe: main ended the visit \(a verified code was held\)/)
  })

  test('not in the middle of a submit; the op it queued stays in the outbox and reaches the centre', async () => {
    const a = person(5)
    touches()
    assert.equal((await register(a)).status, 'applied')
    const token = await logIn(a)
    const engine = kiosk.services.engine!
    // Nothing is sent while paused: the submit waits out its whole waitMs for an answer.
    engine.pause()
    try {
      const { idType, idNumber, name, mobile, email } = person(6)
      const appeal = { occupied: 'mobile', idType, idNumber, name, mobile, email, statement: '本人手机号被他人占用，申请核实处理' }
      const submitting = call('ops.submit', { kind: 'appeal', payload: appeal, waitMs: 1_500 })
      await passes(timeoutMs + 1_000)
      assert.deepEqual(ended, [])
      assert.equal(kiosk.services.session.current?.sessionToken, token)
      const queued = valueOf<{ id: string; status: string }>(await submitting)
      assert.equal(queued.status, 'queued')

      // The submit's end starts the wait again: the receipt is on the screen a full timeout.
      await passes(timeoutMs - 1_000)
      assert.deepEqual(ended, [])
      await passes(2_000)
      await mainEnds()
      assert.equal(kiosk.services.session.current, null)
      assert.equal(kiosk.services.outbox!.get(queued.id)?.status, 'queued')
      engine.resume()
      // It goes to the centre as queued: taken there, under review.
      const final = await engine.waitForOutcome(queued.id, 10_000)
      assert.equal(final?.status, 'pending')
    } finally {
      if (engine.paused) engine.resume()
    }
  })
})

describe("the set-up wizard: staff's, before any candidate", () => {
  let fresh: DemoKiosk
  let freshClock = 0
  const freshEnded: unknown[] = []
  before(async () => {
    fresh = await openDemoKiosk({ candidateIdle: { now: () => freshClock, checkEveryMs } })
    fresh.services.events.on((event, payload) => void (event === 'visitEnded' && freshEnded.push(payload)))
  })
  after(() => fresh.close())

  test('staff who stop a while in the wizard are not ended by main, nor after they finish it', async () => {
    const looks = () => new Promise((resolve) => setTimeout(resolve, checkEveryMs * 6))
    // Staff type the kiosk's name, then go and find the enrolment code.
    fresh.services.candidateIdle.input('keyDown')
    freshClock += timeoutMs * 2
    await looks()
    assert.deepEqual(freshEnded, [])
    // 完成: a tap, then the wizard's call; then they walk away from the home screen.
    fresh.services.candidateIdle.input('mouseDown')
    valueOf(await fresh.call('setup.complete', { kioskName: '二号机', examCentre: '演示考点', centralUrl: null, pin }))
    freshClock += timeoutMs * 2
    await looks()
    assert.deepEqual(freshEnded, [])
    assert.ok(!logged.some((entry) => /main ended the visit/.test(entry)), logged.join('\n'))
  })
})
