import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  fieldMessage,
  fieldMessages,
  kioskErrorMessage,
  opErrorMessage,
  receiptErrorMessage,
  ruleIds,
} from '../../../src-common/rules/fieldMessages'
import { errorMessages } from '../../../src-common/errors'
import { operations } from '../../../src-common/operations'
import { idTypeLabels, idTypes } from '../../../src-common/rules/idTypes'
import { checkedFields, checkField } from '../../../src-common/rules/checkField'

const fieldNames: Record<string, { 'zh-CN': RegExp; en: RegExp }> = {
  password: { 'zh-CN': /密码/, en: /password/i },
  passwordConfirm: { 'zh-CN': /密码/, en: /password/i },
  idType: { 'zh-CN': /证件类型/, en: /document type/i },
  idNumber: { 'zh-CN': /号码|证件/, en: /number/i },
  mobile: { 'zh-CN': /手机号/, en: /mobile/i },
  email: { 'zh-CN': /邮箱/, en: /email|address|domain|@/i },
  name: { 'zh-CN': /姓名/, en: /name/i },
  smsCode: { 'zh-CN': /短信验证码/, en: /SMS code/ },
  emailCode: { 'zh-CN': /邮箱验证码/, en: /email code/ },
  token: { 'zh-CN': /凭证/, en: /token/ },
  currentPassword: { 'zh-CN': /原密码/, en: /current password/ },
  identifier: { 'zh-CN': /手机号\/邮箱/, en: /mobile number.*email/ },
  statement: { 'zh-CN': /申诉说明/, en: /statement/ },
  occupied: { 'zh-CN': /占用/, en: /occupied/ },
  agreed: { 'zh-CN': /用户服务协议/, en: /Agreement/ },
  captcha: { 'zh-CN': /验证码/, en: /code in the picture/ },
}

describe('field messages', () => {
  test('every rule names its field in both languages', () => {
    for (const rule of ruleIds) {
      const field = rule.split('.')[0] ?? ''
      const names = fieldNames[field]
      assert.ok(names, `unknown field of ${rule}`)
      assert.match(fieldMessage(rule, 'zh-CN', { char: '$' }), names['zh-CN'], rule)
      assert.match(fieldMessage(rule, 'en', { char: '$' }), names.en, rule)
    }
  })

  test('a rule that names a character always gets one, and no placeholder is left in any message', () => {
    for (const rule of ruleIds) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const text = fieldMessage(rule, locale, { char: '$' })
        assert.doesNotMatch(text, /[{}]/, `${rule} ${locale}`)
        assert.equal(
          fieldMessages[rule][locale].includes('{char}'),
          rule.endsWith('char') || rule.endsWith('Char'),
          rule,
        )
      }
    }
  })

  test('an invisible character is shown by its code point', () => {
    const result = checkField('password', 'abcd1234!\u200b')
    assert.ok(!result.ok)
    assert.match(result.message['zh-CN'], /U\+200B/)
  })

  test('every checked field has a rule for an empty or invalid value', () => {
    for (const field of checkedFields) {
      const result = checkField(field, '', { password: 'x' })
      assert.equal(result.ok, false, field)
    }
  })

  test('a candidate reads what to do, not how the kiosk failed, for errors only staff can fix', () => {
    for (const code of ['CENTRAL_UNTRUSTED', 'UNAUTHORIZED', 'NOT_ENROLLED', 'BAD_REQUEST'] as const) {
      assert.match(errorMessages[code]['zh-CN'], /请联系考点工作人员/, code)
      assert.match(errorMessages[code].en, /ask the exam-centre staff/, code)
      assert.doesNotMatch(errorMessages[code]['zh-CN'], /证书|认证|凭证/, code)
    }
    assert.match(errorMessages.ACCOUNT_NOT_FOUND['zh-CN'], /请核对/)
  })

  test('every document type has a Chinese and an English label', () => {
    assert.equal(idTypeLabels.resident['zh-CN'], '中华人民共和国居民身份证')
    for (const idType of idTypes) {
      assert.ok(idTypeLabels[idType]['zh-CN'].length > 0)
      assert.ok(idTypeLabels[idType].en.length > 0)
    }
  })

  test('an error from main or the server shows the failed rule’s own message, else the code’s', () => {
    const field = { code: 'INVALID_FIELD', field: 'idNumber', rule: 'idNumber.checkDigit' } as const
    assert.match(kioskErrorMessage(field, 'zh-CN'), /校验码/)
    assert.equal(kioskErrorMessage({ code: 'MOBILE_OCCUPIED' }, 'en'), errorMessages.MOBILE_OCCUPIED.en)
    // A lock says how long it lasts when the server told it, in whole minutes.
    assert.equal(kioskErrorMessage({ code: 'ACCOUNT_LOCKED', retryAfter: 60 }, 'zh-CN'), '登录失败次数过多，账号已暂时锁定约 1 分钟，请稍后再试或重置密码')
    assert.equal(kioskErrorMessage({ code: 'ACCOUNT_LOCKED', retryAfter: 61 }, 'en'), 'Too many failed log-ins: the account is locked for about 2 minutes. Try later or reset the password.')
    // 修改密码's lock comes from wrong old passwords: the candidate never failed a log-in there.
    assert.equal(opErrorMessage('changePassword', { code: 'ACCOUNT_LOCKED', retryAfter: 900 }, 'zh-CN'), '密码错误次数过多，账号已暂时锁定约 15 分钟，请稍后再试或重置密码')
    assert.equal(opErrorMessage('changePassword', { code: 'ACCOUNT_LOCKED', retryAfter: 60 }, 'en'), 'Too many wrong passwords: the account is locked for about 1 minute. Try later or reset the password.')
    assert.equal(kioskErrorMessage({ code: 'ACCOUNT_LOCKED' }, 'zh-CN'), errorMessages.ACCOUNT_LOCKED['zh-CN'])
  })

  test('a code asked for again too soon says how long to wait, as the server told it', () => {
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 42 }, 'zh-CN'), '验证码发送过于频繁，请 42 秒后再试')
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 1 }, 'en'), 'Codes were sent too often. Please try again in 1 second.')
    // The ten-a-day limit: hours, not thousands of seconds.
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 5 * 3600 - 10 }, 'zh-CN'), '验证码发送过于频繁，请约 5 小时后再试')
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 600 }, 'en'), 'Codes were sent too often. Please try again in about 10 minutes.')
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED' }, 'zh-CN'), errorMessages.SMS_RATE_LIMITED['zh-CN'])
  })

  test('beside a 发送验证码 that counts the wait down, a wait in seconds points at the countdown; a longer one keeps its span', () => {
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 59 }, 'zh-CN', true), '验证码发送过于频繁，请待按钮上的倒计时结束后重新发送')
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 59 }, 'en', true), 'Codes were sent too often. Please ask for a new one when the countdown on the button ends.')
    assert.equal(kioskErrorMessage({ code: 'SMS_RATE_LIMITED', retryAfter: 5 * 3600 - 10 }, 'zh-CN', true), '验证码发送过于频繁，请约 5 小时后再试')
  })

  test('an appeal the centre did not uphold is told as such, not as "file an appeal"', () => {
    // The server refuses a decided appeal with the identifier's *_OCCUPIED code.
    for (const code of ['ID_OCCUPIED', 'MOBILE_OCCUPIED', 'EMAIL_OCCUPIED'] as const) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const told = opErrorMessage('appeal', { code }, locale)
        assert.notEqual(told, errorMessages[code][locale])
        assert.doesNotMatch(told, /请提交信息占用申诉|file an/)
      }
      // Any other kind keeps the code's own message, which points to an appeal.
      assert.equal(opErrorMessage('register', { code }, 'zh-CN'), errorMessages[code]['zh-CN'])
    }
    // 修改密码 has no ID number: its receipt names the old password, as its form does (not 证件号码或密码不正确).
    assert.equal(opErrorMessage('changePassword', { code: 'BAD_CREDENTIALS', field: 'oldPassword' }, 'zh-CN'), '原密码不正确，请重新输入')
    assert.equal(receiptErrorMessage('changePassword', { code: 'BAD_CREDENTIALS' }, 'zh-CN'), '原密码不正确，请重新办理')
    assert.match(receiptErrorMessage('changePassword', { code: 'BAD_CREDENTIALS' }, 'en'), /^The current password is wrong\. Please start again\.$/)
    assert.equal(opErrorMessage('resetPassword', { code: 'BAD_CREDENTIALS' }, 'zh-CN'), errorMessages.BAD_CREDENTIALS['zh-CN'])
    assert.equal(opErrorMessage('appeal', { code: 'MOBILE_OCCUPIED' }, 'zh-CN'), '申诉未通过：经核实，该手机号仍由其他账号使用。如有疑问，请携带有效证件到考点服务台咨询')
    assert.equal(opErrorMessage('appeal', { code: 'NETWORK_UNAVAILABLE' }, 'zh-CN'), errorMessages.NETWORK_UNAVAILABLE['zh-CN'])
    assert.equal(
      kioskErrorMessage({ code: 'INVALID_FIELD', rule: 'no.such.rule' }, 'zh-CN'),
      errorMessages.INVALID_FIELD['zh-CN'],
    )
    const limit = { code: 'RATE_LIMITED', rule: 'attestedReset.perHour', retryAfter: 600 } as const
    assert.equal(kioskErrorMessage(limit, 'zh-CN'), '本机一小时内的现场核验重置次数已达上限，请稍后再办理')
    assert.notEqual(kioskErrorMessage(limit, 'en'), errorMessages.RATE_LIMITED.en)
    // 查询办理进度 locked after too many receipt codes that found nothing: for how long, as 登录's lock says it.
    const lookups = { code: 'RATE_LIMITED', rule: 'receipt.lookups', retryAfter: 61 } as const
    assert.equal(kioskErrorMessage(lookups, 'zh-CN'), '回执编号查询失败次数过多，查询已暂时锁定约 2 分钟，请稍后再试或联系考点工作人员')
    assert.match(kioskErrorMessage({ ...lookups, retryAfter: 60 }, 'en'), /locked for about 1 minute\. /)
    assert.equal(kioskErrorMessage({ code: 'RATE_LIMITED', rule: 'receipt.lookups' }, 'zh-CN'), '回执编号查询失败次数过多，查询已暂时锁定，请稍后再试或联系考点工作人员')
  })
})

// A receipt replaces the form it came from: no refusal on it may send the candidate back to a field.
describe('a refusal on a receipt', () => {
  const operationKinds = Object.keys(operations)
  const retype = { 'zh-CN': /重新(?:输入|获取|提交)|换一个|核对后|检查后/, en: /enter it again|type the confirmation again|check it\b|check what|request a new|choose (?:another|a safer)/i } as const
  const errors = [
    ...ruleIds.map((rule) => ({ code: 'INVALID_FIELD' as const, rule })),
    ...(Object.keys(errorMessages) as (keyof typeof errorMessages)[]).map((code) => ({ code })),
  ]

  test('never says to retype a field: such a message ends in 请重新办理 / Please start again.', () => {
    const rewritten = { 'zh-CN': 0, en: 0 }
    for (const error of errors) {
      for (const [kind, locale] of operationKinds.flatMap((kind) => (['zh-CN', 'en'] as const).map((locale) => [kind, locale] as const))) {
        const message = receiptErrorMessage(kind, error, locale)
        const own = opErrorMessage(kind, error, locale)
        if (message !== own) rewritten[locale]++
        if (retype[locale].test(own) && /[\w\u4e00-\u9fff]/.test(own)) {
          // Those it cannot rewrite say what went wrong and nothing about retyping.
          assert.doesNotMatch(message.replace(/请重新办理|Please start again\./, ''), retype[locale], `${JSON.stringify(error)} ${locale}: ${message}`)
        }
      }
    }
    // It did rewrite some (the SMS code's, the captcha's…), in both languages, for every kind alike.
    assert.ok(rewritten['zh-CN'] > 5 && rewritten['zh-CN'] === rewritten.en, JSON.stringify(rewritten))
  })

  test('keeps what went wrong, and leaves every other screen’s words alone', () => {
    const error = { code: 'BAD_SMS_CODE' as const }
    assert.equal(opErrorMessage('register', error, 'zh-CN'), '短信验证码不正确，请重新输入')
    assert.equal(receiptErrorMessage('register', error, 'zh-CN'), '短信验证码不正确，请重新办理')
    assert.match(receiptErrorMessage('register', error, 'en'), /Please start again\.$/)
  })
})
