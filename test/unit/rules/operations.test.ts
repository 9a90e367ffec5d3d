import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  operationKinds,
  operations,
  parseOperation,
  splitPayload,
  type OperationKind,
} from '../../../src-common/operations'
import { fields } from '../../../src-common/fields'

const token = 'sess_0123456789abcdef'
const attestation = { staffId: 'T001', staffName: '李老师', checkedAt: '2025-06-01T09:00:00.000Z' }
const candidate = {
  email: 'Zhang.Wei@QQ.COM',
  mobile: '+86 138 0013 8000',
  idType: 'resident',
  idNumber: '11010519491231002x',
  name: ' 张伟 ',
}

const samples: Record<OperationKind, Record<string, unknown>> = {
  register: { ...candidate, password: 'Kx9#mq2Lp_', smsCode: '123456', agreed: true },
  resetPassword: { method: 'sms', mobile: '13800138000', smsCode: '123456', newPassword: 'Kx9#mq2Lp_' },
  updateProfile: {
    sessionToken: token,
    email: 'a@qq.com',
    idType: 'passport',
    idNumber: 'e12345678',
    name: 'John Smith',
    smsCode: '654321',
  },
  changeMobile: { sessionToken: token, newMobile: '13900139000', smsCode: '123456' },
  changePassword: { sessionToken: token, oldPassword: 'old-Passw0rd', newPassword: 'Kx9#mq2Lp_' },
  verifyMobile: { sessionToken: token, mobile: '13800138000', smsCode: '123456' },
  verifyEmail: { sessionToken: token, email: 'a@qq.com', emailCode: 'AB12CD' },
  appeal: {
    ...candidate,
    occupied: 'mobile',
    statement: '我的手机号被他人注册，本人从未注册过该账号。',
    attestation,
  },
}

describe('operation payloads', () => {
  for (const kind of operationKinds) {
    test(`a well-formed ${kind} is accepted`, async () => {
      const result = await parseOperation(kind, samples[kind])
      assert.equal(result.ok, true, JSON.stringify(result))
    })
  }

  test('register stores every identifier normalised', async () => {
    const result = await parseOperation('register', samples.register)
    assert.ok(result.ok)
    assert.equal(result.value.mobile, '13800138000')
    assert.equal(result.value.idNumber, '11010519491231002X')
    assert.equal(result.value.email, 'Zhang.Wei@qq.com')
    assert.equal(result.value.name, '张伟')
  })

  test('a resident ID number with a wrong check digit is refused, naming the field and the rule', async () => {
    const result = await parseOperation('register', { ...samples.register, idNumber: '110105194912310021' })
    assert.deepEqual(result, {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'idNumber', rule: 'idNumber.checkDigit' },
    })
  })

  test('the ID number and the name follow the chosen document type', async () => {
    const passportWithChineseName = await parseOperation('register', {
      ...samples.register,
      idType: 'passport',
      idNumber: 'E12345678',
    })
    assert.deepEqual(passportWithChineseName, {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'name', rule: 'name.latinChar' },
    })
    const appeal = await parseOperation('appeal', { ...samples.appeal, idType: 'hkMacauPermit' })
    assert.deepEqual(appeal, {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'idNumber', rule: 'idNumber.hkMacauPermitFormat' },
    })
  })

  test('修改资料 sends only what changes; what it sends still follows the document type', async () => {
    const onlyName = await parseOperation('updateProfile', { sessionToken: token, idType: 'resident', name: ' 王晓明 ', smsCode: '654321' })
    assert.ok(onlyName.ok)
    assert.deepEqual(onlyName.value, { sessionToken: token, idType: 'resident', name: '王晓明', smsCode: '654321' })
    const latinNameForResident = await parseOperation('updateProfile', { sessionToken: token, idType: 'resident', name: 'John Smith', smsCode: '654321' })
    assert.deepEqual(latinNameForResident, { ok: false, error: { code: 'INVALID_FIELD', field: 'name', rule: 'name.chineseChar' } })
    const blankIsNotLeftOut = await parseOperation('updateProfile', { sessionToken: token, idType: 'resident', email: '', smsCode: '654321' })
    assert.equal(blankIsNotLeftOut.ok ? null : blankIsNotLeftOut.error.field, 'email')
  })

  test('a password built from the candidate’s own mobile is refused as weak', async () => {
    const result = await parseOperation('register', { ...samples.register, password: 'Wang_13800138000' })
    assert.deepEqual(result, {
      ok: false,
      error: { code: 'WEAK_PASSWORD', field: 'password', rule: 'password.personal' },
    })
  })

  test('a common password is refused as weak on every operation that sets one', async () => {
    const reset = await parseOperation('resetPassword', { ...samples.resetPassword, newPassword: 'P@ssw0rd' })
    assert.deepEqual(reset, {
      ok: false,
      error: { code: 'WEAK_PASSWORD', field: 'newPassword', rule: 'password.common' },
    })
    const attested = await parseOperation('resetPassword', {
      method: 'attested',
      idType: 'resident',
      idNumber: '11010519491231002X',
      name: '张伟',
      newPassword: 'Ab!19491231',
      attestation,
    })
    assert.deepEqual(attested, {
      ok: false,
      error: { code: 'WEAK_PASSWORD', field: 'newPassword', rule: 'password.personal' },
    })
  })

  test('changing the password to the same one is refused', async () => {
    const result = await parseOperation('changePassword', {
      ...samples.changePassword,
      oldPassword: 'Kx9#mq2Lp_',
    })
    assert.deepEqual(result, {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'newPassword', rule: 'password.sameAsOld' },
    })
  })

  test('a missing field names the rule to fill it in; an unknown key is a bad request', async () => {
    const { mobile: _mobile, ...withoutMobile } = samples.register
    assert.deepEqual(await parseOperation('register', withoutMobile), {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'mobile', rule: 'mobile.required' },
    })
    assert.deepEqual(await parseOperation('verifyMobile', { ...samples.verifyMobile, admin: true }), {
      ok: false,
      error: { code: 'BAD_REQUEST', field: 'admin' },
    })
  })

  test('an appeal needs a real statement, and registering needs the agreement ticked', async () => {
    assert.deepEqual(await parseOperation('appeal', { ...samples.appeal, statement: '  被占用  ' }), {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'statement', rule: 'statement.length' },
    })
    assert.deepEqual(await parseOperation('register', { ...samples.register, agreed: false }), {
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'agreed', rule: 'agreed.required' },
    })
  })

  test('an old password that predates today’s policy can still be proved', async () => {
    const result = await parseOperation('changePassword', {
      ...samples.changePassword,
      oldPassword: '123456',
    })
    assert.equal(result.ok, true)
  })

  test('every personal and secret field of a parsed payload is sealed; nothing else is', async () => {
    const result = await parseOperation('register', samples.register)
    assert.ok(result.ok)
    const { sealed, clear } = splitPayload('register', result.value)
    assert.deepEqual(Object.keys(sealed).sort(), [
      'email',
      'idNumber',
      'mobile',
      'name',
      'password',
      'smsCode',
    ])
    assert.deepEqual(clear, { idType: 'resident', agreed: true })
  })

  test('the field schemas accept alone what the forms accept', () => {
    assert.equal(fields.idNumber.parse(' h12345678 '), 'H12345678')
    assert.equal(fields.mobile.parse('８６１３８００１３８０００'), '13800138000')
    assert.equal(fields.password.safeParse('abcd1234').error?.issues[0]?.message, 'password.special')
    assert.equal(operations.register.schema.safeParse({}).success, false)
  })
})
