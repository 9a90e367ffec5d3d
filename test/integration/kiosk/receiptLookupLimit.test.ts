import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { kioskErrorMessage } from '../../../src-common/rules'
import type { KioskError } from '../../../src-common/errors'
import { createKioskHandlers } from '../../../src-main/services/kioskHandlers'
import { createReceiptLookupLimit } from '../../../src-main/services/receiptLookupLimit'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// 查询办理进度 through the contract, as the renderer asks: receipt codes that find nothing are limited
// for the kiosk (10 in 10 minutes), so the screen cannot be used to try code after code.
let kiosk: DemoKiosk
/** The receipt of the op the first test registers on this kiosk. */
let ownReceipt = ''
const lookup = (receipt: string) => kiosk.call('ops.lookup', { receipt })

before(async () => {
  kiosk = await openDemoKiosk()
})
after(() => kiosk.close())

describe('查询办理进度 on a kiosk someone is trying codes on', () => {
  test('misses are limited for the kiosk; codes that find their op, and codes no receipt could be, are not counted', async () => {
    const mobile = '13912345670'
    valueOf(await kiosk.call('sms.send', { mobile, purpose: 'register' }))
    const smsCode = await kiosk.codeSentTo(mobile)
    const registered = valueOf<{ receipt: string }>(
      await kiosk.call('ops.submit', {
        kind: 'register',
        payload: {
          email: 'li.lei@example.com',
          mobile,
          password: 'Kiosk#2026pass',
          idType: 'resident',
          idNumber: '11010519491231002X',
          name: '李雷',
          smsCode,
          agreed: true,
        },
      }),
    )
    ownReceipt = registered.receipt
    // A candidate following their own op, again and again.
    for (let i = 0; i < 12; i++)
      assert.equal(valueOf<{ receipt: string }>(await lookup(registered.receipt)).receipt, registered.receipt)
    // Too short, or with a letter no receipt has: nothing to look up, nothing asked of the server.
    for (let i = 0; i < 12; i++)
      assert.deepEqual(await lookup(i % 2 ? 'ABC' : 'UUUUUUUU'), {
        ok: false,
        error: { code: 'OP_NOT_FOUND' },
      })

    const guesses = Array.from({ length: 10 }, (_, i) => `ZZZZZZ${String(i).padStart(2, '0')}`)
    for (const guess of guesses) {
      assert.deepEqual(await lookup(guess), { ok: false, error: { code: 'OP_NOT_FOUND' } })
      // The same code asked about again (the screen seemed slow) is not another guess.
      if (guess === guesses[0])
        assert.deepEqual(await lookup(guess.toLowerCase()), { ok: false, error: { code: 'OP_NOT_FOUND' } })
    }

    const limited = await lookup('ZZZZZZZY')
    assert.equal(limited.ok, false)
    const error = (limited as { error: KioskError }).error
    assert.equal(error.code, 'RATE_LIMITED')
    assert.equal(error.rule, 'receipt.lookups')
    assert.ok(
      error.retryAfter !== undefined && error.retryAfter > 590 && error.retryAfter <= 600,
      String(error.retryAfter),
    )
    assert.equal(
      kioskErrorMessage(error, 'zh-CN'),
      '回执编号查询失败次数过多，查询已暂时锁定约 10 分钟，请稍后再试或联系考点工作人员',
    )
    assert.equal(
      kioskErrorMessage(error, 'en'),
      'Too many receipt codes were not found: look-ups are locked for about 10 minutes. Try later or ask the exam-centre staff.',
    )

    // The next candidate, with the receipt they just got here, can still follow it: this kiosk's own
    // ops are answered before the limit (and their codes never reach the central API).
    assert.equal(valueOf<{ receipt: string }>(await lookup(registered.receipt)).receipt, registered.receipt)
    // The limit is the kiosk's: ending the visit (which the screen may ask for at any time) keeps it.
    valueOf(await kiosk.call('app.wipe'))
    const afterWipe = await lookup('ZZZZZZZX')
    assert.equal(!afterWipe.ok && afterWipe.error.code, 'RATE_LIMITED')
    // Its message sends candidates to the staff, who lift it by entering supervisor mode; a wrong PIN
    // lifts nothing.
    valueOf(
      await kiosk.call('setup.complete', {
        kioskName: '一号机',
        examCentre: '演示考点',
        centralUrl: null,
        pin: '135790',
      }),
    )
    const wrongPin = await kiosk.call('supervisor.enter', {
      pin: '000000',
      staffId: 'T01',
      staffName: '张老师',
    })
    assert.equal(!wrongPin.ok && wrongPin.error.code, 'BAD_PIN')
    const stillLocked = await lookup('ZZZZZZZX')
    assert.equal(!stillLocked.ok && stillLocked.error.code, 'RATE_LIMITED')
    valueOf(await kiosk.call('supervisor.enter', { pin: '135790', staffId: 'T01', staffName: '张老师' }))
    valueOf(await kiosk.call('supervisor.leave'))
    assert.deepEqual(await lookup('ZZZZZZZX'), { ok: false, error: { code: 'OP_NOT_FOUND' } })
  })

  test('while it holds, an older op of this kiosk is not answered either; no answer from the central API is not a miss', async () => {
    // Every op counts as older than the window in which a just-served candidate may still follow theirs.
    const handlers = createKioskHandlers(kiosk.services, {
      receiptLookups: createReceiptLookupLimit(),
      recentReceiptMs: 0,
    })
    const find = (receipt: string) => handlers.ops.lookup({ receipt })
    assert.ok(ownReceipt)
    // Unlocked, this kiosk's op is answered as often as asked, and not counted.
    for (let i = 0; i < 12; i++)
      assert.equal(valueOf<{ receipt: string }>(await find(ownReceipt)).receipt, ownReceipt)
    // With the central API away, no answer says nothing of a code: not counted.
    await kiosk.services.central?.demoServer?.stop()
    try {
      for (const code of Array.from({ length: 10 }, (_, i) => `YYYYYY${String(i).padStart(2, '0')}`)) {
        const answer = await find(code)
        assert.equal(!answer.ok && answer.error.code, 'NETWORK_UNAVAILABLE')
      }
    } finally {
      await kiosk.services.central?.demoServer?.start()
    }
    // Ten that the central API itself finds nothing for are.
    for (const code of Array.from({ length: 10 }, (_, i) => `XXXXXX${String(i).padStart(2, '0')}`)) {
      assert.deepEqual(await find(code), { ok: false, error: { code: 'OP_NOT_FOUND' } })
    }
    // Locked: an op of this kiosk that is not recent gets the same answer as any other code.
    const own = await find(ownReceipt)
    assert.equal(!own.ok && own.error.code, 'RATE_LIMITED')
  })
})
