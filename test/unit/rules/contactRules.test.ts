import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { checkMobile, normaliseMobile } from '../../../src-common/rules/mobileRule'
import { checkEmail, emailKey, normaliseEmail } from '../../../src-common/rules/emailRule'
import { checkEmailCode, checkSmsCode, checkToken } from '../../../src-common/rules/codeRules'
import { checkField } from '../../../src-common/rules/checkField'

type Row = [typed: string, expected: string | { rule: string }]

function runTable(check: (value: string) => { ok: boolean; value?: string; rule?: string }, rows: Row[]) {
  for (const [typed, expected] of rows) {
    const label =
      typeof expected === 'string' ? `is accepted as ${JSON.stringify(expected)}` : `fails ${expected.rule}`
    test(`${JSON.stringify(typed)} ${label}`, () => {
      const result = check(typed)
      if (typeof expected === 'string') assert.deepEqual(result, { ok: true, value: expected })
      else assert.equal(result.ok ? null : result.rule, expected.rule)
    })
  }
}

describe('mobile numbers', () => {
  runTable(checkMobile, [
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    [' 138 0013 8000 ', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['', { rule: 'mobile.required' }],
    ['12800138000', { rule: 'mobile.format' }],
    ['10000000000', { rule: 'mobile.format' }],
    ['1380013800', { rule: 'mobile.format' }],
    ['138001380001', { rule: 'mobile.format' }],
    ['+85261234567', { rule: 'mobile.char' }],
    ['1380013800O', { rule: 'mobile.char' }],
  ])

  test('the letter typed instead of a zero is named', () => {
    const result = checkField('mobile', '1380013800O')
    assert.ok(!result.ok)
    assert.match(result.message['zh-CN'], /手机号不能包含字符“O”/)
  })

  test('normalisation is idempotent', () => {
    const typed = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'+86 -０１３８9') }))
    fc.assert(
      fc.property(typed, (value) => normaliseMobile(normaliseMobile(value)) === normaliseMobile(value)),
    )
  })
})

describe('email addresses', () => {
  runTable(checkEmail, [
    ['7654321@qq.com', '7654321@qq.com'],
    ['Zhang.Wei+cet@Example.COM', 'Zhang.Wei+cet@example.com'],
    [' name@mail.163.com ', 'name@mail.163.com'],
    ['７６５４３２１＠ｑｑ．ｃｏｍ', '7654321@qq.com'],
    ['name@qq。com', 'name@qq.com'],
    ['a@b.cn', 'a@b.cn'],
    ["o'neil_1@xn--fiqs8s.cn", "o'neil_1@xn--fiqs8s.cn"],
    ['', { rule: 'email.required' }],
    ['7654321qq.com', { rule: 'email.format' }],
    ['7654321@', { rule: 'email.format' }],
    ['@qq.com', { rule: 'email.format' }],
    ['zhang wei@qq.com', { rule: 'email.char' }],
    ['张伟@qq.com', { rule: 'email.char' }],
    ['a@b@qq.com', { rule: 'email.char' }],
    ['name@qq_mail.com', { rule: 'email.char' }],
    ['.name@qq.com', { rule: 'email.local' }],
    ['na..me@qq.com', { rule: 'email.local' }],
    [`${'x'.repeat(65)}@qq.com`, { rule: 'email.local' }],
    ['name@qq', { rule: 'email.domain' }],
    ['name@-qq.com', { rule: 'email.domain' }],
    ['name@qq..com', { rule: 'email.domain' }],
    ['name@qq.c', { rule: 'email.domain' }],
    ['name@qq.123', { rule: 'email.domain' }],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`, { rule: 'email.length' }],
  ])

  test('two spellings of one mailbox share one key, so it cannot be registered twice', () => {
    assert.equal(emailKey(' Zhang.Wei@QQ.com'), emailKey('zhang.wei@qq.com'))
    assert.notEqual(emailKey('zhang.wei@qq.com'), emailKey('zhangwei@qq.com'))
  })

  test('normalisation is idempotent and lower-cases the domain only', () => {
    const typed = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.stringMatching(/^[A-Za-z0-9.]{1,10}$/), fc.stringMatching(/^[A-Za-z0-9.]{1,10}$/))
        .map(([l, d]) => ` ${l}@${d} `),
    )
    fc.assert(
      fc.property(typed, (value) => {
        const once = normaliseEmail(value)
        assert.equal(normaliseEmail(once), once)
        const at = once.lastIndexOf('@')
        if (at >= 0) assert.equal(once.slice(at + 1), once.slice(at + 1).toLowerCase())
      }),
    )
  })
})

describe('codes and tokens', () => {
  describe('SMS code', () =>
    runTable(checkSmsCode, [
      ['123456', '123456'],
      [' １２３４５６ ', '123456'],
      ['', { rule: 'smsCode.required' }],
      ['12345', { rule: 'smsCode.format' }],
      ['12345a', { rule: 'smsCode.format' }],
    ]))
  describe('email code', () =>
    runTable(checkEmailCode, [
      ['a1B2c3', 'A1B2C3'],
      ['ABCDEF123456', 'ABCDEF123456'],
      [' k7mq 2xpa ', 'K7MQ2XPA'], // typed in lower case, as mailed in capitals
      ['', { rule: 'emailCode.required' }],
      ['abc12', { rule: 'emailCode.format' }],
      ['abc-123', { rule: 'emailCode.format' }],
    ]))
  describe('token', () =>
    runTable(checkToken, [
      ['eyJhbGciOi.eyJzdWIi.sig_-', 'eyJhbGciOi.eyJzdWIi.sig_-'],
      ['short', { rule: 'token.format' }],
      ['with space inside it', { rule: 'token.format' }],
      ['x'.repeat(257), { rule: 'token.format' }],
    ]))
})
