import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createReceiptLookupLimit } from '../../src-main/services/receiptLookupLimit'

describe("查询办理进度's limit on receipt codes that find nothing", () => {
  test('after 10 misses in 10 minutes it waits until the oldest leaves the window, then lets one more through', () => {
    let clock = 0
    const limit = createReceiptLookupLimit({ now: () => clock })
    for (let i = 0; i < 10; i++) {
      assert.ok('forgive' in limit.take(`ZZZZZZ${i}0`), `look-up ${i + 1} may go`)
      clock += 1_000
    }
    assert.deepEqual(limit.take('ZZZZZZZZ'), { retryAfter: 590 })
    assert.deepEqual(limit.take('ZZZZZZ00'), { retryAfter: 590 }, 'while it lasts, every code waits')
    clock = 10 * 60_000 - 1
    assert.deepEqual(limit.take('ZZZZZZZZ'), { retryAfter: 1 })
    clock = 10 * 60_000
    assert.ok('forgive' in limit.take('ZZZZZZZZ'))
    assert.ok('retryAfter' in limit.take('ZZZZZZZY'), 'the second miss of the window is still within it')
  })

  test('asking again about a code that missed is not another guess', () => {
    const limit = createReceiptLookupLimit({ now: () => 0, misses: 2 })
    for (let i = 0; i < 5; i++) assert.ok('forgive' in limit.take('ZZZZZZZ1'))
    assert.ok('forgive' in limit.take('ZZZZZZZ2'))
    assert.ok('retryAfter' in limit.take('ZZZZZZZ3'))
  })

  test('a code that found its op is forgiven: a candidate following receipts is never held', () => {
    const limit = createReceiptLookupLimit({ now: () => 0, misses: 3 })
    for (let i = 0; i < 50; i++) {
      const ticket = limit.take(`ZZZZZ${String(i).padStart(3, '0')}`)
      assert.ok('forgive' in ticket)
      ticket.forgive()
      ticket.forgive()
    }
    assert.ok('forgive' in limit.take('ZZZZZZZZ'))
  })

  test('look-ups sent at once are counted as they start: they cannot all pass before the first misses', () => {
    const limit = createReceiptLookupLimit({ now: () => 0 })
    const tickets = Array.from({ length: 25 }, (_, i) => limit.take(`ZZZZZZ${String(i).padStart(2, '0')}`))
    assert.equal(tickets.filter((ticket) => 'forgive' in ticket).length, 10)
  })

  test('staff entering supervisor mode lift it', () => {
    const limit = createReceiptLookupLimit({ now: () => 0, misses: 2 })
    limit.take('ZZZZZZZ1')
    limit.take('ZZZZZZZ2')
    assert.ok('retryAfter' in limit.take('ZZZZZZZ3'))
    limit.lift()
    assert.ok('forgive' in limit.take('ZZZZZZZ3'))
  })
})
