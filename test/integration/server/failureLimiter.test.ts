import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createFailureLimiter } from '../../../server/failureLimiter'

describe('the enrolment failure limiter', () => {
  const minute = 60_000

  test('an address waits after the limit until its window ends, and counts afresh after', () => {
    const limiter = createFailureLimiter(3, 10 * minute)
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfter('10.0.0.1', 0), 0)
      limiter.failed('10.0.0.1', 0)
    }
    assert.equal(limiter.retryAfter('10.0.0.1', 4 * minute), 6 * 60, 'six minutes left in the window')
    assert.equal(limiter.retryAfter('10.0.0.2', 4 * minute), 0, 'another address is not held up')
    assert.equal(limiter.retryAfter('10.0.0.1', 10 * minute), 0)
    limiter.failed('10.0.0.1', 10 * minute)
    assert.equal(limiter.retryAfter('10.0.0.1', 10 * minute), 0, 'one failure of the new window is below the limit')
  })

  test('addresses whose window has passed are forgotten: a stream of new addresses does not pile up', () => {
    const limiter = createFailureLimiter(20, 10 * minute)
    for (let i = 0; i < 1000; i++) limiter.failed(`10.0.${i >> 8}.${i & 255}`, i * 1000)
    // At 999 s only the last 600 s of addresses are inside their window.
    assert.equal(limiter.size, 600)
    limiter.retryAfter('192.0.2.1', 2000 * 1000)
    assert.equal(limiter.size, 0)
  })
})
