import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiPaths } from '../../../src-common/wire'
import { appealPayload, call, candidate, register, residentId, smsCode, startTestServer, TestKiosk, type TestServer } from './kiosk'

const other = {
  idNumber: residentId('11010519900101123'),
  mobile: '13900139000',
  email: 'li@example.com',
  name: '李四',
}

describe('POST /v1/ops', () => {
  let t: TestServer
  let kiosk: TestKiosk
  let hallB: TestKiosk
  // The candidate the later tests find registered: set up here, so that each test also runs alone.
  let registered: Awaited<ReturnType<typeof register>>
  before(async () => {
    t = await startTestServer()
    kiosk = await TestKiosk.enrol(t)
    hallB = await TestKiosk.enrol(t, 'Hall B')
    registered = await register(kiosk)
  })
  after(() => t.stop())

  test('a registration with the SMS code the candidate received is applied and returns the account id', async () => {
    assert.equal(registered.status, 'applied', JSON.stringify(registered))
    assert.match(registered.result.accountId, /^[0-9a-f-]{36}$/)
  })

  test('a second registration with a taken ID number, mobile or email is told which one is occupied', async () => {
    t.advance(61_000)
    const idTaken = await register(kiosk, { ...other, idNumber: candidate.idNumber })
    assert.deepEqual(idTaken.error, { code: 'ID_OCCUPIED' })
    t.advance(61_000)
    const mobileTaken = await register(kiosk, { ...other, mobile: candidate.mobile })
    assert.deepEqual(mobileTaken.error, { code: 'MOBILE_OCCUPIED' })
    t.advance(61_000)
    const emailTaken = await register(kiosk, { ...other, email: candidate.email })
    assert.deepEqual(emailTaken.error, { code: 'EMAIL_OCCUPIED' })
  })

  test('each occupied answer spends a try of the SMS code: one code cannot test ID numbers without end', async () => {
    // Someone with their own mobile and one code, trying ID numbers to learn which have accounts.
    t.advance(61_000)
    const prober = { mobile: '13600136000', email: 'probe@example.com', name: '李四', password: candidate.password, idType: 'resident', agreed: true }
    const code = await smsCode(kiosk, prober.mobile, 'register')
    const answers: string[] = []
    for (let i = 0; i < 6; i++) {
      const idNumber = i === 1 ? candidate.idNumber : residentId(`1101051990010${2000 + i}`)
      // The registered candidate's email makes every try an occupied answer, whatever the ID number.
      const answer = await kiosk.apply('register', { ...prober, email: candidate.email, idNumber, smsCode: code })
      answers.push(answer.error.code)
    }
    // Five answers (as many as wrong codes may be typed), then the code is spent.
    assert.deepEqual(answers, ['EMAIL_OCCUPIED', 'ID_OCCUPIED', 'EMAIL_OCCUPIED', 'EMAIL_OCCUPIED', 'EMAIL_OCCUPIED', 'SMS_CODE_EXPIRED'])
  })

  test('a candidate who typed a taken email keeps the code for the corrected one', async () => {
    t.advance(61_000)
    const person = { idNumber: residentId('11010519900101345'), mobile: '13400134000', name: '钱七', password: candidate.password, idType: 'resident', agreed: true }
    const code = await smsCode(kiosk, person.mobile, 'register')
    const typo = await kiosk.apply('register', { ...person, email: candidate.email, smsCode: code })
    assert.deepEqual(typo.error, { code: 'EMAIL_OCCUPIED' })
    const fixed = await kiosk.apply('register', { ...person, email: 'qian@example.com', smsCode: code })
    assert.equal(fixed.status, 'applied', JSON.stringify(fixed))
  })

  test('a resent op gets the stored answer and is not applied again, even when both copies arrive at once', async () => {
    const person = { idNumber: residentId('11010519900101234'), mobile: '13700137000', email: 'zhao@example.com', name: '赵六' }
    const code = await smsCode(kiosk, person.mobile, 'register')
    const op = await kiosk.op('register', { ...person, password: candidate.password, idType: 'resident', smsCode: code, agreed: true })
    const [first, second] = await Promise.all([kiosk.push([op]), kiosk.push([op])])
    assert.equal(first.body.results[0].status, 'applied')
    assert.deepEqual(second.body.results[0], first.body.results[0])
    const later = await kiosk.push([op])
    assert.deepEqual(later.body.results[0], first.body.results[0])
    const status = await kiosk.signed('GET', `/v1/ops/${op.id}`)
    assert.deepEqual(status.body, first.body.results[0])
  })

  test('an op id reused for another op (another kind or receipt) is refused, not answered with the first op\'s result', async () => {
    const appeal = await kiosk.op('appeal', appealPayload())
    const first = (await kiosk.push([appeal])).body.results[0]
    assert.equal(first.status, 'pending', JSON.stringify(first))
    const otherKind = await kiosk.op('changePassword', { sessionToken: 'x'.repeat(43), oldPassword: 'Kx9#mq2Lp_', newPassword: 'Qwe987!@z1' }, { id: appeal.id })
    const otherReceipt = { ...appeal, receipt: appeal.receipt === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA' }
    for (const reused of [otherKind, otherReceipt]) {
      assert.deepEqual((await kiosk.push([reused])).body.results[0], { id: appeal.id, status: 'rejected', error: { code: 'BAD_REQUEST', field: 'id' } })
    }
    // Both at once, in one batch: the second copy is refused while the first runs.
    const fresh = await kiosk.op('appeal', appealPayload())
    const [ran, refused] = (await kiosk.push([fresh, { ...fresh, receipt: fresh.receipt === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA' }])).body.results
    assert.equal(ran.status, 'pending')
    assert.deepEqual(refused.error, { code: 'BAD_REQUEST', field: 'id' })
    assert.deepEqual((await kiosk.push([appeal])).body.results[0], first, 'the op itself still gets its answer')
  })

  test('two kiosks registering the same ID number at the same time: one is applied, the other gets ID_OCCUPIED', async () => {
    const idNumber = residentId('44030419851111222')
    const a = { idNumber, mobile: '13600136001', email: 'a@example.com', name: '张甲' }
    const b = { idNumber, mobile: '13600136002', email: 'b@example.com', name: '张乙' }
    const [codeA, codeB] = [await smsCode(kiosk, a.mobile, 'register'), await smsCode(hallB, b.mobile, 'register')]
    const base = { password: candidate.password, idType: 'resident', agreed: true }
    const [opA, opB] = [
      await kiosk.op('register', { ...a, ...base, smsCode: codeA }),
      await hallB.op('register', { ...b, ...base, smsCode: codeB }),
    ]
    const [ra, rb] = await Promise.all([kiosk.push([opA]), hallB.push([opB])])
    assert.equal(ra.status, 200, JSON.stringify(ra.body))
    const statuses = [ra.body.results[0], rb.body.results[0]].map((r) => r.status).sort()
    assert.deepEqual(statuses, ['applied', 'rejected'])
    const loser = [ra.body.results[0], rb.body.results[0]].find((r) => r.status === 'rejected')
    assert.deepEqual(loser.error, { code: 'ID_OCCUPIED' })
  })

  test('a wrong SMS code is BAD_SMS_CODE, no proof at all is VERIFICATION_REQUIRED, a verified token works', async () => {
    t.advance(61_000)
    const person = { ...other, password: candidate.password, idType: 'resident', agreed: true }
    await smsCode(kiosk, person.mobile, 'register')
    const wrong = await kiosk.apply('register', { ...person, smsCode: '999999' })
    assert.equal(wrong.error.code, 'BAD_SMS_CODE')
    const none = await kiosk.apply('register', person)
    assert.equal(none.error.code, 'VERIFICATION_REQUIRED')
    const mobile = '13500135000'
    const code = await smsCode(kiosk, mobile, 'register')
    const verified = await kiosk.interactive('smsVerify', { mobile, purpose: 'register', code })
    assert.equal(verified.status, 200)
    const withToken = await kiosk.apply('register', { ...person, mobile, verificationToken: verified.body.verificationToken })
    assert.equal(withToken.status, 'applied', JSON.stringify(withToken))
    const tokenAgain = await kiosk.apply('register', {
      ...person,
      idNumber: residentId('11010519900101999'),
      email: 'again@example.com',
      mobile,
      verificationToken: verified.body.verificationToken,
    })
    assert.equal(tokenAgain.error.code, 'SMS_CODE_EXPIRED', 'a token is single use')
  })

  test('a box that does not open or a payload that fails validation rejects that op only', async () => {
    const good = await kiosk.op('appeal', appealPayload())
    const tampered = await kiosk.op('appeal', appealPayload())
    tampered.sealed = { ...tampered.sealed, ct: tampered.sealed.ct.slice(0, -4) + 'AAAA' }
    const movedBox = await kiosk.op('appeal', appealPayload())
    const otherId = await kiosk.op('appeal', appealPayload())
    movedBox.sealed = otherId.sealed // sealed for another op id: the AAD does not match
    const invalid = await kiosk.op('appeal', { ...appealPayload(), mobile: '12345' })
    const answer = await kiosk.push([good, tampered, movedBox, invalid])
    assert.equal(answer.status, 200)
    const [r1, r2, r3, r4] = answer.body.results
    assert.equal(r1.status, 'pending')
    assert.deepEqual(r2.error, { code: 'BAD_REQUEST', field: 'sealed' })
    assert.deepEqual(r3.error, { code: 'BAD_REQUEST', field: 'sealed' })
    assert.equal(r4.error.code, 'INVALID_FIELD')
    assert.equal(r4.error.field, 'mobile')
  })

  test('personal data sent in clear, stale ops and ops from the future are refused per op', async () => {
    const leaky = await kiosk.op('appeal', appealPayload())
    leaky.clear = { ...leaky.clear, name: '张三' }
    const old = await kiosk.op('appeal', appealPayload(), { createdAt: new Date(t.now() - 73 * 3600_000).toISOString() })
    const future = await kiosk.op('appeal', appealPayload(), { createdAt: new Date(t.now() + 3600_000).toISOString() })
    const wrongKey = await kiosk.op('appeal', appealPayload(), { keyId: 'someone-else' })
    const answer = await kiosk.push([leaky, old, future, wrongKey])
    const errors = answer.body.results.map((r: { error: unknown }) => r.error)
    assert.deepEqual(errors, [
      { code: 'BAD_REQUEST', field: 'name' },
      { code: 'OP_EXPIRED' },
      { code: 'BAD_REQUEST', field: 'createdAt' },
      { code: 'BAD_REQUEST', field: 'keyId' },
    ])
  })

  test('malformed batches are 400 BAD_REQUEST: unknown fields, wrong types, empty, not JSON; oversize is 413', async () => {
    const op = await kiosk.op('appeal', appealPayload())
    const unknownField = await kiosk.signed('POST', apiPaths.ops, { ops: [op], extra: 1 })
    assert.equal(unknownField.status, 400)
    assert.equal(unknownField.body.error.code, 'BAD_REQUEST')
    const unknownOpField = await kiosk.signed('POST', apiPaths.ops, { ops: [{ ...op, priority: 1 }] })
    assert.equal(unknownOpField.status, 400)
    const wrongType = await kiosk.signed('POST', apiPaths.ops, { ops: [{ ...op, createdAt: 12 }] })
    assert.equal(wrongType.status, 400)
    assert.equal(wrongType.body.error.code, 'BAD_REQUEST')
    const empty = await kiosk.signed('POST', apiPaths.ops, { ops: [] })
    assert.equal(empty.status, 400)
    const notJson = await kiosk.signed('POST', apiPaths.ops, '{"ops": [')
    assert.deepEqual(notJson, { status: 400, body: { error: { code: 'BAD_REQUEST' } } })
    const huge = await kiosk.signed('POST', apiPaths.ops, { ops: [op], pad: 'x'.repeat(1_100_000) })
    assert.deepEqual(huge, { status: 413, body: { error: { code: 'BAD_REQUEST' } } })
    const status = await kiosk.signed('GET', `/v1/ops/${op.id}`)
    assert.deepEqual(status, { status: 404, body: { error: { code: 'OP_NOT_FOUND' } } }, 'none of these applied the op')
  })

  test('an op is found by its receipt code from any kiosk; an unknown one is OP_NOT_FOUND', async () => {
    const op = await kiosk.op('appeal', appealPayload())
    await kiosk.push([op])
    const found = await hallB.signed('GET', `/v1/receipts/${op.receipt}`)
    assert.equal(found.status, 200)
    assert.equal(found.body.kind, 'appeal')
    assert.equal(found.body.status, 'pending')
    const missing = await hallB.signed('GET', '/v1/receipts/ZZZZZZZZ')
    assert.deepEqual(missing, { status: 404, body: { error: { code: 'OP_NOT_FOUND' } } })
    const notMine = await hallB.signed('GET', `/v1/ops/${op.id}`)
    assert.equal(notMine.status, 404, "a kiosk polls only its own ops by id")
    const unsigned = await call(t.server.url, 'GET', `/v1/receipts/${op.receipt}`)
    assert.equal(unsigned.status, 401)
  })

  test('a receipt code two kiosks drew (8 characters, so it happens) finds each kiosk its own op first', async () => {
    const mine = await kiosk.op('appeal', appealPayload())
    await kiosk.push([mine])
    // Another kiosk's op with the same code, sent later (or by a kiosk that wants to shadow it).
    const theirs = await hallB.op('changePassword', { sessionToken: 'x'.repeat(43), oldPassword: 'Kx9#mq2Lp_', newPassword: 'Qwe987!@z1' }, { receipt: mine.receipt })
    await hallB.push([theirs])
    assert.equal((await kiosk.signed('GET', `/v1/receipts/${mine.receipt}`)).body.kind, 'appeal')
    assert.equal((await hallB.signed('GET', `/v1/receipts/${mine.receipt}`)).body.kind, 'changePassword')
    // Named by its id, an op is found from any kiosk (one enrolled again follows its own so), and no other.
    assert.equal((await hallB.signed('GET', `/v1/receipts/${mine.receipt}?op=${mine.id}`)).body.kind, 'appeal')
    assert.equal((await kiosk.signed('GET', `/v1/receipts/${mine.receipt}?op=${theirs.id}`)).body.kind, 'changePassword')
    const otherId = await kiosk.op('appeal', appealPayload())
    assert.equal((await kiosk.signed('GET', `/v1/receipts/${mine.receipt}?op=${otherId.id}`)).status, 404)
    assert.equal((await kiosk.signed('GET', `/v1/receipts/${mine.receipt}?op=not-an-id`)).status, 400)
  })
})
