import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openDemoKiosk, openLinkedKiosk, valueOf } from './demoKiosk'

// Playwright for Electron drives the real app, where no test hook reads the captcha as it is drawn.
// In demo mode, as the simulated phone does for SMS codes, dev.captcha tells a live captcha's answer.

test('demo mode: dev.captcha answers a live captcha, which then passes like a typed answer, once', async (t) => {
  const kiosk = await openDemoKiosk()
  t.after(() => kiosk.close())
  valueOf(await kiosk.call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin: '135790' }))
  const { captchaId } = valueOf<{ captchaId: string }>(await kiosk.call('captcha.create'))
  const { answer } = valueOf<{ answer: string }>(await kiosk.call('dev.captcha', { captchaId }))
  // Any case will do: the check ignores it.
  assert.equal(answer.toUpperCase(), kiosk.captcha().toUpperCase())
  // As a candidate's: a log-in with it is judged on the password, not the captcha.
  const login = await kiosk.call('auth.login', { province: '11', idNumber: '110101199003074477', password: 'Wrong#pass1', captchaId, captcha: answer })
  assert.notEqual((login as { error?: { code: string } }).error?.code, 'BAD_CAPTCHA', JSON.stringify(login))
  // Used, it is gone: nothing to tell any more.
  assert.deepEqual(await kiosk.call('dev.captcha', { captchaId }), { ok: false, error: { code: 'BAD_CAPTCHA', field: 'captcha' } })
})

test('a kiosk linked to a real central server tells no captcha', async (t) => {
  const kiosk = await openLinkedKiosk(t)
  const { captchaId } = valueOf<{ captchaId: string }>(await kiosk.call('captcha.create'))
  assert.deepEqual(await kiosk.call('dev.captcha', { captchaId }), { ok: false, error: { code: 'BAD_REQUEST' } })
})
