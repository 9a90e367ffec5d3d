import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseRetryAfter } from '../../../sync/centralClient'

test('Retry-After: seconds as given; a date read against the answer’s own time, not the kiosk’s clock', () => {
  const answeredAt = Date.parse('Sun, 29 Nov 2026 12:00:00 GMT')
  assert.equal(parseRetryAfter('120', answeredAt), 120)
  assert.equal(parseRetryAfter('Sun, 29 Nov 2026 12:02:00 GMT', answeredAt), 120)
  // A date already past, or nonsense: no wait from it.
  assert.equal(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', answeredAt), 0)
  assert.equal(parseRetryAfter('soon', answeredAt), undefined)
  assert.equal(parseRetryAfter(undefined, answeredAt), undefined)
})
