import { z } from 'zod'
import type { KioskError } from './errors'
import { checkEmailCode, checkSmsCode, checkToken } from './rules/codeRules'
import { checkEmail } from './rules/emailRule'
import { isRuleId, type RuleId, type RuleResult } from './rules/fieldMessages'
import { checkIdNumber, checkIdNumberShape } from './rules/idNumberRule'
import { idTypes } from './rules/idTypes'
import { checkMobile } from './rules/mobileRule'
import { checkName } from './rules/nameRule'
import { checkPassword, weakPasswordRules } from './rules/passwordRule'

/**
 * The zod schemas of every field, built from the rules in ./rules so that main and the server accept
 * exactly what the renderer's instant checks accept. Each schema outputs the normalised value, and a
 * failing schema's issue message is the id of the rule that failed (see fieldErrorOf).
 */

export { idTypes }
export type { IdType } from './rules/idTypes'
export { idTypeLabels } from './rules/idTypes'

/**
 * A string schema that runs one rule: it outputs the normalised value or fails with the rule's id.
 * A check that sets the value, not `.transform()`: inside an object schema, zod 4's transform left
 * garbage that outlives V8's young collections on every parse (in Node 20 and 24 alike; a check
 * leaves none), and an appeal's young collections paused 5-9 ms for it (README, Benchmarks).
 */
export function ruleSchema(required: RuleId, check: (value: string) => RuleResult) {
  return z.string({ error: required }).check((payload) => {
    const result = check(payload.value)
    if (result.ok) {
      payload.value = result.value
      return
    }
    payload.issues.push({
      code: 'custom',
      message: result.rule,
      params: { rule: result.rule, ...result.params },
      input: payload.value,
    })
  })
}

export const fields = {
  email: ruleSchema('email.required', checkEmail),
  mobile: ruleSchema('mobile.required', checkMobile),
  /** Format, and the common-password check once the dictionary is loaded; operations add the personal-info check. */
  password: ruleSchema('password.required', (value) => checkPassword(value)),
  idType: z.enum(idTypes, { error: 'idType.required' }),
  /** 5-18 letters or digits; operations check it against the chosen document type. */
  idNumber: ruleSchema('idNumber.required', checkIdNumberShape),
  /**
   * 登录's ID number, which comes without a document type: one that some type's rules accept. Sent, a
   * number none accepts would only read 证件号码或密码不正确 and count as a failed log-in.
   */
  loginIdNumber: ruleSchema('idNumber.required', (value) => checkIdNumber(value)),
  /** A Chinese or a Latin-letter name; operations check it against the chosen document type. */
  name: ruleSchema('name.required', (value) => checkName(value)),
  smsCode: ruleSchema('smsCode.required', checkSmsCode),
  emailCode: ruleSchema('emailCode.required', checkEmailCode),
  token: ruleSchema('token.format', checkToken),
  /** A password being proved, not chosen (log-in, the old password of a change): never held to today's policy. */
  currentPassword: z
    .string({ error: 'currentPassword.required' })
    .min(1, { error: 'currentPassword.required' })
    .max(64, { error: 'currentPassword.required' }),
  /** Free text of an appeal. */
  statement: z
    .string({ error: 'statement.length' })
    .trim()
    .min(10, { error: 'statement.length' })
    .max(1000, { error: 'statement.length' }),
}

const weakRules: ReadonlySet<string> = new Set(weakPasswordRules)

/**
 * The error value for a payload that failed its schema: WEAK_PASSWORD or INVALID_FIELD, naming the
 * field (its path in the payload) and the rule, so the renderer can show the rule's message.
 */
export function fieldErrorOf(error: z.ZodError): KioskError {
  const issue = error.issues[0]
  if (issue === undefined) return { code: 'BAD_REQUEST' }
  if (issue.code === 'unrecognized_keys') return { code: 'BAD_REQUEST', field: issue.keys[0]?.slice(0, 64) }
  const field = issue.path.map(String).join('.').slice(0, 64) || undefined
  const rule = isRuleId(issue.message) ? issue.message : undefined
  const code = rule !== undefined && weakRules.has(rule) ? 'WEAK_PASSWORD' : 'INVALID_FIELD'
  return { code, ...(field === undefined ? {} : { field }), ...(rule === undefined ? {} : { rule }) }
}
