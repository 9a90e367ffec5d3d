import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { candidate, register, registerFresh, startTestServer, TestKiosk, type TestServer } from './kiosk'

/**
 * An on-site reset proves only that staff saw a document, so each kiosk may try a few an hour:
 * a kiosk credential in the wrong hands cannot reset account after account, nor try name after
 * name for an ID number.
 */
describe('on-site resets per kiosk and hour', () => {
  let t: TestServer
  let hallA: TestKiosk
  let hallB: TestKiosk
  const reset = (kiosk: TestKiosk, name: string, newPassword = 'Mno321&*q8') =>
    kiosk.apply('resetPassword', {
      method: 'attested',
      idType: candidate.idType,
      idNumber: candidate.idNumber,
      name,
      newPassword,
      attestation: { staffId: 'S001', staffName: '考点老师', checkedAt: new Date(t.now()).toISOString() },
    })

  before(async () => {
    t = await startTestServer({ limits: { attestedResetsPerKioskPerHour: 3 } })
    hallA = await TestKiosk.enrol(t, 'Hall A')
    hallB = await TestKiosk.enrol(t, 'Hall B')
    for (const kiosk of [hallA, hallB]) kiosk.clock = t.now
    assert.equal((await register(hallA)).status, 'applied')
  })
  after(() => t.stop())

  test('a mismatch counts; past the limit even the right identity waits, with the time to wait', async () => {
    assert.deepEqual((await reset(hallA, '王小红')).error, { code: 'ACCOUNT_NOT_FOUND' })
    assert.deepEqual((await reset(hallA, '王小兰')).error, { code: 'ACCOUNT_NOT_FOUND' })
    assert.equal((await reset(hallA, candidate.name)).status, 'applied')
    const refused = await reset(hallA, candidate.name, 'Pqr987%#z2')
    assert.equal(refused.status, 'rejected', JSON.stringify(refused))
    assert.equal(refused.error.code, 'RATE_LIMITED')
    assert.equal(refused.error.rule, 'attestedReset.perHour', 'told apart from a busy server: it is final')
    assert.ok(refused.error.retryAfter > 3500 && refused.error.retryAfter <= 3600, `retryAfter ${refused.error.retryAfter}`)
  })

  test('another kiosk has its own hour', async () => {
    assert.equal((await reset(hallB, candidate.name, 'Stu246%^v3')).status, 'applied')
  })

  test('refused tries do not count: once the hour of the counted ones has passed, the kiosk may try again', async () => {
    // Half an hour on, three more tries, all refused. Counted, they would fill the next hour too.
    t.advance(30 * 60 * 1000)
    for (let i = 0; i < 3; i++) assert.equal((await reset(hallA, '王小红')).error.code, 'RATE_LIMITED')
    t.advance(30 * 60 * 1000 + 1000)
    assert.equal((await reset(hallA, candidate.name, 'Vwx135@!m4')).status, 'applied')
  })
})

describe('a burst of on-site resets in one batch', () => {
  let t: TestServer
  let kiosk: TestKiosk
  before(async () => {
    t = await startTestServer({ limits: { attestedResetsPerKioskPerHour: 3 } })
    kiosk = await TestKiosk.enrol(t)
  })
  after(() => t.stop())

  test('is applied up to the limit and refused past it, though its ops run side by side', async () => {
    const holders = []
    for (let i = 0; i < 5; i++) holders.push(await registerFresh(kiosk))
    const ops = await Promise.all(
      holders.map((h) =>
        kiosk.op('resetPassword', {
          method: 'attested',
          idType: h.idType,
          idNumber: h.idNumber,
          name: h.name,
          newPassword: 'Mno321&*q8',
          attestation: { staffId: 'S001', staffName: '考点老师', checkedAt: new Date(t.now()).toISOString() },
        }),
      ),
    )
    const answer = await kiosk.push(ops)
    assert.equal(answer.status, 200)
    const outcomes = answer.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status)
    assert.deepEqual([...outcomes].sort(), ['RATE_LIMITED', 'RATE_LIMITED', 'applied', 'applied', 'applied'])
  })
})
