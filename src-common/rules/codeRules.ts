import { broken, passed, type RuleResult } from './fieldMessages'
import { toHalfWidth } from './halfWidth'

/** One-time codes and tokens: short, machine-made, so their checks are only about shape. */

export function checkSmsCode(input: string): RuleResult {
  const value = toHalfWidth(input).replace(/\s+/g, '')
  if (value === '') return broken('smsCode.required')
  return /^\d{6}$/.test(value) ? passed(value) : broken('smsCode.format')
}

/** Email codes are case-insensitive: the mailbox shows them in capitals, a candidate may type them in lower case. */
export function checkEmailCode(input: string): RuleResult {
  const value = toHalfWidth(input).replace(/\s+/g, '').toUpperCase()
  if (value === '') return broken('emailCode.required')
  return /^[A-Za-z0-9]{6,12}$/.test(value) ? passed(value) : broken('emailCode.format')
}

/** Session and verification tokens: 16-256 printable ASCII characters, never altered. */
export function checkToken(value: string): RuleResult {
  return /^[\x21-\x7E]{16,256}$/.test(value) ? passed(value) : broken('token.format')
}
