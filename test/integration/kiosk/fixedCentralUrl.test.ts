import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestServer, type TestServer } from '../server/kiosk'
import { candidate, maskedSummary, payloadOf } from '../sync/fixtures'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// KIOSK_CENTRAL_URL set by the deployment: the only server the kiosk links to. The wizard and 设置
// used to take another address, enrol at the deployment's server anyway, and store the typed one
// beside the credential; at the next start the credential no longer matched and the kiosk answered
// NOT_ENROLLED. Now another address is refused, and a credential remembers the server that issued it.
let central: TestServer
let kiosk: DemoKiosk
const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-fixed-url-'))
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)
const setup = { kioskName: '一号机', examCentre: '海淀考点', pin: '135790' }
const elsewhere = 'https://another-central.example.cn'

async function appealGoesThrough(i: number): Promise<void> {
  const who = candidate(i)
  const queued = await kiosk.services.outbox?.enqueue('appeal', payloadOf('appeal', i), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
  assert.ok(queued?.ok, 'the outbox is open')
  const seen = await kiosk.services.engine!.waitForOutcome(queued.value.id, 5_000)
  assert.equal(seen?.status, 'pending', 'the central server took the appeal')
}

before(async () => {
  central = await startTestServer()
  kiosk = await openDemoKiosk({ dataDir, centralUrl: central.server.url })
})
after(async () => {
  await kiosk.close()
  await central.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a kiosk whose central URL the deployment sets (KIOSK_CENTRAL_URL)', () => {
  test('the wizard is told the address is fixed, and shown it', async () => {
    const status = valueOf<{ demo: boolean; centralUrlFixed: boolean; prefill: { centralUrl: string | null } }>(await call('setup.status'))
    assert.equal(status.demo, false)
    assert.equal(status.centralUrlFixed, true)
    assert.equal(status.prefill.centralUrl, central.server.url)
  })

  test('the wizard refuses another address, before the code is spent or anything stored', async () => {
    const code = central.server.createEnrollmentCode('一号机')
    const answer = await call('setup.complete', { ...setup, centralUrl: elsewhere, enrolmentCode: code })
    assert.deepEqual(answer, { ok: false, error: { code: 'INVALID_FIELD', field: 'centralUrl', rule: 'centralUrl.fixed' } })
    assert.equal(valueOf<{ setUp: boolean }>(await call('setup.status')).setUp, false)
    assert.equal(kiosk.services.supervisor.pin.isSet(), false)
    // The same code still works: it was not sent anywhere.
    valueOf(await call('setup.complete', { ...setup, centralUrl: `${central.server.url}/`, enrolmentCode: code }))
    assert.equal(kiosk.services.supervisor.settings.get().centralUrl, central.server.url)
    const enrolment = kiosk.services.supervisor.settings.enrolment()
    assert.equal(enrolment.ok && enrolment.value?.centralUrl, central.server.url)
    await appealGoesThrough(1)
  })

  test('设置 shows the address as fixed and refuses another one; the kiosk stays linked', async () => {
    valueOf(await call('supervisor.enter', { pin: setup.pin, staffId: 'T01', staffName: '张老师' }))
    const page = valueOf<{ centralUrl: string | null; centralUrlFixed: boolean }>(await call('supervisor.getSettings'))
    assert.equal(page.centralUrlFixed, true)
    assert.equal(page.centralUrl, central.server.url)
    const before = kiosk.services.supervisor.settings.enrolment()
    const answer = await call('supervisor.reenrol', { centralUrl: elsewhere, enrolmentCode: central.server.createEnrollmentCode('一号机') })
    assert.deepEqual(answer, { ok: false, error: { code: 'INVALID_FIELD', field: 'centralUrl', rule: 'centralUrl.fixed' } })
    assert.deepEqual(kiosk.services.supervisor.settings.enrolment(), before, 'the credential is untouched')
    await appealGoesThrough(2)
  })

  test('a setting left with another address by an earlier version does not stop a re-enrolment at the fixed one', async () => {
    // Appeals stay pending on the server (not final), and the stale setting names another server.
    valueOf(kiosk.services.supervisor.settings.update({ centralUrl: elsewhere }))
    assert.ok((kiosk.services.outbox?.count({ status: ['pending'] }) ?? 0) > 0)
    valueOf(await call('supervisor.reenrol', { centralUrl: '', enrolmentCode: central.server.createEnrollmentCode('一号机') }))
    assert.equal(kiosk.services.supervisor.settings.get().centralUrl, central.server.url)
    await appealGoesThrough(4)
  })

  test('a new code at the fixed address is used again after a restart', async () => {
    valueOf(await call('supervisor.reenrol', { centralUrl: central.server.url, enrolmentCode: central.server.createEnrollmentCode('一号机') }))
    const renewed = kiosk.services.supervisor.settings.enrolment()
    await kiosk.close()
    kiosk = await openDemoKiosk({ dataDir, centralUrl: central.server.url })
    assert.equal(kiosk.services.central?.url, central.server.url)
    assert.equal(kiosk.services.central?.enrolment?.credential.kioskId, renewed.ok ? renewed.value?.kioskId : undefined)
    await appealGoesThrough(5)
  })
})
