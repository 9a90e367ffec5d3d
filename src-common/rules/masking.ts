import { normaliseEmail } from './emailRule'
import { normaliseIdNumber } from './idNumberRule'
import { normaliseMobile } from './mobileRule'
import { normaliseName } from './nameRule'

/**
 * Display masks: what the kiosk keeps and shows once the real value is sealed (王*, 138****8000,
 * 7***@qq.com, 110101********123X). Each keeps a fixed, small part of the value and stars the rest;
 * a value that does not have the expected shape shows less, never more.
 */

/** First character kept, one star for each other character: 王小 -> 王*, 欧阳娜娜 -> 欧***. */
export function maskName(name: string): string {
  const chars = [...normaliseName(name)]
  if (chars.length === 0) return ''
  if (chars.length === 1) return '*'
  return chars[0] + '*'.repeat(chars.length - 1)
}

/** 13800138000 -> 138****8000. Anything that is not a mainland mobile number is starred whole. */
export function maskMobile(mobile: string): string {
  const value = normaliseMobile(mobile)
  if (/^1\d{10}$/.test(value)) return `${value.slice(0, 3)}****${value.slice(7)}`
  return '*'.repeat(Math.min([...value].length, 11))
}

/** 7654321@qq.com -> 7***@qq.com: the first character of the mailbox name and the domain. */
export function maskEmail(email: string): string {
  const value = normaliseEmail(email)
  const at = value.lastIndexOf('@')
  if (at <= 0) return '***'
  return `${[...value.slice(0, at)][0] ?? ''}***${value.slice(at)}`
}

/**
 * How many leading and trailing characters of an ID number stay visible: for 18-character numbers
 * the 6-digit address code and the last 4 (never the birth date); for shorter document numbers at
 * most half, so that a passport number is not readable from its mask.
 */
export function idNumberVisible(length: number): { head: number; tail: number } {
  if (length >= 18) return { head: 6, tail: 4 }
  if (length >= 15) return { head: 3, tail: 4 }
  if (length >= 8) return { head: 2, tail: 2 }
  if (length >= 4) return { head: 1, tail: 1 }
  return { head: 0, tail: 0 }
}

/** 11010119900307123X -> 110101********123X; E12345678 -> E1*****78. */
export function maskIdNumber(idNumber: string): string {
  const chars = [...normaliseIdNumber(idNumber)]
  const { head, tail } = idNumberVisible(chars.length)
  return (
    chars.slice(0, head).join('') +
    '*'.repeat(chars.length - head - tail) +
    chars.slice(chars.length - tail).join('')
  )
}
