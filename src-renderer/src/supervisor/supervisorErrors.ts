import type { KioskError } from '../../../src-common/errors'
import { isAppealNotUpheld, opErrorMessage, type LocalisedMessage } from '../../../src-common/rules'
import type { Problem } from '../composables/useFieldErrors'
import { currentLocale, i18n } from '../i18n'

/**
 * An error value from main in the current language (reactive when called from a template), worded
 * for staff where that differs from what a candidate reads (supervisor.errorTexts).
 */
export function errorText(error: KioskError | null | undefined, kind?: string): string {
  if (!error) return ''
  // A wrong PIN says how many more the pad takes: staff learn of the lock before it, not from it.
  if (error.code === 'BAD_PIN' && error.triesLeft !== undefined && error.triesLeft > 0)
    return i18n.global.t('supervisor.badPinTriesLeft', { count: error.triesLeft }, error.triesLeft)
  const key = isAppealNotUpheld(kind, error) ? undefined : staffTextKey(error)
  return key ? i18n.global.t(key) : opErrorMessage(kind, error, currentLocale())
}

/** The message key of an error's wording for staff, when it differs from the candidate's. */
function staffTextKey(error: KioskError): string | undefined {
  if (error.code === 'QUEUE_NOT_EMPTY' && error.rule === 'queue.previousServer') return 'supervisor.queuePreviousServer'
  const forStaff = `supervisor.errorTexts.${error.code}`
  return i18n.global.te(forStaff) ? forStaff : undefined
}

/**
 * A 现场服务 form's whole-form problem as staff read it: an error with staff wording gets it (a
 * candidate's 请联系考点工作人员 told to staff sends them to themselves).
 */
export function forStaff(problem: Problem | undefined): Problem | undefined {
  const key = problem && 'error' in problem ? staffTextKey(problem.error) : undefined
  return key ? { message: localised(key) } : problem
}

/**
 * A message kept for later, read in the language shown whenever it is shown: staff may switch the
 * language with a message on the screen, and one read once, when it was found, stays in the other.
 */
export type Said = () => string

/** A message key, said as `Said`. */
export const saying =
  (key: string, params: Record<string, unknown> = {}): Said =>
  () =>
    i18n.global.t(key, params)

/**
 * Where a failed enrolment belongs, in the set-up wizard and in 设置: beside the address when no
 * server answered there or its certificate failed, beside the code when the server refused it; null
 * for anything else (shown above the form).
 */
export function enrolmentProblem(error: KioskError): { field: 'centralUrl' | 'enrolmentCode'; text: Said } | null {
  if (error.code === 'INVALID_FIELD' && error.rule === 'centralUrl.fixed') return { field: 'centralUrl', text: saying('setup.errors.urlFixed') }
  if (error.code === 'INVALID_FIELD' && error.rule === 'centralUrl.required') return { field: 'centralUrl', text: saying('setup.errors.urlRequired') }
  if (error.code === 'INVALID_FIELD' && error.rule === 'enrolmentCode.required') return { field: 'enrolmentCode', text: saying('setup.errors.codeRequired') }
  if (error.code === 'INVALID_FIELD' && error.rule === 'enrolmentCode.format') return { field: 'enrolmentCode', text: saying('setup.errors.codeFormat') }
  if (error.code === 'NETWORK_UNAVAILABLE') return { field: 'centralUrl', text: saying('setup.errors.unreachable') }
  if (error.code === 'CENTRAL_UNTRUSTED') return { field: 'centralUrl', text: () => errorText(error) }
  if (error.code === 'NOT_ENROLLED') return { field: 'enrolmentCode', text: saying('setup.errors.codeRefused') }
  return null
}

/**
 * Codes that mean "not now", not "not this": the op is kept and sent again by itself. An op's
 * STORAGE_UNAVAILABLE is the kiosk's disk refusing the server's answer: the op is saved and resent.
 */
export const passingCodes: ReadonlySet<string> = new Set([
  'NETWORK_UNAVAILABLE',
  'CENTRAL_UNTRUSTED',
  'INTERNAL',
  'RATE_LIMITED',
  'NOT_ENROLLED',
  'UNAUTHORIZED',
  'STORAGE_UNAVAILABLE',
])

/** The supervisor.guidance key for an op's error: what staff tell the candidate. */
export function guidanceKey(error: KioskError, kind?: string): string {
  // The answer to an appeal is not another appeal.
  if (isAppealNotUpheld(kind, error)) return 'supervisor.guidance.appealNotUpheld'
  // A reset's account is found by what the form gave (the mobile, the email, or on site the ID type,
  // number and name, which must all match): not only the ID number.
  if (kind === 'resetPassword' && error.code === 'ACCOUNT_NOT_FOUND') return 'supervisor.guidance.resetNotFound'
  const specific = [
    'ID_OCCUPIED',
    'MOBILE_OCCUPIED',
    'EMAIL_OCCUPIED',
    'BAD_SMS_CODE',
    'SMS_CODE_EXPIRED',
    'BAD_EMAIL_CODE',
    'WEAK_PASSWORD',
    'INVALID_FIELD',
    'SESSION_EXPIRED',
    'ACCOUNT_NOT_FOUND',
    'ACCOUNT_LOCKED',
    'BAD_CREDENTIALS',
    'VERIFICATION_REQUIRED',
    'OP_EXPIRED',
  ]
  if (specific.includes(error.code)) return `supervisor.guidance.${error.code}`
  // Final, unlike a busy server's RATE_LIMITED: the kiosk's on-site resets for the hour are used up.
  if (error.code === 'RATE_LIMITED' && error.rule === 'attestedReset.perHour') return 'supervisor.guidance.attestedLimit'
  return passingCodes.has(error.code) ? 'supervisor.guidance.passing' : 'supervisor.guidance.other'
}

/** One of our messages in every language, for forms that keep problems as LocalisedMessage. */
export function localised(key: string): LocalisedMessage {
  return { 'zh-CN': i18n.global.t(key, {}, { locale: 'zh-CN' }), en: i18n.global.t(key, {}, { locale: 'en' }) }
}
