import { broken, passed, type RuleResult } from './fieldMessages'
import { firstDisallowed, toHalfWidth } from './halfWidth'

/**
 * Email addresses: the practical subset of RFC 5321/5322 that mail providers hand out, a dot-atom
 * local part and an ASCII host name (no quoted local parts, no address literals, no comments).
 * The domain is case-insensitive and stored in lower case; the local part is kept as typed.
 */
export function normaliseEmail(value: string): string {
  // An ideographic full stop (。) typed by a Chinese input method is meant as a dot.
  const text = toHalfWidth(value).trim().replaceAll('\u3002', '.')
  const at = text.lastIndexOf('@')
  return at < 0 ? text : text.slice(0, at + 1) + text.slice(at + 1).toLowerCase()
}

/**
 * The key under which an address is unique: mailbox names are case-sensitive by the RFC but not at
 * any provider a candidate uses, so Zhang.Wei@qq.com and zhang.wei@qq.com are one address.
 */
export function emailKey(value: string): string {
  return normaliseEmail(value).toLowerCase()
}

// RFC 5322 atext plus the dot of dot-atom.
const localChar = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]$/
const domainChar = /^[A-Za-z0-9.-]$/
const dotAtom = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

export function checkEmail(input: string): RuleResult {
  const value = normaliseEmail(input)
  if (value === '') return broken('email.required')
  if (value.length > 254) return broken('email.length')
  const at = value.lastIndexOf('@')
  if (at <= 0 || at === value.length - 1) {
    const bad = firstDisallowed(value.replace('@', ''), localChar)
    return bad !== undefined ? broken('email.char', { char: bad }) : broken('email.format')
  }
  const local = value.slice(0, at)
  const domain = value.slice(at + 1)
  const badLocal = firstDisallowed(local, localChar)
  if (badLocal !== undefined) return broken('email.char', { char: badLocal })
  const badDomain = firstDisallowed(domain, domainChar)
  if (badDomain !== undefined) return broken('email.char', { char: badDomain })
  if (local.length > 64 || !dotAtom.test(local)) return broken('email.local')
  const labels = domain.split('.')
  const tld = labels.at(-1) ?? ''
  if (
    labels.length < 2 ||
    domain.length > 253 ||
    !labels.every((l) => label.test(l)) ||
    !/^[a-z]{2,63}$|^xn--[a-z0-9-]+$/.test(tld)
  ) {
    return broken('email.domain')
  }
  return passed(value)
}
