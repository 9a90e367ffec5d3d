import { describe, test, before, after, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { decideAppeal } from '../../../server/index'
import { startTestServer, type TestServer } from '../server/kiosk'
import { candidate, maskedSummary, payloadOf, token } from '../sync/fixtures'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// Changing the central server in 设置, on a demo kiosk with the reference server on loopback.
let kiosk: DemoKiosk
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)

before(async () => {
  kiosk = await openDemoKiosk()
  valueOf(await call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin: '135790' }))
  valueOf(await call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
})

after(() => kiosk.close())

describe('re-enrolling with another central server', () => {
  test('is refused while an op is not final: it is sealed to this server and would be lost at another', async () => {
    kiosk.services.engine?.pause()
    const who = candidate(1)
    const queued = await kiosk.services.outbox!.enqueue('appeal', payloadOf('appeal', 1), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.equal(queued.ok, true)
    const auditRows = kiosk.services.supervisor.audit.list().total

    const answer = await call('supervisor.reenrol', { centralUrl: 'https://passport.example.cn', enrolmentCode: 'ABCD-1234' })

    assert.deepEqual(answer, { ok: false, error: { code: 'QUEUE_NOT_EMPTY' } })
    assert.equal(kiosk.services.supervisor.settings.get().centralUrl, null)
    assert.equal(kiosk.services.outbox!.get(queued.ok ? queued.value.id : '')?.status, 'queued')
    assert.equal(kiosk.services.supervisor.audit.list().total, auditRows, 'no setting changed')
  })

  test('plain http to a server off this machine is refused whatever the queue holds', async () => {
    for (const op of kiosk.services.outbox!.list({ status: 'queued' })) valueOf(await call('supervisor.cancelOp', { id: op.id, reason: 'other' }))

    const answer = await call('supervisor.reenrol', { centralUrl: 'http://passport.example.cn', enrolmentCode: 'ABCD-1234' })

    assert.deepEqual(answer, { ok: false, error: { code: 'INVALID_FIELD', field: 'centralUrl' } })
    assert.equal(kiosk.services.supervisor.settings.get().centralUrl, null)
  })

  test('an enrolment that fails leaves the kiosk on the server it had, still sending', async () => {
    // Nothing listens there: as a typo in the address or a server that is away would look.
    const answer = await call('supervisor.reenrol', { centralUrl: 'https://127.0.0.1:1', enrolmentCode: 'ABCD-1234' })

    assert.equal(answer.ok, false)
    assert.equal(kiosk.services.supervisor.settings.get().centralUrl, null)
    kiosk.services.engine?.resume()
    const who = candidate(2)
    const queued = await kiosk.services.outbox!.enqueue('appeal', payloadOf('appeal', 2), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok)
    const seen = await kiosk.services.engine!.waitForOutcome(queued.value.id, 5_000)
    assert.equal(seen?.status, 'pending', 'the demo server took the appeal')
  })
})

type Defer = (cleanUp: () => unknown) => void
/** Clean-ups run after the test, the last one deferred first (t.after runs them in order). */
function deferrer(t: TestContext): Defer {
  const stack: (() => unknown)[] = []
  t.after(async () => {
    for (const cleanUp of stack.reverse()) await cleanUp()
  })
  return (cleanUp) => void stack.push(cleanUp)
}

describe('a kiosk whose credential cannot be read (its kiosk.db on another machine)', () => {
  /**
   * A kiosk enrolled at `server` that queued one appeal (never sent), then lost its key file: it
   * starts again unenrolled, with staff in supervisor mode.
   */
  async function movedKiosk(defer: Defer, server: TestServer, name: string, kind: 'appeal' | 'changeMobile' = 'appeal'): Promise<{ moved: DemoKiosk; queuedId: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-unreadable-'))
    defer(() => rmSync(dataDir, { recursive: true, force: true }))
    const original = await openDemoKiosk({ dataDir })
    valueOf(await original.call('setup.complete', { kioskName: name, examCentre: '演示考点', centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode(name), pin: '135790' }))
    original.services.engine?.pause()
    const who = candidate(4)
    const queued = await original.services.outbox!.enqueue(kind, payloadOf(kind, 4), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok)
    await original.close()
    // The machine's key is not the one that protected the credential: the kiosk starts unenrolled.
    rmSync(join(dataDir, 'kiosk-secrets.key'))
    const moved = await openDemoKiosk({ dataDir })
    defer(() => moved.close())
    assert.equal(moved.services.outbox, null)
    valueOf(await moved.call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    return { moved, queuedId: queued.value.id }
  }
  async function testServer(defer: Defer): Promise<TestServer> {
    const server = await startTestServer()
    defer(() => server.stop())
    return server
  }

  test('still refuses another central server while its ops, sealed to the first, are not final', async (t) => {
    const defer = deferrer(t)
    const first = await testServer(defer)
    const second = await testServer(defer)
    const { moved } = await movedKiosk(defer, first, '二号机')

    const answer = await moved.call('supervisor.reenrol', { centralUrl: second.server.url, enrolmentCode: second.server.createEnrollmentCode('二号机') })

    assert.deepEqual(answer, { ok: false, error: { code: 'QUEUE_NOT_EMPTY' } })
    assert.equal(moved.services.supervisor.settings.get().centralUrl, first.server.url)
  })

  test('is enrolled again at the same server even with a logged-in candidate\'s op queued: nothing could send it under the old id any more', async (t) => {
    const defer = deferrer(t)
    const server = await testServer(defer)
    const { moved } = await movedKiosk(defer, server, '七号机', 'changeMobile')

    const answer = await moved.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('七号机') })

    assert.deepEqual(answer, { ok: true, value: { enrolled: true } })
    assert.equal(moved.services.outbox?.list({ status: ['queued', 'sending', 'rejected'] }).length, 1, 'the op is where staff see it')
  })

  test('is enrolled again at the same server: the appeal it had queued goes, and so do new ops', async (t) => {
    const defer = deferrer(t)
    const server = await testServer(defer)
    const { moved, queuedId } = await movedKiosk(defer, server, '四号机')

    const answer = await moved.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('四号机') })

    assert.deepEqual(answer, { ok: true, value: { enrolled: true } })
    assert.equal(moved.services.engine?.paused, false, 'nobody paused it: it sends at once')
    const old = await moved.services.engine!.waitForOutcome(queuedId, 5_000)
    assert.equal(old?.status, 'pending', 'the server took the appeal queued before the key file was lost')
    const next = candidate(5)
    const fresh = await moved.services.outbox!.enqueue('appeal', payloadOf('appeal', 5), { accountIdNumber: next.idNumber, summary: maskedSummary(next) })
    assert.ok(fresh.ok)
    assert.equal((await moved.services.engine!.waitForOutcome(fresh.value.id, 5_000))?.status, 'pending')
    const details = moved.services.supervisor.audit.list().entries.map((entry) => entry.detail)
    assert.ok(details.some((d) => d.key === 'accountKey' && d.value === 'renewed'), 'the new account key is in the audit log')
  })
})

describe('a kiosk pointed at another server between two starts (KIOSK_CENTRAL_URL changed)', () => {
  test('is not enrolled there while ops sealed for the first are not final: the new server could only refuse them', async (t) => {
    const defer = deferrer(t)
    const first = await startTestServer()
    defer(() => first.stop())
    const second = await startTestServer()
    defer(() => second.stop())
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-moved-url-'))
    defer(() => rmSync(dataDir, { recursive: true, force: true }))
    const before = await openDemoKiosk({ dataDir, centralUrl: first.server.url })
    valueOf(await before.call('setup.complete', { kioskName: '五号机', examCentre: '演示考点', centralUrl: first.server.url, enrolmentCode: first.server.createEnrollmentCode('五号机'), pin: '135790' }))
    before.services.engine?.pause()
    const who = candidate(6)
    const queued = await before.services.outbox!.enqueue('appeal', payloadOf('appeal', 6), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok)
    await before.close()

    const after = await openDemoKiosk({ dataDir, centralUrl: second.server.url })
    defer(() => after.close())
    valueOf(await after.call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    const answer = await after.call('supervisor.reenrol', { centralUrl: '', enrolmentCode: second.server.createEnrollmentCode('五号机') })

    // Not "sync or cancel first": unlinked, it can do neither; staff are told to point it back.
    assert.deepEqual(answer, { ok: false, error: { code: 'QUEUE_NOT_EMPTY', rule: 'queue.previousServer' } })
    assert.equal(after.services.engine, null, 'not linked to the second server: nothing was sent to it')
    // Pointed back at the first server, the op goes where it was sealed for.
    await after.close()
    const back = await openDemoKiosk({ dataDir, centralUrl: first.server.url })
    defer(() => back.close())
    assert.equal((await back.services.engine!.waitForOutcome(queued.value.id, 5_000))?.status, 'pending')
  })

  test('a kiosk tried in demo mode, then pointed at a real server, is enrolled there: its demo ops went with the demo server', async (t) => {
    const defer = deferrer(t)
    const real = await startTestServer()
    defer(() => real.stop())
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-demo-then-real-'))
    defer(() => rmSync(dataDir, { recursive: true, force: true }))
    const demo = await openDemoKiosk({ dataDir })
    valueOf(await demo.call('setup.complete', { kioskName: '六号机', examCentre: '演示考点', centralUrl: null, pin: '135790' }))
    demo.services.engine?.pause()
    const who = candidate(7)
    assert.ok((await demo.services.outbox!.enqueue('appeal', payloadOf('appeal', 7), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })).ok)
    await demo.close()

    const linked = await openDemoKiosk({ dataDir, centralUrl: real.server.url })
    defer(() => linked.close())
    valueOf(await linked.call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    const answer = await linked.call('supervisor.reenrol', { centralUrl: '', enrolmentCode: real.server.createEnrollmentCode('六号机') })
    assert.deepEqual(answer, { ok: true, value: { enrolled: true } })
  })
})

describe('re-enrolling a kiosk linked to a real server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let linked: DemoKiosk
  let dataDir: string
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kiosk-reenrol-'))
    server = await startTestServer()
    linked = await openDemoKiosk({ dataDir })
    valueOf(await linked.call('setup.complete', { kioskName: '三号机', examCentre: '演示考点', centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('三号机'), pin: '135790' }))
    valueOf(await linked.call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
  })
  after(async () => {
    await linked.close()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const kioskIdOf = () => {
    const stored = linked.services.supervisor.settings.enrolment()
    return stored.ok ? stored.value?.kioskId : undefined
  }
  const enqueueAppeal = async (i: number) => {
    const who = candidate(i)
    const queued = await linked.services.outbox!.enqueue('appeal', payloadOf('appeal', i), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok)
    return queued.value.id
  }

  test('an empty address does not switch it to demo mode, and a new enrolment needs its code', async () => {
    const kioskId = linked.services.supervisor.settings.enrolment()
    const toDemo = await linked.call('supervisor.reenrol', { centralUrl: '', enrolmentCode: '' })
    assert.deepEqual(toDemo, { ok: false, error: { code: 'INVALID_FIELD', field: 'centralUrl', rule: 'centralUrl.required' } })
    const noCode = await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: '' })
    assert.deepEqual(noCode, { ok: false, error: { code: 'INVALID_FIELD', field: 'enrolmentCode', rule: 'enrolmentCode.required' } })
    assert.equal(linked.services.demo, false)
    assert.equal(linked.services.supervisor.settings.get().centralUrl, server.server.url)
    assert.deepEqual(linked.services.supervisor.settings.enrolment(), kioskId, 'the credential is kept')
  })

  test('a code too short to be one is refused beside the code, before the address or the log is touched', async () => {
    const kioskId = linked.services.supervisor.settings.enrolment()
    const rows = linked.services.supervisor.audit.list().total
    const short = await linked.call('supervisor.reenrol', { centralUrl: 'https://127.0.0.1:1', enrolmentCode: 'ABCD' })
    assert.deepEqual(short, { ok: false, error: { code: 'INVALID_FIELD', field: 'enrolmentCode', rule: 'enrolmentCode.format' } })
    assert.equal(linked.services.supervisor.settings.get().centralUrl, server.server.url)
    assert.equal(linked.services.supervisor.audit.list().total, rows, 'no 修改设置 there and back for an address never tried')
    assert.deepEqual(linked.services.supervisor.settings.enrolment(), kioskId, 'the credential is kept')
  })

  test("at the same server, refused while a session's op waits: the server applies it only for the kiosk that logged in", async () => {
    linked.services.engine?.pause()
    const who = candidate(30)
    const queued = await linked.services.outbox!.enqueue('changePassword', payloadOf('changePassword', 30), { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok)
    const answer = await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('三号机') })
    assert.deepEqual(answer, { ok: false, error: { code: 'QUEUE_NOT_EMPTY' } })
    assert.equal(linked.services.engine?.paused, true, 'paused by staff before: still paused')
    valueOf(await linked.call('supervisor.cancelOp', { id: queued.value.id, reason: 'other' }))
  })

  test('at the same server, refused while a reset waits with the token of 验证手机验证码: the server takes it only from the kiosk that verified the mobile', async () => {
    linked.services.engine?.pause()
    const who = candidate(32)
    const { smsCode: _code, ...byToken } = payloadOf('resetPassword', 32) as Record<string, unknown>
    const queued = await linked.services.outbox!.enqueue('resetPassword', { ...byToken, verificationToken: token(32) }, { accountIdNumber: who.idNumber, summary: maskedSummary(who) })
    assert.ok(queued.ok, JSON.stringify(queued))
    const answer = await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('三号机') })
    assert.deepEqual(answer, { ok: false, error: { code: 'QUEUE_NOT_EMPTY' } })
    valueOf(await linked.call('supervisor.cancelOp', { id: queued.value.id, reason: 'other' }))
  })

  test('at the same server, ops never sent go on under the new kiosk id', async () => {
    linked.services.engine?.pause()
    const id = await enqueueAppeal(31)
    const before = kioskIdOf()
    valueOf(await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('三号机') }))
    assert.notEqual(kioskIdOf(), before, 'a new kiosk id')
    // The audit log names who enrolled it again.
    const enrolled = linked.services.supervisor.audit.list().entries.find((entry) => entry.detail.key === 'enrolment' && entry.detail.value === kioskIdOf())
    assert.deepEqual(enrolled?.actor, { staffId: 'T01', name: '张老师' })
    linked.services.engine?.resume()
    const seen = await linked.services.engine!.waitForOutcome(id, 5_000)
    assert.equal(seen?.status, 'pending', 'the server took the appeal sent under the new id')
  })

  test('at the same server, an appeal waiting on its decision is followed by its receipt under the new kiosk id', async () => {
    // The appeal above waits on a decision under the kiosk id the server gave it then.
    const [pendingId] = linked.services.outbox!.pendingIds(1)
    assert.ok(pendingId)
    valueOf(await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('三号机') }))
    assert.equal(linked.services.engine?.paused, false, 'sending stood still while the queue was counted, and goes on')
    const db = new Database(join(server.dataDir, 'central.db'))
    try {
      const appealId = db.prepare('SELECT id FROM appeals WHERE op_id = ?').pluck().get(pendingId) as string
      assert.equal(decideAppeal(db, appealId, 'accept').ok, true)
    } finally {
      db.close()
    }
    await linked.services.engine!.syncNow()
    const decided = await linked.services.engine!.waitForOutcome(pendingId, 5_000)
    assert.equal(decided?.status, 'applied', JSON.stringify(decided))
  })

  test('sync paused by staff stays paused across a re-enrolment (its new engine too)', async () => {
    valueOf(await linked.call('supervisor.pause'))
    valueOf(await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('三号机') }))
    assert.equal(linked.services.engine?.paused, true)
    valueOf(await linked.call('supervisor.resume'))
  })

  test('one re-enrolment at a time: a second while the first runs is refused, and the first ends enrolled', async () => {
    const [first, second] = await Promise.all([
      linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('四号机') }),
      linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('五号机') }),
    ])
    assert.deepEqual(first, { ok: true, value: { enrolled: true } })
    assert.deepEqual(second, { ok: false, error: { code: 'RATE_LIMITED' } })
    assert.equal(linked.services.engine?.paused, false)
    valueOf(await linked.call('supervisor.reenrol', { centralUrl: server.server.url, enrolmentCode: server.server.createEnrollmentCode('六号机') }))
  })
})
