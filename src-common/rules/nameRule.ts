import { broken, passed, type RuleResult } from './fieldMessages'
import { firstDisallowed, toHalfWidth } from './halfWidth'
import { chineseNameIdTypes, type IdType } from './idTypes'

/**
 * Names as printed on the document. Chinese documents carry 2-30 Chinese characters, with the middle
 * dot of names such as 阿卜杜·热合曼; passports and foreign documents carry Latin letters with spaces,
 * hyphens and full stops.
 */

// Dots that input methods produce where the name's middle dot (U+00B7) is meant.
const middleDotLookalikes = /[.\u2022\u2027\u2219\u22C5\u30FB\uFF65\u0387\u16EB\u2E31]/g

export function normaliseName(value: string): string {
  const text = toHalfWidth(value).normalize('NFC').trim().replace(/\s+/g, ' ')
  if (/\p{Script=Han}/u.test(text)) {
    return text.replace(middleDotLookalikes, '·').replace(/ ?· ?/g, '·').normalize('NFC')
  }
  return text
}

const chineseChar = /^[\p{Script=Han}·]$/u
const latinChar = /^[\p{Script=Latin}\p{M} .-]$/u

export function checkChineseName(value: string): RuleResult {
  const bad = firstDisallowed(value, chineseChar)
  if (bad !== undefined) return broken('name.chineseChar', { char: bad })
  const length = [...value].length
  if (length < 2 || length > 30) return broken('name.chineseLength')
  if (value.startsWith('·') || value.endsWith('·') || value.includes('··')) return broken('name.dot')
  return passed(value)
}

export function checkLatinName(value: string): RuleResult {
  const bad = firstDisallowed(value, latinChar)
  if (bad !== undefined) return broken('name.latinChar', { char: bad })
  if (!/\p{L}/u.test(value)) return broken('name.latinChar', { char: value[0] ?? '' })
  const length = [...value].length
  if (length < 2 || length > 60) return broken('name.latinLength')
  return passed(value)
}

/**
 * Checks a name against the rules of its document type; without a type it accepts a name that either
 * rule accepts (the cross-field check in an operation then applies the type's own rule).
 */
export function checkName(input: string, idType?: IdType): RuleResult {
  const value = normaliseName(input)
  if (value === '') return broken('name.required')
  if (idType !== undefined)
    return chineseNameIdTypes.has(idType) ? checkChineseName(value) : checkLatinName(value)
  const chinese = checkChineseName(value)
  if (chinese.ok) return chinese
  const latin = checkLatinName(value)
  if (latin.ok) return latin
  return /\p{Script=Han}/u.test(value) ? chinese : latin
}
