import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type TestServer } from '../server/kiosk'
import { candidate, maskedSummary, payloadOf } from '../sync/fixtures'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// The set-up wizard with a real central server: the kiosk is enrolled before anything is stored, so
// an address that does not answer or a code the server refuses leaves the wizard to try again,
// instead of a kiosk set up with a PIN, linked to nothing, whose wizard can no longer finish.
let kiosk: DemoKiosk
let central: TestServer
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)
const setup = { kioskName: '一号机', examCentre: '海淀考点', pin: '135790' }

before(async () => {
  kiosk = await openDemoKiosk()
  central = await startTestServer()
})
after(async () => {
  await kiosk.close()
  await central.stop()
})

describe('the set-up wizard with a central server', () => {
  test('a server that does not answer: nothing is stored, the wizard can try again', async () => {
    // Nothing listens there: a typo in the address, or a server that is away.
    const answer = await call('setup.complete', { ...setup, centralUrl: 'https://127.0.0.1:1', enrolmentCode: central.server.createEnrollmentCode('一号机') })
    assert.deepEqual(answer, { ok: false, error: { code: 'NETWORK_UNAVAILABLE' } })
    assert.equal(valueOf<{ setUp: boolean }>(await call('setup.status')).setUp, false)
    assert.equal(kiosk.services.supervisor.pin.isSet(), false)
    assert.equal(kiosk.services.supervisor.settings.get().centralUrl, null)
  })

  test('a code the server refuses: nothing is stored either', async () => {
    const answer = await call('setup.complete', { ...setup, centralUrl: central.server.url, enrolmentCode: 'WRONG-CODE-1' })
    assert.deepEqual(answer, { ok: false, error: { code: 'NOT_ENROLLED' } })
    assert.equal(valueOf<{ setUp: boolean }>(await call('setup.status')).setUp, false)
  })

  test('then the right address and code: set up, enrolled, and ops go to that server', async () => {
    valueOf(await call('setup.complete', { ...setup, centralUrl: central.server.url, enrolmentCode: central.server.createEnrollmentCode('一号机') }))
    assert.equal(valueOf<{ setUp: boolean }>(await call('setup.status')).setUp, true)
    assert.equal(kiosk.services.central?.url, central.server.url)
    assert.equal(kiosk.services.central?.demo, false)
    const who = candidate(3)
    const queued = await kiosk.services.outbox!.enqueue('appeal', payloadOf('appeal', 3), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok)
    const seen = await kiosk.services.engine!.waitForOutcome(queued.value.id, 5_000)
    assert.equal(seen?.status, 'pending', 'the central server took the appeal')
  })
  test('设置: a new code the same server refuses leaves the kiosk working with the credential it had', async () => {
    valueOf(await call('supervisor.enter', { pin: setup.pin, staffId: 'T01', staffName: '张老师' }))
    const answer = await call('supervisor.reenrol', { centralUrl: central.server.url, enrolmentCode: 'WRONG-CODE-2' })
    assert.deepEqual(answer, { ok: false, error: { code: 'NOT_ENROLLED' } })
    assert.equal(kiosk.services.central?.url, central.server.url)
    const who = candidate(4)
    const queued = await kiosk.services.outbox?.enqueue('appeal', payloadOf('appeal', 4), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued?.ok, 'the outbox is open')
    const seen = await kiosk.services.engine!.waitForOutcome(queued.value.id, 5_000)
    assert.equal(seen?.status, 'pending', 'and the central server still takes ops')
  })
})
