import { broken, passed, type RuleResult } from './fieldMessages'
import { firstDisallowed, toHalfWidth } from './halfWidth'

/**
 * Mainland mobile numbers: 11 digits starting 13-19. Spaces and hyphens a candidate types to group
 * the digits are dropped, and so is a +86 / 0086 / 86 country prefix.
 */
export function normaliseMobile(value: string): string {
  const digits = toHalfWidth(value).replace(/[\s-]+/g, '')
  const prefixed = /^(?:\+86|0086|86)(1\d{10})$/.exec(digits)
  return prefixed?.[1] ?? digits
}

export function checkMobile(input: string): RuleResult {
  const value = normaliseMobile(input)
  if (value === '') return broken('mobile.required')
  const bad = firstDisallowed(value, /^\d$/)
  if (bad !== undefined) return broken('mobile.char', { char: bad })
  return /^1[3-9]\d{9}$/.test(value) ? passed(value) : broken('mobile.format')
}
