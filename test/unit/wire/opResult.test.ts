import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { opStatusResponse, opsResponse } from '../../../src-common/wire'

// The kiosk stores an applied op's result as it comes: only ids and flags may come through.
describe('an applied op result from the central API', () => {
  test('keeps the ids and flags the kiosk knows', () => {
    const answer = opStatusResponse.parse({ id: 'op-1', status: 'applied', result: { appealId: 'ap-1', decision: 'accepted' } })
    assert.deepEqual(answer, { id: 'op-1', status: 'applied', result: { appealId: 'ap-1', decision: 'accepted' } })
  })

  test('drops anything else a server sends, personal data included, before it can be stored', () => {
    const answer = opsResponse.parse({
      results: [{ id: 'op-1', status: 'applied', result: { accountId: 'A1', emailPending: true, email: 'wang@example.com', idNumber: '11010519491231002X' } }],
    })
    assert.deepEqual(answer.results[0], { id: 'op-1', status: 'applied', result: { accountId: 'A1', emailPending: true } })
  })

  test('refuses an id longer than any the server issues', () => {
    assert.equal(opStatusResponse.safeParse({ id: 'op-1', status: 'applied', result: { accountId: 'x'.repeat(65) } }).success, false)
  })
})
