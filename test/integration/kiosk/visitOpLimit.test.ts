import { describe, test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { kioskErrorMessage } from '../../../src-common/rules/fieldMessages'
import { opsPerVisit } from '../../../src-main/services/kioskHandlers'
import { payloadOf } from '../sync/fixtures'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// A screen gone wrong (or hostile) could queue valid-looking ops without end in one visit and fill
// the outbox. A visit queues at most opsPerVisit, far above what a candidate needs; staff's on-site
// services, behind the PIN, are not held to it.
let kiosk: DemoKiosk
const call = (channel: string, input?: unknown) => kiosk.call(channel, input)
const pin = '135790'
let next = 0
/** A candidate's 信息占用申诉 as the screen sends it (no attestation: that is staff's). */
function appeal(): Record<string, unknown> {
  const { attestation: _staff, ...payload } = payloadOf('appeal', 95_000 + next++)
  return payload
}
const submit = (payload = appeal()) => call('ops.submit', { kind: 'appeal', payload, waitMs: 0 })
const refused = { ok: false, error: { code: 'RATE_LIMITED', rule: 'ops.perVisit' } }

before(async () => {
  kiosk = await openDemoKiosk()
  valueOf(await call('setup.complete', { kioskName: '一号机', examCentre: '演示考点', centralUrl: null, pin }))
})
after(() => kiosk.close())
beforeEach(async () => valueOf(await call('app.wipe')))

describe('ops one visit may queue', () => {
  test('the one past the limit is refused in both languages, with nothing queued; the next visit starts again', async () => {
    const outbox = kiosk.services.outbox!
    const before = outbox.count()
    for (let i = 0; i < opsPerVisit; i++) valueOf(await submit())
    assert.deepEqual(await submit(), refused)
    assert.equal(outbox.count(), before + opsPerVisit)
    // What the screen shows for it (kioskErrorMessage): what happened, and whom to ask.
    const error = { code: 'RATE_LIMITED' as const, rule: 'ops.perVisit' }
    assert.match(kioskErrorMessage(error, 'zh-CN'), /本次办理.*已达上限.*联系考点工作人员/)
    assert.match(kioskErrorMessage(error, 'en'), /as many requests as one visit may.*exam-centre staff/)

    valueOf(await call('app.wipe'))
    valueOf(await submit())
    assert.equal(outbox.count(), before + opsPerVisit + 1)
  })

  test('sent all at once, no more than the limit get through', async () => {
    const answers = await Promise.all(Array.from({ length: opsPerVisit + 10 }, () => submit()))
    assert.equal(answers.filter((answer) => answer.ok).length, opsPerVisit)
    assert.equal(answers.filter((answer) => JSON.stringify(answer) === JSON.stringify(refused)).length, 10)
  })

  test('a submit refused before the outbox (a field to correct) does not count', async () => {
    for (let i = 0; i < opsPerVisit + 5; i++) {
      const answer = await submit({ ...appeal(), mobile: '12345' })
      assert.equal(answer.ok, false)
      assert.equal(!answer.ok && answer.error.code, 'INVALID_FIELD')
    }
    for (let i = 0; i < opsPerVisit; i++) valueOf(await submit())
    assert.deepEqual(await submit(), refused)
  })

  test("staff's on-site services are not held to it, and do not count against the visit after them", async () => {
    for (let i = 0; i < opsPerVisit; i++) valueOf(await submit())
    assert.deepEqual(await submit(), refused)
    // Staff come (the visit ends) and file appeal after appeal for a queue of candidates.
    valueOf(await call('supervisor.enter', { pin, staffId: 'T01', staffName: '王老师' }))
    for (let i = 0; i < opsPerVisit + 5; i++) valueOf(await call('supervisor.fileAppeal', { payload: appeal() }))
    valueOf(await call('supervisor.leave'))
    valueOf(await submit())
  })
})
