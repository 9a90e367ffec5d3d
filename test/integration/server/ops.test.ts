import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { candidate, register, residentId, startTestServer, TestKiosk, type TestServer } from './kiosk'

describe('POST /v1/ops: registration', () => {
  let t: TestServer
  let kiosk: TestKiosk
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t.server)
  })
  after(() => t.stop())

  test('a registration with the SMS code the candidate received is applied and returns the account id', async () => {
    const result = await register(kiosk)
    assert.equal(result.status, 'applied', JSON.stringify(result))
    assert.match(result.result.accountId, /^[0-9a-f-]{36}$/)
  })
})
