import { broken, passed, type RuleResult } from './fieldMessages'
import { firstDisallowed } from './halfWidth'
import { normaliseEmail } from './emailRule'
import { normaliseIdNumber } from './idNumberRule'
import { normaliseMobile } from './mobileRule'
import { normaliseName } from './nameRule'
import {
  estimate,
  loadPasswordDictionary,
  loadedPasswordDictionary,
  type StrengthScore,
} from './passwordStrength'

/**
 * The ETEST password policy: 8-18 characters of letters, digits and the special characters
 * !@#%^&*_- (the union of the register page's !@#%&*_ and the reset page's !@#%^&*_-), with at least
 * one of each class. Beyond the web site: not built from the candidate's own mobile, ID number, email
 * or name, and not a common or easily guessed password. Passwords are never normalised.
 */

/** What the candidate has typed elsewhere in the same form: a password must not be built from it. */
export interface PersonalInfo {
  mobile?: string | undefined
  idNumber?: string | undefined
  email?: string | undefined
  name?: string | undefined
}

const allowedChar = /^[A-Za-z0-9!@#%^&*_-]$/
const specialChar = /[!@#%^&*_-]/

/** The format rules of the web site, in the order a candidate fixes them. */
export function checkPasswordFormat(password: string): RuleResult {
  if (password === '') return broken('password.required')
  const bad = firstDisallowed(password, allowedChar)
  if (bad !== undefined) return broken('password.char', { char: bad })
  if (password.length < 8 || password.length > 18) return broken('password.length')
  if (!/[A-Za-z]/.test(password)) return broken('password.letter')
  if (!/\d/.test(password)) return broken('password.digit')
  if (!specialChar.test(password)) return broken('password.special')
  return passed(password)
}

const simplify = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, '')

/** The pieces of personal information a password must not contain, simplified to lower-case letters and digits. */
export function personalTokens(info: PersonalInfo): string[] {
  const tokens: string[] = []
  if (info.mobile) tokens.push(simplify(normaliseMobile(info.mobile)))
  if (info.idNumber) tokens.push(simplify(normaliseIdNumber(info.idNumber)))
  if (info.email) {
    const email = normaliseEmail(info.email)
    const at = email.lastIndexOf('@')
    tokens.push(simplify(at < 0 ? email : email.slice(0, at)))
  }
  if (info.name) {
    const name = normaliseName(info.name)
    tokens.push(simplify(name), ...name.split(/[ .-]+/).map(simplify))
  }
  return [...new Set(tokens.filter((t) => t.length >= 3))]
}

// Six characters in a row of an 11-digit mobile or an 18-character ID number (a birth date, the last
// six digits) are what people reuse; shorter pieces (a 4-letter email name, a surname) count whole.
const window = 6

/** True when the password contains the candidate's mobile, ID number, email name or name, or a run of them. */
export function isBuiltFromPersonalInfo(password: string, info: PersonalInfo): boolean {
  const simple = simplify(password)
  return personalTokens(info).some((token) => {
    if (token.length <= window) return simple.includes(token)
    for (let i = 0; i + window <= token.length; i++)
      if (simple.includes(token.slice(i, i + window))) return true
    return false
  })
}

/** The lowest zxcvbn score the policy accepts: below it, password.guessable (and the meter reads 弱). */
export const minimumPasswordScore = 2

export interface PasswordContext extends PersonalInfo {
  /** For a password change: the new password must differ from the old one. */
  oldPassword?: string | undefined
}

/**
 * The whole password policy. The common-password and guessability checks run once the dictionary
 * is loaded (`loadPasswordDictionary()`); `checkPasswordAsync` loads it first.
 */
export function checkPassword(password: string, context: PasswordContext = {}): RuleResult {
  const format = checkPasswordFormat(password)
  if (!format.ok) return format
  const own = checkPasswordAgainstContext(password, context)
  if (!own.ok) return own
  const zxcvbn = loadedPasswordDictionary()
  if (zxcvbn !== undefined) {
    const strength = estimate(zxcvbn, password, personalTokens(context))
    if (strength.common) return broken('password.common')
    if (strength.score < minimumPasswordScore) return broken('password.guessable')
  }
  return passed(password)
}

/**
 * Only what depends on the rest of the form: not the old password, not built from the candidate's
 * own details. For operation schemas whose password field already ran the format and dictionary
 * checks (zxcvbn costs about a millisecond: once per password is enough).
 */
export function checkPasswordAgainstContext(password: string, context: PasswordContext): RuleResult {
  if (context.oldPassword !== undefined && context.oldPassword === password)
    return broken('password.sameAsOld')
  if (isBuiltFromPersonalInfo(password, context)) return broken('password.personal')
  return passed(password)
}

export function checkPasswordConfirm(confirm: string, password: string): RuleResult {
  return confirm === password ? passed(confirm) : broken('passwordConfirm.mismatch')
}

/** The rules whose failure the server and main report as WEAK_PASSWORD rather than INVALID_FIELD. */
export const weakPasswordRules = ['password.personal', 'password.common', 'password.guessable'] as const

/**
 * The strength meter under the password field, 0-4. A password that the policy refuses (its format:
 * length, character kinds, a character outside the allowed ones; as personal or common; or, for a
 * change, the old password again) never shows more than 1, so the meter and the message agree: not
 * 强 above 密码不能包含字符"$" or 新密码不能与原密码相同.
 */
export async function passwordScore(password: string, context: PasswordContext = {}): Promise<StrengthScore> {
  if (password === '') return 0
  const { score, common } = estimate(await loadPasswordDictionary(), password, personalTokens(context))
  if (!checkPasswordFormat(password).ok || common || !checkPasswordAgainstContext(password, context).ok) return score > 1 ? 1 : score
  return score
}
