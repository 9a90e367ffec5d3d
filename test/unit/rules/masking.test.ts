import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { maskEmail, maskIdNumber, maskMobile, maskName } from '../../../src-common/rules/masking'
import { mainlandProvinceCodes, normaliseIdNumber } from '../../../src-common/rules/idNumberRule'

describe('display masks', () => {
  test('the examples the kiosk shows', () => {
    assert.equal(maskName('王小'), '王*')
    assert.equal(maskName('欧阳娜'), '欧**')
    assert.equal(maskName('欧阳娜娜'), '欧***')
    assert.equal(maskName('阿卜杜·热合曼'), '阿******')
    assert.equal(maskMobile('13800138000'), '138****8000')
    assert.equal(maskMobile('+86 138 0013 8000'), '138****8000')
    assert.equal(maskEmail('7654321@qq.com'), '7***@qq.com')
    assert.equal(maskEmail('Zhang.Wei@QQ.com'), 'Z***@qq.com')
    assert.equal(maskIdNumber('11010119900307123x'), '110101********123X')
    assert.equal(maskIdNumber('E12345678'), 'E1*****78')
    assert.equal(maskIdNumber('USA110085010112'), 'USA********0112')
  })

  test('values of an unexpected shape show less, never more', () => {
    assert.equal(maskMobile('12345'), '*****')
    assert.equal(maskEmail('not-an-email'), '***')
    assert.equal(maskName('王'), '*')
    assert.equal(maskIdNumber('AB1'), '***')
  })
})

describe('masks never reveal more than they should', () => {
  test('a mobile mask shows only the first 3 and last 4 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (mobile) => {
        const masked = maskMobile(mobile)
        assert.equal(masked, `${mobile.slice(0, 3)}****${mobile.slice(7)}`)
      }),
    )
    fc.assert(fc.property(fc.string(), (typed) => /^(\*{0,11}|1\d\d\*{4}\d{4})$/.test(maskMobile(typed))))
  })

  test('an email mask shows the first character of the mailbox name and the domain, and hides the length', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9._]{1,30}$/),
        fc.stringMatching(/^[a-z0-9]{1,10}\.[a-z]{2,5}$/),
        (local, domain) => {
          assert.equal(maskEmail(`${local}@${domain}`), `${local[0]}***@${domain}`)
        },
      ),
    )
  })

  test('a name mask keeps only the first character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'张王欧阳娜伟阿卜杜·热合曼'), minLength: 2, maxLength: 30 }),
        (name) => {
          const masked = [...maskName(name)]
          assert.equal(masked[0], [...name][0])
          assert.ok(masked.slice(1).every((ch) => ch === '*'))
        },
      ),
    )
  })

  test('an ID number mask reveals at most 10 characters, at most half of a short number, never the birth date', () => {
    // Real 18-character resident ID numbers, built as in idNumberRule.test.ts (fast-check's default
    // size never reaches 18 characters with a free-length string).
    const withCheckChar = (first17: string) => {
      const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (2 ** (17 - i) % 11), 0)
      return first17 + '10X98765432'[sum % 11]
    }
    const digits = (n: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n })
    const birthDates = fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2025-05-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''))
    const residentIds = fc
      .tuple(fc.constantFrom(...mainlandProvinceCodes), digits(4), birthDates, digits(3))
      .map(([province, area, birth, sequence]) => withCheckChar(province + area + birth + sequence))

    const revealedOf = (typed: string) => {
      const value = normaliseIdNumber(typed)
      const masked = maskIdNumber(typed)
      assert.equal(masked.length, value.length)
      for (let i = 0; i < masked.length; i++) assert.ok(masked[i] === '*' || masked[i] === value[i])
      return { value, masked, revealed: [...masked].filter((ch) => ch !== '*') }
    }

    fc.assert(
      fc.property(
        fc.oneof(
          residentIds,
          residentIds.map((id) => ` ${id.toLowerCase().slice(0, 6)} ${id.slice(6)} `),
        ),
        (typed) => {
          const { value, masked, revealed } = revealedOf(typed)
          assert.equal(value.length, 18)
          assert.equal(masked.slice(6, 14), '********', `${typed} -> ${masked}`)
          assert.ok(!masked.includes(value.slice(6, 14)))
          assert.ok(revealed.length <= 10)
        },
      ),
    )

    // Every other length up to 20, drawn evenly (not left to fast-check's default size).
    const anyLength = fc
      .nat(20)
      .chain((n) => fc.string({ unit: fc.constantFrom(...'0123456789XEHMAB'), minLength: n, maxLength: n }))
    fc.assert(
      fc.property(anyLength, (typed) => {
        const { value, masked, revealed } = revealedOf(typed)
        assert.ok(revealed.length <= 10)
        if (value.length < 18) assert.ok(revealed.length <= value.length / 2)
        else assert.equal(masked.slice(6, 14), '********')
      }),
    )
  })
})
