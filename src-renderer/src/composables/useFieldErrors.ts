import { reactive, watch } from 'vue'
import type { ErrorCode, KioskError, Result } from '../../../src-common/errors'
import { kioskErrorMessage, type FieldCheck, type LocalisedMessage } from '../../../src-common/rules'
import { currentLocale } from '../i18n'

/**
 * What is wrong with a field: a rule's message from src-common, or an error value from main
 * (`countedDown`: a refused 发送验证码 whose wait the button beside counts down).
 */
export type Problem = { message: LocalisedMessage } | { error: KioskError; countedDown?: boolean }

/** The problem in the candidate's language (reactive to the language switch when used in a template). */
export function problemText(problem: Problem | null | undefined): string {
  if (!problem) return ''
  const locale = currentLocale()
  return 'message' in problem ? problem.message[locale] : kioskErrorMessage(problem.error, locale, problem.countedDown)
}

/** Error codes that belong to one field of the form rather than to the whole form. */
const fieldOfCode: Partial<Record<ErrorCode, string>> = {
  BAD_SMS_CODE: 'smsCode',
  SMS_CODE_EXPIRED: 'smsCode',
  SMS_RATE_LIMITED: 'smsCode',
  BAD_EMAIL_CODE: 'emailCode',
  BAD_CAPTCHA: 'captcha',
  ID_OCCUPIED: 'idNumber',
  MOBILE_OCCUPIED: 'mobile',
  EMAIL_OCCUPIED: 'email',
  WEAK_PASSWORD: 'password',
}

// A field is checked when it loses focus, which on a touch screen happens at the pointerdown of the
// tap on the next control. Showing or hiding a message then moves that control before the pointerup,
// and the tap is lost (发送验证码 does nothing). So while a pointer is down, changes wait for it to lift.
let pointerDown = false
const waiting: (() => void)[] = []
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', () => (pointerDown = true), { capture: true, passive: true })
  const release = () => {
    pointerDown = false
    // After the click that this pointerup produces, in the same task, has been handled.
    setTimeout(() => waiting.splice(0).forEach((change) => change()), 0)
  }
  window.addEventListener('pointerup', release, { capture: true, passive: true })
  window.addEventListener('pointercancel', release, { capture: true, passive: true })
}
function whenPointerLifts(change: () => void): void {
  if (pointerDown) waiting.push(change)
  else change()
}

/**
 * The errors of one form, by field, plus one for the form as a whole. Instant checks fill it from
 * src-common's checkField; main's answers fill it from the error value, next to the field it names
 * (payload names are mapped to the form's own with `aliases`, e.g. newPassword -> password).
 */
export function useFieldErrors<K extends string>(fieldNames: readonly K[], aliases: Partial<Record<string, K>> = {}) {
  const errors = reactive({}) as Partial<Record<K | 'form', Problem>>

  function fromCheck(field: K, check: FieldCheck): boolean {
    whenPointerLifts(() => {
      if (check.ok) delete errors[field]
      // An empty field's "please enter" does not replace main's answer about it (验证码发送过于频繁 at
      // the code field, whose blur came with a tap on the language switch): that says more, and the
      // field is still to fill.
      else if (!(check.rule.endsWith('.required') && errors[field] !== undefined && 'error' in errors[field])) {
        errors[field] = { message: check.message }
      }
    })
    return check.ok
  }

  function fieldOf(error: KioskError): K | undefined {
    const named = error.field ?? fieldOfCode[error.code]
    if (named === undefined) return undefined
    const field = (aliases[named] ?? named) as K
    return fieldNames.includes(field) ? field : undefined
  }

  /**
   * Shows main's error next to its field; when it names none of ours, next to `near` (the field the
   * candidate was working on, e.g. the code beside 发送验证码), else for the whole form. A form shown
   * in steps passes the fields on screen as `shown`: an error about one of the others goes above the
   * form, where it is seen.
   */
  function fromError(error: KioskError, near?: K, shown?: readonly K[], countedDown?: boolean): void {
    const field = fieldOf(error) ?? near
    errors[field !== undefined && (shown === undefined || shown.includes(field)) ? field : 'form'] = countedDown ? { error, countedDown } : { error }
  }

  /**
   * 发送验证码's answer, at the field the code is typed into (`near`). Sent: what was said there
   * before (请输入短信验证码 after an empty 确认 or a blur, a code refused earlier) was about a code the
   * candidate is only now asked to type, and goes. Refused: why, beside that field; a wait is said
   * as SendCodeButton's countdown, which counts it down beside the field.
   */
  function fromCodeSend(near: K, result: Result<unknown>, shown?: readonly K[]): void {
    if (result.ok) clear(near)
    else fromError(result.error, near, shown, Boolean(result.error.retryAfter))
  }

  function clear(field?: K | 'form'): void {
    if (field !== undefined) delete errors[field]
    else for (const key of Object.keys(errors)) delete errors[key as K]
  }

  const hasErrors = () => fieldNames.some((field) => errors[field] !== undefined)

  /**
   * A "please fill in" message goes once its field is filled, without another submit (as an instant
   * check's would); anything else said about the field (main's answer) stays until then.
   */
  function clearOnceFilled(field: K, value: () => string, required: LocalisedMessage): void {
    watch(value, (now) => {
      const problem = errors[field]
      if (now.trim() !== '' && problem && 'message' in problem && problem.message['zh-CN'] === required['zh-CN']) clear(field)
    })
  }

  return { errors, fromCheck, fromError, fromCodeSend, clear, clearOnceFilled, hasErrors, text: problemText }
}
