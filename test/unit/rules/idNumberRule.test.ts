import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { checkIdNumber, mainlandProvinceCodes, normaliseIdNumber } from '../../../src-common/rules/idNumberRule'
import { idTypes, type IdType } from '../../../src-common/rules/idTypes'
import { checkField } from '../../../src-common/rules/checkField'

// A fixed "today", so that the birth-date rule does not drift with the calendar.
const now = new Date('2025-06-01T00:00:00+08:00')

// GB 11643-1999 written out again here, independently of the code under test.
function withCheckChar(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (2 ** (17 - i) % 11), 0)
  return first17 + '10X98765432'[sum % 11]
}

const rows: Array<[IdType, string, string | null]> = [
  // [type, as typed, rule that fails or null when valid]
  ['resident', '11010519491231002X', null],
  ['resident', '11010519491231002x', null],
  ['resident', ' 440524188001010014 ', 'idNumber.birthDate'], // the standard's own example: born 1880
  ['resident', '１１０１０５１９４９１２３１００２Ｘ', null],
  ['resident', '110105 19491231 002X', null],
  ['resident', withCheckChar('65010220250601123'), null],
  ['resident', '11010519491231002', 'idNumber.residentFormat'],
  ['resident', '11010519491231002X1', 'idNumber.residentFormat'],
  ['resident', '1101051949123100X2', 'idNumber.residentFormat'],
  ['resident', '110105194912310021', 'idNumber.checkDigit'],
  ['resident', withCheckChar('99010519491231002'), 'idNumber.province'],
  ['resident', withCheckChar('81000019900101002'), 'idNumber.province'],
  ['resident', withCheckChar('11010519490230002'), 'idNumber.birthDate'],
  ['resident', withCheckChar('11010518991231002'), 'idNumber.birthDate'],
  ['resident', withCheckChar('11010520250602002'), 'idNumber.futureBirthDate'],
  ['resident', '11010519491231002Y', 'idNumber.residentFormat'],
  ['resident', '110105-19491231-002X', 'idNumber.char'],
  ['resident', '', 'idNumber.required'],
  ['hkMacauTaiwanResidence', withCheckChar('81000019900101002'), null],
  ['hkMacauTaiwanResidence', withCheckChar('82000020000229003'), null],
  ['hkMacauTaiwanResidence', withCheckChar('83000019851231004'), null],
  ['hkMacauTaiwanResidence', withCheckChar('84000019900101002'), 'idNumber.residencePermitFormat'],
  ['hkMacauTaiwanResidence', withCheckChar('81010119900101002'), 'idNumber.residencePermitFormat'],
  ['hkMacauTaiwanResidence', withCheckChar('11010519491231002'), 'idNumber.residencePermitFormat'],
  [
    'hkMacauTaiwanResidence',
    withCheckChar('81000019900101002').slice(0, 17) + 'Z',
    'idNumber.residencePermitFormat',
  ],
  ['hkMacauTaiwanResidence', withCheckChar('82000019990229003'), 'idNumber.birthDate'],
  ['foreignPermanent', withCheckChar('91184019850101001'), null],
  ['foreignPermanent', 'USA110085010112', null],
  ['foreignPermanent', 'can310099123100', null],
  ['foreignPermanent', 'US1110085010112', 'idNumber.foreignPermanentFormat'],
  ['foreignPermanent', 'USA11008501011', 'idNumber.foreignPermanentFormat'],
  ['foreignPermanent', withCheckChar('11010519491231002'), 'idNumber.foreignPermanentFormat'],
  ['foreignPermanent', withCheckChar('91184019851301001'), 'idNumber.birthDate'],
  ['foreignPermanent', withCheckChar('91184019850101001').slice(0, 17) + '0', 'idNumber.checkDigit'],
  ['hkMacauPermit', 'H12345678', null],
  ['hkMacauPermit', 'm1234567801', null],
  ['hkMacauPermit', 'Ｈ１２３４５６７８', null],
  ['hkMacauPermit', 'H1234567', 'idNumber.hkMacauPermitFormat'],
  ['hkMacauPermit', 'H123456789', 'idNumber.hkMacauPermitFormat'],
  ['hkMacauPermit', 'A12345678', 'idNumber.hkMacauPermitFormat'],
  ['hkMacauPermit', '12345678', 'idNumber.hkMacauPermitFormat'],
  ['taiwanPermit', '12345678', null],
  ['taiwanPermit', '1234567890', null],
  ['taiwanPermit', '123456789', 'idNumber.taiwanPermitFormat'],
  ['taiwanPermit', 'T1234567', 'idNumber.taiwanPermitFormat'],
  ['taiwanPermit', '1234567', 'idNumber.taiwanPermitFormat'],
  ['passport', 'E12345678', null],
  ['passport', 'ea1234567', null],
  ['passport', 'G1234', null],
  ['passport', 'AB123456789012345', null],
  ['passport', 'E123', 'idNumber.passportFormat'],
  ['passport', 'AB1234567890123456', 'idNumber.passportFormat'],
  ['passport', 'E1234567#', 'idNumber.char'],
  ['passport', 'E１２３４５６７８', null],
]

describe('ID numbers, checked per document type', () => {
  for (const [idType, typed, rule] of rows) {
    test(`${idType}: ${JSON.stringify(typed)} ${rule === null ? 'is accepted' : `fails ${rule}`}`, () => {
      const result = checkIdNumber(typed, idType, { now })
      if (rule === null) assert.equal(result.ok, true, JSON.stringify(result))
      else assert.deepEqual(result.ok ? null : result.rule, rule)
    })
  }

  test('a lower-case x and full-width digits are stored as the card shows them', () => {
    assert.deepEqual(checkIdNumber('１１０１０５１９４９１２３１００２ｘ', 'resident', { now }), {
      ok: true,
      value: '11010519491231002X',
    })
  })

  test('a character no document uses is named in the message', () => {
    const result = checkField('idNumber', '11010519491231002？', { idType: 'resident' })
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.rule, 'idNumber.char')
    assert.match(result.message['zh-CN'], /“\?”/)
    assert.match(result.message.en, /“\?”/)
  })

  test('a birth date of today is accepted, tomorrow in China is not, whatever the machine time zone', () => {
    const lateEveningUtc = new Date('2025-05-31T17:00:00Z') // already 1 June in Beijing
    assert.equal(
      checkIdNumber(withCheckChar('11010520250601001'), 'resident', { now: lateEveningUtc }).ok,
      true,
    )
    assert.equal(
      checkIdNumber(withCheckChar('11010520250602001'), 'resident', { now: lateEveningUtc }).ok,
      false,
    )
  })

  test('every document type has at least one accepted and one rejected number above', () => {
    for (const idType of idTypes) {
      assert.ok(
        rows.some(([t, , r]) => t === idType && r === null),
        idType,
      )
      assert.ok(
        rows.some(([t, , r]) => t === idType && r !== null),
        idType,
      )
    }
  })
})

const provinces = [...mainlandProvinceCodes]
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n })
const birthDates = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-05-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''))
const residentIds = fc
  .tuple(fc.constantFrom(...provinces), digits(4), birthDates, digits(3))
  .map(([province, area, birth, sequence]) => withCheckChar(province + area + birth + sequence))

describe('resident ID numbers, as properties', () => {
  test('every generated valid resident ID number passes', () => {
    fc.assert(fc.property(residentIds, (id) => checkIdNumber(id, 'resident', { now }).ok))
  })

  test('every single-character change of a valid resident ID number fails', () => {
    const changed = fc
      .tuple(residentIds, fc.nat(17), fc.constantFrom(...'0123456789X'))
      .filter(([id, at, ch]) => id[at] !== ch)
      .map(([id, at, ch]) => id.slice(0, at) + ch + id.slice(at + 1))
    fc.assert(fc.property(changed, (id) => !checkIdNumber(id, 'resident', { now }).ok))
  })

  test('dropping or doubling one character of a valid number fails too', () => {
    fc.assert(
      fc.property(residentIds, fc.nat(17), (id, at) => {
        const dropped = id.slice(0, at) + id.slice(at + 1)
        const doubled = id.slice(0, at) + id[at] + id.slice(at)
        return (
          !checkIdNumber(dropped, 'resident', { now }).ok && !checkIdNumber(doubled, 'resident', { now }).ok
        )
      }),
    )
  })

  test('normalisation is idempotent, and the check gives the same answer before and after it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          residentIds.map((id) => ` ${id.toLowerCase()} `),
        ),
        fc.constantFrom(...idTypes),
        (typed, idType) => {
          const once = normaliseIdNumber(typed)
          assert.equal(normaliseIdNumber(once), once)
          assert.deepEqual(checkIdNumber(once, idType, { now }), checkIdNumber(typed, idType, { now }))
        },
      ),
    )
  })
})
