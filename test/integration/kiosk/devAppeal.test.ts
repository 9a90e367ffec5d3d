import { test } from 'node:test'
import assert from 'node:assert/strict'
import { candidate, payloadOf } from '../sync/fixtures'
import { openDemoKiosk, openLinkedKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// Playwright for Electron drives the real app, where nobody at a centre decides the demo's appeals:
// in demo mode, as dev.captcha tells a captcha's answer, dev.decideAppeal is the centre deciding.

/** A candidate's own appeal (the fixture's carries a staff attestation, which only supervisor mode may send). */
async function fileAppeal(kiosk: DemoKiosk, i: number): Promise<string> {
  const { attestation: _staff, ...payload } = payloadOf('appeal', i)
  const outcome = valueOf<{ receipt: string; status: string }>(await kiosk.call('ops.submit', { kind: 'appeal', payload, waitMs: 10_000 }))
  assert.equal(outcome.status, 'pending')
  return outcome.receipt
}

test('demo mode: dev.decideAppeal has the demo centre uphold or refuse an appeal, recorded on the kiosk at once', async (t) => {
  const kiosk = await openDemoKiosk()
  t.after(() => kiosk.close())
  valueOf(await kiosk.call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin: '135790' }))
  const upheld = await fileAppeal(kiosk, 31)
  const refused = await fileAppeal(kiosk, 32)

  // Typed as a candidate reads it out: lower case, O for 0.
  assert.deepEqual(await kiosk.call('dev.decideAppeal', { receipt: upheld.toLowerCase(), decision: 'accept' }), { ok: true, value: { decided: true } })
  assert.deepEqual(await kiosk.call('dev.decideAppeal', { receipt: refused, decision: 'reject' }), { ok: true, value: { decided: true } })
  // The outbox has the decisions already (no poll waited for), as 查询办理进度 and the receipts show them.
  assert.equal(kiosk.services.outbox?.findByReceipt(upheld)?.status, 'applied')
  assert.equal(kiosk.services.outbox?.findByReceipt(refused)?.status, 'rejected')
  // Decided once: a second decision, an unknown receipt, or an op that is not an appeal find nothing.
  assert.deepEqual(await kiosk.call('dev.decideAppeal', { receipt: upheld, decision: 'reject' }), { ok: false, error: { code: 'OP_NOT_FOUND' } })
  assert.deepEqual(await kiosk.call('dev.decideAppeal', { receipt: 'ZZZZZZZZ', decision: 'accept' }), { ok: false, error: { code: 'OP_NOT_FOUND' } })
  const who = candidate(33)
  valueOf(await kiosk.call('sms.send', { mobile: who.mobile, purpose: 'register' }))
  const registered = valueOf<{ receipt: string }>(
    await kiosk.call('ops.submit', { kind: 'register', payload: { ...payloadOf('register', 33), smsCode: await kiosk.codeSentTo(who.mobile) }, waitMs: 10_000 }),
  )
  assert.deepEqual(await kiosk.call('dev.decideAppeal', { receipt: registered.receipt, decision: 'accept' }), { ok: false, error: { code: 'OP_NOT_FOUND' } })
})

test('a kiosk linked to a real central server decides no appeal', async (t) => {
  const kiosk = await openLinkedKiosk(t)
  const receipt = await fileAppeal(kiosk, 34)
  assert.deepEqual(await kiosk.call('dev.decideAppeal', { receipt, decision: 'accept' }), { ok: false, error: { code: 'BAD_REQUEST' } })
  assert.equal(kiosk.services.outbox?.findByReceipt(receipt)?.status, 'pending')
})
