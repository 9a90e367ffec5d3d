import { describe, test, after, mock } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kioskErrorMessage } from '../../../src-common/rules/fieldMessages'
import type { KioskHandlers } from '../../../src-main/services/kioskDispatcher'
import { createKioskHandlers, opsPerVisit } from '../../../src-main/services/kioskHandlers'
import { createKioskOpLimit, kioskOpWindowMs, opsPerKioskWindow } from '../../../src-main/services/kioskOpLimit'
import { candidate, maskedSummary, payloadOf } from '../sync/fixtures'
import { makeOutbox } from '../sync/harness'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// The per-visit limit ends with the visit, and the screen ends a visit whenever it asks (app.wipe):
// a page gone wrong could wipe after every batch and fill kiosk.db. The kiosk's own limit is counted
// from the outbox, so neither a wipe nor a restart lifts it; staff's on-site services never meet it.
const pin = '135790'
const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-oplimit-'))
after(() => rmSync(dataDir, { recursive: true, force: true }))
let next = 0
/** A candidate's 信息占用申诉 as the screen sends it (no attestation: that is staff's). */
function appeal(): Record<string, unknown> {
  const { attestation: _staff, ...payload } = payloadOf('appeal', 97_000 + next++)
  return payload
}
const submit = (kiosk: DemoKiosk) =>
  kiosk.call('ops.submit', { kind: 'appeal', payload: appeal(), waitMs: 0 })
/** The same through handlers of a test's own limits (inputs as the dispatcher passes them on). */
const submitThrough = (handlers: KioskHandlers) =>
  handlers.ops.submit({ kind: 'appeal', payload: appeal(), waitMs: 0 } as Parameters<KioskHandlers['ops']['submit']>[0])
const setUp = async (kiosk: DemoKiosk) =>
  valueOf(
    await kiosk.call('setup.complete', {
      kioskName: '一号机',
      examCentre: '演示考点',
      centralUrl: null,
      pin,
    }),
  )
const refused = { ok: false, error: { code: 'RATE_LIMITED', rule: 'ops.perKiosk' } }

describe("candidates' ops one kiosk may queue in an hour", () => {
  test('past the limit across wipes and a restart, a candidate is sent to staff; staff still file, and 运行概况 says so; logged once', async (t) => {
    const warned = mock.method(console, 'warn', () => undefined)
    t.after(() => warned.mock.restore())
    let kiosk = await openDemoKiosk({ dataDir })
    t.after(() => kiosk.close())
    await setUp(kiosk)
    const outbox = () => kiosk.services.outbox!

    // A screen that wipes before each visit's limit, as a looping page would.
    for (let i = 0; i < opsPerKioskWindow; i++) {
      if (i % opsPerVisit === 0) valueOf(await kiosk.call('app.wipe'))
      valueOf(await submit(kiosk))
    }
    valueOf(await kiosk.call('app.wipe'))
    assert.deepEqual(await submit(kiosk), refused)
    valueOf(await kiosk.call('app.wipe'))
    assert.deepEqual(await submit(kiosk), refused)
    assert.equal(outbox().count(), opsPerKioskWindow)

    // What the candidate reads: whom to ask, as the limit is the kiosk's and another visit will not help.
    const error = { code: 'RATE_LIMITED' as const, rule: 'ops.perKiosk' }
    assert.equal(
      kioskErrorMessage(error, 'zh-CN'),
      '本机一小时内提交的业务过多，暂时不能提交，请联系考点工作人员',
    )
    assert.equal(
      kioskErrorMessage(error, 'en'),
      'Too many requests were submitted on this kiosk in the last hour, and it cannot take more for now. Please ask the exam-centre staff.',
    )

    // The log says it once, however often the screen tries, and names nobody.
    const lines = warned.mock.calls
      .map((call) => String(call.arguments[0]))
      .filter((line) => line.includes('ops.perKiosk'))
    assert.equal(lines.length, 1)
    assert.match(lines[0] ?? '', /\[kiosk\] candidates' ops reached 200 in 60 min/)

    // Staff come: their on-site services are neither refused nor counted, and 运行概况 tells them.
    valueOf(await kiosk.call('supervisor.enter', { pin, staffId: 'T01', staffName: '王老师' }))
    for (let i = 0; i < 3; i++) valueOf(await kiosk.call('supervisor.fileAppeal', { payload: appeal() }))
    const limited = valueOf<{
      candidateOpsLimited: { limit: number; windowMinutes: number; freeInSec: number } | null
    }>(await kiosk.call('supervisor.dashboard')).candidateOpsLimited
    assert.equal(limited?.limit, opsPerKioskWindow)
    assert.equal(limited?.windowMinutes, 60)
    assert.ok(limited && limited.freeInSec > 0 && limited.freeInSec <= kioskOpWindowMs / 1000)
    valueOf(await kiosk.call('supervisor.leave'))
    assert.deepEqual(await submit(kiosk), refused)

    // The kiosk restarted (its outbox reopened on the same kiosk.db): still refused.
    await kiosk.close()
    kiosk = await openDemoKiosk({ dataDir })
    assert.deepEqual(await submit(kiosk), refused)
    assert.equal(outbox().count(), opsPerKioskWindow + 3)
  })

  test('sent all at once, no more than the limit get through', async (t) => {
    const kiosk = await openDemoKiosk()
    t.after(() => kiosk.close())
    await setUp(kiosk)
    const handlers = createKioskHandlers(kiosk.services, { opsPerKiosk: { ops: 5 }, opsPerVisit: 100 })
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => submitThrough(handlers)),
    )
    assert.equal(answers.filter((answer) => answer.ok).length, 5)
    assert.equal(answers.filter((answer) => JSON.stringify(answer) === JSON.stringify(refused)).length, 7)
    assert.equal(kiosk.services.outbox!.count(), 5)
  })

  test("staff's on-site services leave candidates' places free", async (t) => {
    const kiosk = await openDemoKiosk()
    t.after(() => kiosk.close())
    await setUp(kiosk)
    const handlers = createKioskHandlers(kiosk.services, { opsPerKiosk: { ops: 3 } })
    const candidateSubmits = () => submitThrough(handlers)
    valueOf(await candidateSubmits())
    valueOf(await candidateSubmits())
    valueOf(await kiosk.call('supervisor.enter', { pin, staffId: 'T01', staffName: '王老师' }))
    for (let i = 0; i < 2; i++) valueOf(await kiosk.call('supervisor.fileAppeal', { payload: appeal() }))
    valueOf(await kiosk.call('supervisor.leave'))
    // Five ops queued, two of them staff's: the candidate's third still goes, the fourth does not.
    valueOf(await candidateSubmits())
    assert.deepEqual(await candidateSubmits(), refused)
  })

  test('a screen looping at the limit is logged once an hour, not each time an op leaves the window', async (t) => {
    const warned = mock.method(console, 'warn', () => undefined)
    t.after(() => warned.mock.restore())
    const minute = 60_000
    let wall = Date.parse('2026-12-01T08:00:00Z')
    let up = 1_000_000
    let logClock = 0
    const box = await makeOutbox({ now: () => wall, boot: { now: () => up, id: 'boot-1' } })
    t.after(() => box.cleanup())
    const limit = createKioskOpLimit(() => box.outbox, { ops: 3, now: () => logClock })
    let i = 0
    /** What ops.submit does: a place, the op queued, the place given back. */
    const submitted = async (): Promise<boolean> => {
      const place = limit.take()
      if (!place) return false
      try {
        assert.ok((await box.outbox.enqueue('appeal', payloadOf('appeal', i), { summary: maskedSummary(candidate(i++)) })).ok)
      } finally {
        place()
      }
      return true
    }
    const later = (ms: number) => {
      wall += ms
      up += ms
      logClock += ms
    }
    // Three ops 20 minutes apart, then a try every minute for most of an hour: refused at each, but
    // each time the oldest op leaves the window, one goes through (at 60, 80 and 100 minutes).
    for (let n = 0; n < 3; n++) {
      assert.ok(await submitted())
      later(n < 2 ? 20 * minute : minute)
    }
    while (logClock <= 100 * minute) {
      if (!(await submitted())) later(minute)
    }
    const lines = () => warned.mock.calls.filter((call) => String(call.arguments[0]).includes('ops.perKiosk')).length
    assert.equal(i, 6)
    assert.equal(lines(), 1)
    later(60 * minute)
    for (let n = 0; n < 5; n++) await submitted()
    assert.equal(lines(), 2)
  })
})
