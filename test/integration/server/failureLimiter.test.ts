import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { addressKey, createFailureLimiter } from '../../../server/failureLimiter'

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

  test('at most maxKeys addresses are held: past that, new ones share one window and wait together', () => {
    const limiter = createFailureLimiter(2, 10 * minute, 3)
    for (const address of ['a', 'b', 'c']) limiter.failed(address, 0)
    for (let i = 0; i < 100; i++) limiter.failed(`new-${i}`, 0)
    assert.equal(limiter.size, 4, 'three addresses and the shared window')
    assert.ok(limiter.retryAfter('new-1000', 0) > 0, 'a new address waits with the flood')
    assert.equal(limiter.retryAfter('a', 0), 0, 'an address already held keeps its own count')
    assert.equal(limiter.retryAfter('new-1000', 10 * minute), 0, 'until the window ends')
  })

  test('an IPv6 client is one /64; an IPv4 one, mapped or not, is its address', () => {
    assert.equal(addressKey('2001:DB8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
    assert.equal(addressKey('2001:db8:1:2::9'), '2001:db8:1:2::/64')
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(addressKey('::1'), '0:0:0:0::/64')
    assert.equal(addressKey('::ffff:10.0.0.1'), '10.0.0.1')
    assert.equal(addressKey('10.0.0.1'), '10.0.0.1')
  })
})
