import { broken, passed, type RuleResult } from './fieldMessages'
import { firstDisallowed, toHalfWidth } from './halfWidth'
import type { IdType } from './idTypes'
import { idTypes } from './idTypes'

/**
 * ID document numbers, one check per document type, after one normalisation shared by all of them:
 * full-width to half-width, spaces removed, upper case (a typed x becomes the check character X).
 */
export function normaliseIdNumber(value: string): string {
  return toHalfWidth(value).replace(/\s+/g, '').toUpperCase()
}

// GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const checkChars = '10X98765432'

/** The GB 11643 check character for the first 17 digits of an 18-character number. */
export function gb11643CheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] ?? 0)
  return checkChars[sum % 11] ?? '?'
}

/** Province-level codes of GB/T 2260 used on mainland resident ID cards. */
export const mainlandProvinceCodes: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
])

/** Today's date in China (UTC+8) as YYYYMMDD, so the answer does not depend on the machine's time zone. */
function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '')
}

function checkBirthDate(yyyymmdd: string, now: Date): RuleResult<null> {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  const date = new Date(Date.UTC(year, month - 1, day))
  const real =
    year >= 1900 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  if (!real) return broken('idNumber.birthDate')
  if (yyyymmdd > chinaDate(now)) return broken('idNumber.futureBirthDate')
  return passed(null)
}

/** The structure every GB 11643 number shares: 17 digits, a check character, a birth date at 7-14. */
function checkGb11643(value: string, now: Date): RuleResult<null> {
  const birth = checkBirthDate(value.slice(6, 14), now)
  if (!birth.ok) return birth
  if (gb11643CheckChar(value) !== value[17]) return broken('idNumber.checkDigit')
  return passed(null)
}

const gb11643Shape = /^\d{17}[\dX]$/
const alphanumeric = /^[A-Z0-9]$/

export interface IdNumberContext {
  /** The moment "today" is judged against (birth dates may not be in the future); defaults to now. */
  now?: Date
}

type IdNumberCheck = (value: string, now: Date) => RuleResult<null>

const checks: Record<IdType, IdNumberCheck> = {
  // 中华人民共和国居民身份证, GB 11643-1999.
  resident: (value, now) => {
    if (!gb11643Shape.test(value)) return broken('idNumber.residentFormat')
    if (!mainlandProvinceCodes.has(value.slice(0, 2))) return broken('idNumber.province')
    return checkGb11643(value, now)
  },
  // 港澳台居民居住证 (2018): a GB 11643 number whose address code is 810000, 820000 or 830000.
  hkMacauTaiwanResidence: (value, now) => {
    if (!gb11643Shape.test(value) || !/^8[123]0000/.test(value))
      return broken('idNumber.residencePermitFormat')
    return checkGb11643(value, now)
  },
  // 外国人永久居留身份证: the new 18-character number (9, province code, nationality code, birth date,
  // sequence, GB 11643 check character) or the old 15-character one (3-letter nationality code, 12 digits).
  foreignPermanent: (value, now) => {
    if (/^[A-Z]{3}\d{12}$/.test(value)) return passed(null)
    if (!gb11643Shape.test(value) || !value.startsWith('9')) return broken('idNumber.foreignPermanentFormat')
    return checkGb11643(value, now)
  },
  // 港澳居民来往内地通行证: H (Hong Kong) or M (Macao), 8 digits, and on older permits 2 more digits.
  hkMacauPermit: (value) =>
    /^[HM]\d{8}(\d{2})?$/.test(value) ? passed(null) : broken('idNumber.hkMacauPermitFormat'),
  // 台湾居民来往大陆通行证: 8 digits, or 10 on older permits.
  taiwanPermit: (value) =>
    /^\d{8}(\d{2})?$/.test(value) ? passed(null) : broken('idNumber.taiwanPermitFormat'),
  // 护照: ICAO 9303 allows up to 9 characters in the MRZ; foreign documents go longer, so 5-17 letters or digits.
  passport: (value) => (/^[A-Z0-9]{5,17}$/.test(value) ? passed(null) : broken('idNumber.passportFormat')),
}

/**
 * The shape every document number shares (5-18 letters or digits), for a number whose document type
 * is checked beside it (an operation payload) or not known (log-in).
 */
export function checkIdNumberShape(input: string): RuleResult {
  const value = normaliseIdNumber(input)
  if (value === '') return broken('idNumber.required')
  const bad = firstDisallowed(value, alphanumeric)
  if (bad !== undefined) return broken('idNumber.char', { char: bad })
  return value.length >= 5 && value.length <= 18 ? passed(value) : broken('idNumber.format')
}

/**
 * Checks an ID number for one document type (or, without a type, for any type) and returns it
 * normalised. A character that no document uses is named in the failure.
 */
export function checkIdNumber(input: string, idType?: IdType, context: IdNumberContext = {}): RuleResult {
  const value = normaliseIdNumber(input)
  if (value === '') return broken('idNumber.required')
  const bad = firstDisallowed(value, alphanumeric)
  if (bad !== undefined) return broken('idNumber.char', { char: bad })
  const now = context.now ?? new Date()
  if (idType !== undefined) {
    const result = checks[idType](value, now)
    return result.ok ? passed(value) : result
  }
  return idTypes.some((type) => checks[type](value, now).ok) ? passed(value) : broken('idNumber.anyType')
}
