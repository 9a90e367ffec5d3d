import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CandidateSessionHolder } from '../../src-main/services/candidateSession'

describe("main's hold on the candidate's log-in", () => {
  test('it lasts what the server gave it by a clock nobody sets: NTP moving the wall clock mid-visit ends nothing', () => {
    let wall = Date.parse('2026-11-29T08:00:00Z')
    let steady = 1_000
    const holder = new CandidateSessionHolder(() => wall, () => steady)
    holder.begin({ sessionToken: 't', loginId: 'l1', attempt: 1, idNumber: '11010519491231002X', expiresInMs: 30 * 60_000 })
    // A kiosk 8 hours slow is put right while the candidate is at it.
    wall += 8 * 3_600_000
    steady += 29 * 60_000
    assert.equal(holder.current?.sessionToken, 't')
    steady += 60_000
    assert.equal(holder.current, null)
  })

  test('an expiry it cannot read is taken as already past: the token is not held until a wipe', () => {
    for (const expiresInMs of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1]) {
      const holder = new CandidateSessionHolder()
      holder.begin({ sessionToken: 't', loginId: 'l1', attempt: 1, idNumber: '11010519491231002X', expiresInMs })
      assert.equal(holder.current, null, String(expiresInMs))
    }
  })

  test('a wipe forgets it at once, and the visit changes', () => {
    const holder = new CandidateSessionHolder()
    holder.begin({ sessionToken: 't', loginId: 'l1', attempt: 1, idNumber: '11010519491231002X', expiresInMs: 30 * 60_000 })
    const visit = holder.visit
    holder.wipe()
    assert.equal(holder.current, null)
    assert.notEqual(holder.visit, visit)
  })
})
