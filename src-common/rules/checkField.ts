import { checkEmailCode, checkSmsCode, checkToken } from './codeRules'
import { checkEmail } from './emailRule'
import { fieldMessagesFor, type LocalisedMessage, type RuleId, type RuleResult } from './fieldMessages'
import { checkIdNumber, type IdNumberContext } from './idNumberRule'
import { isIdType, type IdType } from './idTypes'
import { checkMobile } from './mobileRule'
import { checkName } from './nameRule'
import { isOccupiedIdentifier } from './occupiedIdentifiers'
import { checkPassword, checkPasswordConfirm, type PasswordContext } from './passwordRule'
import { loadPasswordDictionary } from './passwordStrength'

/** The fields a candidate types, by the name they have in forms and operation payloads. */
export const checkedFields = [
  'email',
  'mobile',
  'password',
  'passwordConfirm',
  'idType',
  'idNumber',
  'name',
  'smsCode',
  'emailCode',
  'token',
  'occupied',
] as const
export type CheckedField = (typeof checkedFields)[number]

/** The rest of the form, for the rules that depend on another field. */
export interface FieldContext extends PasswordContext, IdNumberContext {
  /** The document type chosen: decides the ID number and name rules. */
  idType?: IdType | undefined
  /** For passwordConfirm: the password it must repeat. */
  password?: string | undefined
}

export type FieldCheck = { ok: true; value: string } | { ok: false; rule: RuleId; message: LocalisedMessage }

function runRule(field: CheckedField, value: string, context: FieldContext): RuleResult {
  switch (field) {
    case 'email':
      return checkEmail(value)
    case 'mobile':
      return checkMobile(value)
    case 'password':
      return checkPassword(value, context)
    case 'passwordConfirm':
      return checkPasswordConfirm(value, context.password ?? '')
    case 'idType':
      return isIdType(value) ? { ok: true, value } : { ok: false, rule: 'idType.required' }
    case 'idNumber':
      return checkIdNumber(value, context.idType, context)
    case 'name':
      return checkName(value, context.idType)
    case 'smsCode':
      return checkSmsCode(value)
    case 'emailCode':
      return checkEmailCode(value)
    case 'token':
      return checkToken(value)
    case 'occupied':
      return isOccupiedIdentifier(value) ? { ok: true, value } : { ok: false, rule: 'occupied.required' }
  }
}

/**
 * Checks one field as the candidate types it: the normalised value to keep, or the rule that failed
 * with its message in every locale. The same checks back the zod schemas in fields.ts, so main and
 * the server decide exactly as the form did.
 */
export function checkField(field: CheckedField, value: string, context: FieldContext = {}): FieldCheck {
  const result = runRule(field, value, context)
  if (result.ok) return result
  return { ok: false, rule: result.rule, message: fieldMessagesFor(result.rule, result.params) }
}

/**
 * A typed value as the rules read it (half-width, an ID number's X upper case), for a confirmation
 * that shows what will be sent; as typed (trimmed) when the rules refuse it.
 */
export function asRulesReadIt(field: CheckedField, value: string, context: FieldContext = {}): string {
  const result = checkField(field, value, context)
  return result.ok ? String(result.value) : value.trim()
}

/** As checkField, after loading the common-password dictionary if the field is a password. */
export async function checkFieldAsync(
  field: CheckedField,
  value: string,
  context: FieldContext = {},
): Promise<FieldCheck> {
  if (field === 'password') await loadPasswordDictionary()
  return checkField(field, value, context)
}
