import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { checkName, normaliseName } from '../../../src-common/rules/nameRule'
import { idTypes, type IdType } from '../../../src-common/rules/idTypes'
import { checkField } from '../../../src-common/rules/checkField'

const rows: Array<[IdType, string, string | { rule: string }]> = [
  ['resident', '张伟', '张伟'],
  ['resident', ' 欧阳娜娜 ', '欧阳娜娜'],
  ['resident', '阿卜杜·热合曼', '阿卜杜·热合曼'],
  ['resident', '阿卜杜•热合曼', '阿卜杜·热合曼'], // the bullet an input method offers for the middle dot
  ['resident', '阿卜杜.热合曼', '阿卜杜·热合曼'],
  ['resident', '阿卜杜 · 热合曼', '阿卜杜·热合曼'],
  ['hkMacauTaiwanResidence', '𠀾伟', '𠀾伟'], // a CJK Extension B character counts as one
  ['hkMacauPermit', '陳大文', '陳大文'],
  ['taiwanPermit', '林志玲', '林志玲'],
  ['resident', '', { rule: 'name.required' }],
  ['resident', '张', { rule: 'name.chineseLength' }],
  ['resident', '张'.repeat(31), { rule: 'name.chineseLength' }],
  ['resident', '张伟1', { rule: 'name.chineseChar' }],
  ['resident', '张 伟', { rule: 'name.chineseChar' }],
  ['resident', 'Zhang Wei', { rule: 'name.chineseChar' }],
  ['resident', '·热合曼', { rule: 'name.dot' }],
  ['resident', '阿卜杜··热合曼', { rule: 'name.dot' }],
  ['resident', '阿卜杜·', { rule: 'name.dot' }],
  ['passport', 'John Smith', 'John Smith'],
  ['passport', '  JOHN   SMITH ', 'JOHN SMITH'],
  ['passport', 'Mary-Jane St. Clair', 'Mary-Jane St. Clair'],
  ['foreignPermanent', 'José Garci\u0301a', 'José García'], // NFC: combining accent composed
  ['passport', 'J', { rule: 'name.latinLength' }],
  ['passport', 'A'.repeat(61), { rule: 'name.latinLength' }],
  ['passport', 'John3', { rule: 'name.latinChar' }],
  ['passport', '约翰', { rule: 'name.latinChar' }],
  ['foreignPermanent', '- . -', { rule: 'name.latinChar' }],
]

describe('names, checked per document type', () => {
  for (const [idType, typed, expected] of rows) {
    const label = typeof expected === 'string' ? `is accepted as ${expected}` : `fails ${expected.rule}`
    test(`${idType}: ${JSON.stringify(typed)} ${label}`, () => {
      const result = checkName(typed, idType)
      if (typeof expected === 'string') assert.deepEqual(result, { ok: true, value: expected })
      else assert.equal(result.ok ? null : result.rule, expected.rule)
    })
  }

  test('without a document type, either a Chinese or a Latin name is accepted', () => {
    assert.equal(checkName('张伟').ok, true)
    assert.equal(checkName('John Smith').ok, true)
    assert.equal(checkName('张伟 Smith').ok, false)
  })

  test('the rejected character is named, in both languages', () => {
    const result = checkField('name', '张伟2', { idType: 'resident' })
    assert.ok(!result.ok)
    assert.match(result.message['zh-CN'], /姓名不能包含字符“2”/)
    assert.match(result.message.en, /cannot contain “2”/)
  })

  test('normalisation is idempotent and does not change the verdict', () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(...'张伟阿卜·•. 　Ａb\u0301-') }),
    )
    fc.assert(
      fc.property(names, fc.constantFrom(...idTypes), (typed, idType) => {
        const once = normaliseName(typed)
        assert.equal(normaliseName(once), once)
        assert.deepEqual(checkName(once, idType), checkName(typed, idType))
      }),
      { numRuns: 300 },
    )
  })
})
